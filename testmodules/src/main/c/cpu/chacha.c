/* chacha COUNT: seals and opens COUNT MiB with ChaCha20-Poly1305 (RFC 8439), in messages of
 * 16 KiB: 32-bit add-rotate-xor rounds and Poly1305's 26-bit limb multiplications (after
 * poly1305-donna's 32-bit code). Written for the Krustlet CPU benchmark, public domain. */
#include "bench.h"

#define MIB (1024 * 1024)
#define MSG (16 * 1024)
/* computed once with Node.js (OpenSSL) for the key, nonce and message main() uses */
#define KAT_CIPHERTEXT "e1b816fb13e071ff579069b735e1b12fdec2911e83cc657864fba8eba09e54a7"
#define KAT_TAG "a7e8183abc5658e5d75e0c1a3d9d8989"

static inline uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
static inline uint32_t le32(const uint8_t *p) {
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}
static inline void st32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t) v; p[1] = (uint8_t) (v >> 8); p[2] = (uint8_t) (v >> 16); p[3] = (uint8_t) (v >> 24);
}

#define QR(a, b, c, d) \
    a += b; d ^= a; d = rotl(d, 16); c += d; b ^= c; b = rotl(b, 12); \
    a += b; d ^= a; d = rotl(d, 8); c += d; b ^= c; b = rotl(b, 7)

static void chacha20_block(uint8_t out[64], const uint8_t key[32], uint32_t counter, const uint8_t nonce[12]) {
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; i++) in[4 + i] = le32(key + 4 * i);
    in[12] = counter;
    for (int i = 0; i < 3; i++) in[13 + i] = le32(nonce + 4 * i);
    uint32_t x[16];
    memcpy(x, in, sizeof x);
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]); QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]); QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]); QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]); QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) st32(out + 4 * i, x[i] + in[i]);
}

static void chacha20_xor(uint8_t *out, const uint8_t *in, size_t n, const uint8_t key[32], uint32_t counter, const uint8_t nonce[12]) {
    uint8_t ks[64];
    for (size_t i = 0; i < n; i += 64, counter++) {
        chacha20_block(ks, key, counter, nonce);
        for (size_t j = 0; j < 64 && i + j < n; j++) out[i + j] = in[i + j] ^ ks[j];
    }
}

typedef struct { uint32_t r[5], h[5], pad[4]; } poly1305;

static void poly_init(poly1305 *p, const uint8_t key[32]) {
    p->r[0] = le32(key) & 0x3ffffff;
    p->r[1] = (le32(key + 3) >> 2) & 0x3ffff03;
    p->r[2] = (le32(key + 6) >> 4) & 0x3ffc0ff;
    p->r[3] = (le32(key + 9) >> 6) & 0x3f03fff;
    p->r[4] = (le32(key + 12) >> 8) & 0x00fffff;
    for (int i = 0; i < 5; i++) p->h[i] = 0;
    for (int i = 0; i < 4; i++) p->pad[i] = le32(key + 16 + 4 * i);
}

/* n is a multiple of 16 (the AEAD pads every part to 16 bytes) */
static void poly_blocks(poly1305 *p, const uint8_t *m, size_t n) {
    uint32_t r0 = p->r[0], r1 = p->r[1], r2 = p->r[2], r3 = p->r[3], r4 = p->r[4];
    uint32_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
    uint32_t h0 = p->h[0], h1 = p->h[1], h2 = p->h[2], h3 = p->h[3], h4 = p->h[4];
    for (; n >= 16; m += 16, n -= 16) {
        h0 += le32(m) & 0x3ffffff;
        h1 += (le32(m + 3) >> 2) & 0x3ffffff;
        h2 += (le32(m + 6) >> 4) & 0x3ffffff;
        h3 += (le32(m + 9) >> 6) & 0x3ffffff;
        h4 += (le32(m + 12) >> 8) | (1 << 24);
        uint64_t d0 = (uint64_t) h0 * r0 + (uint64_t) h1 * s4 + (uint64_t) h2 * s3 + (uint64_t) h3 * s2 + (uint64_t) h4 * s1;
        uint64_t d1 = (uint64_t) h0 * r1 + (uint64_t) h1 * r0 + (uint64_t) h2 * s4 + (uint64_t) h3 * s3 + (uint64_t) h4 * s2;
        uint64_t d2 = (uint64_t) h0 * r2 + (uint64_t) h1 * r1 + (uint64_t) h2 * r0 + (uint64_t) h3 * s4 + (uint64_t) h4 * s3;
        uint64_t d3 = (uint64_t) h0 * r3 + (uint64_t) h1 * r2 + (uint64_t) h2 * r1 + (uint64_t) h3 * r0 + (uint64_t) h4 * s4;
        uint64_t d4 = (uint64_t) h0 * r4 + (uint64_t) h1 * r3 + (uint64_t) h2 * r2 + (uint64_t) h3 * r1 + (uint64_t) h4 * r0;
        uint32_t c = (uint32_t) (d0 >> 26); h0 = (uint32_t) d0 & 0x3ffffff;
        d1 += c; c = (uint32_t) (d1 >> 26); h1 = (uint32_t) d1 & 0x3ffffff;
        d2 += c; c = (uint32_t) (d2 >> 26); h2 = (uint32_t) d2 & 0x3ffffff;
        d3 += c; c = (uint32_t) (d3 >> 26); h3 = (uint32_t) d3 & 0x3ffffff;
        d4 += c; c = (uint32_t) (d4 >> 26); h4 = (uint32_t) d4 & 0x3ffffff;
        h0 += c * 5; c = h0 >> 26; h0 &= 0x3ffffff;
        h1 += c;
    }
    p->h[0] = h0; p->h[1] = h1; p->h[2] = h2; p->h[3] = h3; p->h[4] = h4;
}

