/* hmac COUNT: COUNT thousand HMAC-SHA-512 tags (RFC 2104) of 256-byte messages under changing
 * keys, the shape of libsodium's crypto_auth tests: 64-bit arithmetic, short inputs, many calls. */
#include "bench.h"
#include "sha2.h"

static void hmac_sha512(const uint8_t *key, size_t keylen, const uint8_t *msg, size_t n, uint8_t out[64]) {
    uint8_t k[128] = {0}, pad[128], inner[64];
    if (keylen > 128) {
        sha512(key, keylen, k);
    } else {
        memcpy(k, key, keylen);
    }
    sha512_ctx c;
    for (int i = 0; i < 128; i++) pad[i] = k[i] ^ 0x36;
    sha512_init(&c);
    sha512_update(&c, pad, 128);
    sha512_update(&c, msg, n);
    sha512_final(&c, inner);
    for (int i = 0; i < 128; i++) pad[i] = k[i] ^ 0x5c;
    sha512_init(&c);
    sha512_update(&c, pad, 128);
    sha512_update(&c, inner, 64);
    sha512_final(&c, out);
}

int main(int argc, char **argv) {
    long count = bench_arg(argc, argv, 40);
    uint8_t tag[64], key[32], msg[256];
    memset(key, 0x0b, 20);
    hmac_sha512(key, 20, (const uint8_t *) "Hi There", 8, tag);
    bench_expect("RFC 4231 test 1", tag, 64, "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                                             "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
    bench_fill(key, sizeof key, 2);
    bench_fill(msg, sizeof msg, 3);
    for (long i = 0; i < count * 1000; i++) {
        hmac_sha512(key, sizeof key, msg, sizeof msg, tag);
        memcpy(key, tag, sizeof key);
        msg[i & 255] ^= tag[32];
    }
    bench_print("hmac", count, tag, 64);
    return 0;
}
