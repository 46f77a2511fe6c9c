/* Shared by the Krustlet CPU benchmark programs (`just bench cpu`). Public domain.
 * Each program takes one argument, how much work to do (its unit is the program's own), prints
 * one line with a digest of what it computed (the harness checks that every engine prints the
 * same line) and exits 0; a failed known-answer self-check prints why and exits 1. */
#ifndef KRUSTLET_BENCH_H
#define KRUSTLET_BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline long bench_arg(int argc, char **argv, long fallback) {
    if (argc < 2) return fallback;
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end || n <= 0) {
        fprintf(stderr, "usage: %s COUNT (a positive number)\n", argv[0]);
        exit(2);
    }
    return n;
}

/* splitmix64: deterministic input data, the same under every engine */
static inline uint64_t bench_rand(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void bench_fill(uint8_t *p, size_t n, uint64_t seed) {
    uint64_t s = seed;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t r = bench_rand(&s);
        for (size_t j = 0; j < 8 && i + j < n; j++) p[i + j] = (uint8_t) (r >> (8 * j));
    }
}

static inline void bench_hex(char *out, const uint8_t *p, size_t n) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = 0;
}

/* exits 1 when the hex of p differs from the expected hex */
static inline void bench_expect(const char *what, const uint8_t *p, size_t n, const char *expected) {
    char hex[2 * 256 + 1];
    bench_hex(hex, p, n);
    if (strcmp(hex, expected) != 0) {
        fprintf(stderr, "self-check %s failed: got %s, expected %s\n", what, hex, expected);
        exit(1);
    }
}

static inline void bench_print(const char *name, long count, const uint8_t *digest, size_t n) {
    char hex[2 * 64 + 1];
    bench_hex(hex, digest, n > 64 ? 64 : n);
    printf("%s %ld %s\n", name, count, hex);
}
#endif