static void poly_finish(poly1305 *p, uint8_t tag[16]) {
    uint32_t h0 = p->h[0], h1 = p->h[1], h2 = p->h[2], h3 = p->h[3], h4 = p->h[4], c;
    c = h1 >> 26; h1 &= 0x3ffffff; h2 += c;
    c = h2 >> 26; h2 &= 0x3ffffff; h3 += c;
    c = h3 >> 26; h3 &= 0x3ffffff; h4 += c;
    c = h4 >> 26; h4 &= 0x3ffffff; h0 += c * 5;
    c = h0 >> 26; h0 &= 0x3ffffff; h1 += c;
    uint32_t g0 = h0 + 5; c = g0 >> 26; g0 &= 0x3ffffff;
    uint32_t g1 = h1 + c; c = g1 >> 26; g1 &= 0x3ffffff;
    uint32_t g2 = h2 + c; c = g2 >> 26; g2 &= 0x3ffffff;
    uint32_t g3 = h3 + c; c = g3 >> 26; g3 &= 0x3ffffff;
    uint32_t g4 = h4 + c - (1 << 26);
    uint32_t mask = (g4 >> 31) - 1; /* all ones when h >= p: take g = h - p */
    h0 = (h0 & ~mask) | (g0 & mask); h1 = (h1 & ~mask) | (g1 & mask); h2 = (h2 & ~mask) | (g2 & mask);
    h3 = (h3 & ~mask) | (g3 & mask); h4 = (h4 & ~mask) | (g4 & mask);
    uint32_t w0 = h0 | h1 << 26, w1 = h1 >> 6 | h2 << 20, w2 = h2 >> 12 | h3 << 14, w3 = h3 >> 18 | h4 << 8;
    uint64_t f = (uint64_t) w0 + p->pad[0]; st32(tag, (uint32_t) f);
    f = (uint64_t) w1 + p->pad[1] + (f >> 32); st32(tag + 4, (uint32_t) f);
    f = (uint64_t) w2 + p->pad[2] + (f >> 32); st32(tag + 8, (uint32_t) f);
    f = (uint64_t) w3 + p->pad[3] + (f >> 32); st32(tag + 12, (uint32_t) f);
}

/* the RFC 8439 2.8 tag over ciphertext c (n bytes, a multiple of 16), no associated data */
static void aead_tag(uint8_t tag[16], const uint8_t *c, size_t n, const uint8_t key[32], const uint8_t nonce[12]) {
    uint8_t otk[64], lens[16] = {0};
    poly1305 p;
    chacha20_block(otk, key, 0, nonce);
    poly_init(&p, otk);
    poly_blocks(&p, c, n);
    for (int i = 0; i < 8; i++) lens[8 + i] = (uint8_t) ((uint64_t) n >> (8 * i));
    poly_blocks(&p, lens, 16);
    poly_finish(&p, tag);
}

static void seal(uint8_t *c, uint8_t tag[16], const uint8_t *m, size_t n, const uint8_t key[32], const uint8_t nonce[12]) {
    chacha20_xor(c, m, n, key, 1, nonce);
    aead_tag(tag, c, n, key, nonce);
}

static int aead_open(uint8_t *m, const uint8_t tag[16], const uint8_t *c, size_t n, const uint8_t key[32], const uint8_t nonce[12]) {
    uint8_t want[16];
    aead_tag(want, c, n, key, nonce);
    unsigned d = 0;
    for (int i = 0; i < 16; i++) d |= want[i] ^ tag[i];
    if (d) return -1;
    chacha20_xor(m, c, n, key, 1, nonce);
    return 0;
}

int main(int argc, char **argv) {
    long count = bench_arg(argc, argv, 64);
    uint8_t key[32], nonce[12] = {0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}, msg[128], out[128], tag[16];
    for (int i = 0; i < 32; i++) key[i] = (uint8_t) (0x80 + i);
    for (int i = 0; i < 128; i++) msg[i] = (uint8_t) i;
    seal(out, tag, msg, sizeof msg, key, nonce);
    bench_expect("ChaCha20-Poly1305 ciphertext (Node.js/OpenSSL)", out, 32, KAT_CIPHERTEXT);
    bench_expect("ChaCha20-Poly1305 tag (Node.js/OpenSSL)", tag, 16, KAT_TAG);

    uint8_t *plain = malloc(MIB), *sealed = malloc(MIB), *back = malloc(MIB), tags[MIB / MSG][16];
    if (!plain || !sealed || !back) return 1;
    bench_fill(plain, MIB, 8);
    bench_fill(key, sizeof key, 9);
    for (long i = 0; i < count; i++) {
        st32(nonce, (uint32_t) i);
        for (size_t off = 0; off < MIB; off += MSG) seal(sealed + off, tags[off / MSG], plain + off, MSG, key, nonce);
        for (size_t off = 0; off < MIB; off += MSG) {
            if (aead_open(back + off, tags[off / MSG], sealed + off, MSG, key, nonce) != 0) {
                fprintf(stderr, "message %ld/%zu does not open\n", i, off / MSG);
                return 1;
            }
        }
        if (memcmp(plain, back, MIB) != 0) {
            fprintf(stderr, "round trip %ld failed\n", i);
            return 1;
        }
        memcpy(key, tags[i % (MIB / MSG)], 16);
    }
    bench_print("chacha", count, tags[0], 16);
    return 0;
}
