/* sort COUNT: sorts COUNT times a million 32-bit keys with an introsort-style quicksort and
 * 250,000 24-byte records by two fields with libc's qsort and a comparison function (an
 * indirect call per comparison), and checks the order. Written for the Krustlet CPU benchmark,
 * public domain. */
#include "bench.h"

#define KEYS (1000 * 1000)
#define RECORDS (250 * 1000)

typedef struct { uint64_t id; uint32_t group; uint32_t pad; uint64_t value; } record;

static void insertion(uint32_t *a, long n) {
    for (long i = 1; i < n; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void sift(uint32_t *a, long root, long n) {
    uint32_t v = a[root];
    for (long child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && a[child + 1] > a[child]) child++;
        if (a[child] <= v) break;
        a[root] = a[child];
    }
    a[root] = v;
}

static void heapsort_u32(uint32_t *a, long n) {
    for (long i = n / 2 - 1; i >= 0; i--) sift(a, i, n);
    for (long i = n - 1; i > 0; i--) {
        uint32_t t = a[0]; a[0] = a[i]; a[i] = t;
        sift(a, 0, i);
    }
}

static void introsort(uint32_t *a, long n, int depth) {
    while (n > 24) {
        if (depth-- == 0) { heapsort_u32(a, n); return; }
        uint32_t x = a[0], y = a[n / 2], z = a[n - 1]; /* median of three */
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i >= j) break;
            uint32_t t = a[i]; a[i] = a[j]; a[j] = t;
            i++; j--;
        }
        if (j + 1 < n - j - 1) { introsort(a, j + 1, depth); a += j + 1; n -= j + 1; }
        else { introsort(a + j + 1, n - j - 1, depth); n = j + 1; }
    }
    insertion(a, n);
}

static int by_group_then_value(const void *x, const void *y) {
    const record *a = x, *b = y;
    if (a->group != b->group) return a->group < b->group ? -1 : 1;
    return a->value < b->value ? -1 : a->value > b->value;
}

int main(int argc, char **argv) {
    long count = bench_arg(argc, argv, 6);
    uint32_t *keys = malloc(KEYS * sizeof *keys);
    record *records = malloc(RECORDS * sizeof *records);
    if (!keys || !records) return 1;
    uint64_t s = 11, sum = 0;
    for (long round = 0; round < count; round++) {
        for (long i = 0; i < KEYS; i++) keys[i] = (uint32_t) bench_rand(&s);
        for (long i = 0; i < RECORDS; i++) {
            uint64_t r = bench_rand(&s);
            records[i] = (record) {(uint64_t) i, (uint32_t) (r % 1000), 0, r >> 16};
        }
        introsort(keys, KEYS, 64);
        qsort(records, RECORDS, sizeof *records, by_group_then_value);
        for (long i = 1; i < KEYS; i++) {
            if (keys[i - 1] > keys[i]) { fprintf(stderr, "keys out of order at %ld\n", i); return 1; }
        }
        for (long i = 1; i < RECORDS; i++) {
            if (by_group_then_value(&records[i - 1], &records[i]) > 0) { fprintf(stderr, "records out of order at %ld\n", i); return 1; }
        }
        sum = sum * 31 + keys[KEYS / 2] + records[RECORDS / 3].id;
    }
    uint8_t digest[8];
    memcpy(digest, &sum, 8);
    bench_print("sort", count, digest, 8);
    return 0;
}
