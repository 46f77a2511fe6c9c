/* sha256 COUNT: hashes COUNT MiB of pseudo-random data with SHA-256 (a chain: each MiB starts
 * with the digest of the previous one). Hashing: 32-bit rotations and big-endian loads. */
#include "bench.h"
#include "sha2.h"

#define MIB (1024 * 1024)

int main(int argc, char **argv) {
    long count = bench_arg(argc, argv, 64);
    uint8_t digest[32];
    sha256((const uint8_t *) "abc", 3, digest);
    bench_expect("sha256(abc)", digest, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    uint8_t *data = malloc(MIB);
    if (!data) return 1;
    bench_fill(data, MIB, 1);
    for (long i = 0; i < count; i++) {
        sha256(data, MIB, digest);
        memcpy(data, digest, sizeof digest);
    }
    bench_print("sha256", count, digest, sizeof digest);
    free(data);
    return 0;
}
