/* lz COUNT: compresses and decompresses COUNT MiB of generated text with LZ77 (a 64 KiB window,
 * hash chains as zlib's deflate searches them, lazy matching off) into an LZ4-like token stream,
 * and checks the round trip: hash-table loads and stores, byte compares, copies.
 * Written for the Krustlet CPU benchmark, public domain. */
#include "bench.h"

#define MIB (1024 * 1024)
#define WINDOW 65536
#define HASH_BITS 15
#define MIN_MATCH 4
#define MAX_CHAIN 32

static uint32_t head[1 << HASH_BITS];
static uint32_t chain[WINDOW];

static inline uint32_t hash4(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

static uint8_t *put_length(uint8_t *o, size_t n) {
    for (; n >= 255; n -= 255) *o++ = 255;
    *o++ = (uint8_t) n;
    return o;
}

/* token: literal count (4 bits) | match length - 4 (4 bits), extra length bytes, literals,
 * 16-bit offset; the last token has literals only */
static uint8_t *emit(uint8_t *o, const uint8_t *lit, size_t nlit, size_t offset, size_t mlen) {
    uint8_t *token = o++;
    size_t ml = mlen ? mlen - MIN_MATCH : 0;
    *token = (uint8_t) ((nlit < 15 ? nlit : 15) << 4 | (ml < 15 ? ml : 15));
    if (nlit >= 15) o = put_length(o, nlit - 15);
    memcpy(o, lit, nlit);
    o += nlit;
    if (mlen) {
        *o++ = (uint8_t) offset;
        *o++ = (uint8_t) (offset >> 8);
        if (ml >= 15) o = put_length(o, ml - 15);
    }
    return o;
}

static size_t compress(uint8_t *out, const uint8_t *in, size_t n) {
    for (size_t i = 0; i < (1 << HASH_BITS); i++) head[i] = UINT32_MAX;
    uint8_t *o = out;
    size_t anchor = 0, i = 0;
    while (i + MIN_MATCH <= n) {
        uint32_t h = hash4(in + i);
        size_t best = 0, best_off = 0;
        uint32_t cand = head[h];
        for (int steps = 0; cand != UINT32_MAX && i - cand < WINDOW && steps < MAX_CHAIN; steps++) {
            size_t len = 0, max = n - i;
            while (len < max && in[cand + len] == in[i + len]) len++;
            if (len > best) {
                best = len;
                best_off = i - cand;
            }
            uint32_t next = chain[cand & (WINDOW - 1)];
            if (next == UINT32_MAX || next >= cand) break;
            cand = next;
        }
        chain[i & (WINDOW - 1)] = head[h];
        head[h] = (uint32_t) i;
        if (best >= MIN_MATCH) {
            o = emit(o, in + anchor, i - anchor, best_off, best);
            for (size_t j = i + 1; j < i + best && j + MIN_MATCH <= n; j++) {
                uint32_t hj = hash4(in + j);
                chain[j & (WINDOW - 1)] = head[hj];
                head[hj] = (uint32_t) j;
            }
            i += best;
            anchor = i;
        } else {
            i++;
        }
    }
    return (size_t) (emit(o, in + anchor, n - anchor, 0, 0) - out);
}

static size_t get_length(const uint8_t **p, size_t n) {
    if (n < 15) return n;
    uint8_t b;
    do { b = *(*p)++; n += b; } while (b == 255);
    return n;
}

static size_t decompress(uint8_t *out, const uint8_t *in, size_t n) {
    const uint8_t *p = in, *end = in + n;
    uint8_t *o = out;
    while (p < end) {
        uint8_t token = *p++;
        size_t nlit = get_length(&p, token >> 4);
        memcpy(o, p, nlit);
        o += nlit;
        p += nlit;
        if (p >= end) break;
        size_t offset = p[0] | (size_t) p[1] << 8;
        p += 2;
        size_t mlen = get_length(&p, token & 15) + MIN_MATCH;
        const uint8_t *from = o - offset;
        for (size_t k = 0; k < mlen; k++) o[k] = from[k]; /* overlapping copies repeat bytes */
        o += mlen;
    }
    return (size_t) (o - out);
}

/* text from a small vocabulary: compressible like prose or logs */
static void make_text(uint8_t *p, size_t n, uint64_t seed) {
    static const char *words[] = {"the", "pod", "node", "kubelet", "container", "running", "image", "registry",
                                  "webassembly", "module", "memory", "status", "of", "a", "is", "and", "to",
                                  "restart", "policy", "volume", "mount", "log", "error", "ready", "in", "for"};
    uint64_t s = seed;
    size_t i = 0;
    while (i < n) {
        uint64_t r = bench_rand(&s);
        const char *w = words[r % (sizeof words / sizeof *words)];
        for (; *w && i < n; w++) p[i++] = (uint8_t) *w;
        if (i < n) p[i++] = (r >> 32) % 11 == 0 ? '\n' : ' ';
        if ((r >> 40) % 53 == 0) { /* a number now and then */
            for (int d = 0; d < 6 && i < n; d++) p[i++] = (uint8_t) ('0' + (r >> (8 * d)) % 10);
        }
    }
}

int main(int argc, char **argv) {
    long count = bench_arg(argc, argv, 8);
    uint8_t *text = malloc(MIB), *packed = malloc(MIB + MIB / 128 + 64), *back = malloc(MIB);
    if (!text || !packed || !back) return 1;
    uint8_t digest[8] = {0};
    size_t total = 0;
    for (long i = 0; i < count; i++) {
        make_text(text, MIB, (uint64_t) i + 10);
        size_t n = compress(packed, text, MIB);
        if (decompress(back, packed, n) != MIB || memcmp(text, back, MIB) != 0) {
            fprintf(stderr, "round trip %ld failed\n", i);
            return 1;
        }
        total += n;
        for (size_t k = 0; k < n; k++) digest[k & 7] = (uint8_t) (digest[k & 7] * 31 + packed[k]);
    }
    printf("lz %ld ratio %.3f ", count, (double) total / ((double) count * MIB));
    bench_print("digest", count, digest, 8);
    return 0;
}
