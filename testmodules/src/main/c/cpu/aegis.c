/* aegis COUNT: encrypts and decrypts COUNT MiB with AEGIS-128L (draft-irtf-cfrg-aegis-aead),
 * its AES round function in software with four 1 KiB lookup tables, as portable builds of
 * libsodium do without AES instructions: a loop of table loads and stores in linear memory.
 * Written for the Krustlet CPU benchmark, public domain. The S-box and tables are computed at
 * start-up from their definition (FIPS 197 5.1.1) and checked against FIPS 197 appendix C.1. */
#include "bench.h"

#define MIB (1024 * 1024)

typedef struct { uint32_t w[4]; } block;

static uint8_t SBOX[256];
static uint32_t T0[256], T1[256], T2[256], T3[256];

static inline uint8_t rotl8(uint8_t x, int n) { return (uint8_t) ((x << n) | (x >> (8 - n))); }
static inline uint32_t rotl32(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
static inline uint8_t xtime(uint8_t x) { return (uint8_t) ((x << 1) ^ (x & 0x80 ? 0x1b : 0)); }

static void init_tables(void) {
    uint8_t p = 1, q = 1;
    do { /* p walks the multiplicative group by 3, q by its inverse: q = 1/p */
        p = p ^ xtime(p);
        q ^= q << 1; q ^= q << 2; q ^= q << 4;
        if (q & 0x80) q ^= 0x09;
        SBOX[p] = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63;
    } while (p != 1);
    SBOX[0] = 0x63;
    for (int x = 0; x < 256; x++) {
        uint8_t s = SBOX[x], s2 = xtime(s), s3 = s2 ^ s;
        T0[x] = s2 | (uint32_t) s << 8 | (uint32_t) s << 16 | (uint32_t) s3 << 24;
        T1[x] = rotl32(T0[x], 8);
        T2[x] = rotl32(T0[x], 16);
        T3[x] = rotl32(T0[x], 24);
    }
}

/* MixColumns(ShiftRows(SubBytes(in))) ^ rk, the AESENC instruction */
static inline block aes_round(block in, block rk) {
    block out;
    for (int c = 0; c < 4; c++) {
        out.w[c] = T0[in.w[c] & 0xff] ^ T1[(in.w[(c + 1) & 3] >> 8) & 0xff]
                 ^ T2[(in.w[(c + 2) & 3] >> 16) & 0xff] ^ T3[in.w[(c + 3) & 3] >> 24] ^ rk.w[c];
    }
    return out;
}

static inline block load_block(const uint8_t *p) {
    block b;
    memcpy(b.w, p, 16); /* wasm is little-endian, as the tables' byte order assumes */
    return b;
}

static inline void store_block(uint8_t *p, block b) { memcpy(p, b.w, 16); }

static inline block bxor(block a, block b) {
    for (int i = 0; i < 4; i++) a.w[i] ^= b.w[i];
    return a;
}

static inline block band(block a, block b) {
    for (int i = 0; i < 4; i++) a.w[i] &= b.w[i];
    return a;
}

static void aes128_check(void) {
    uint8_t key[16], pt[16], rk[11][16], s[16], t[16], out[16];
    for (int i = 0; i < 16; i++) { key[i] = (uint8_t) i; pt[i] = (uint8_t) (i * 0x11); }
    memcpy(rk[0], key, 16);
    uint8_t rcon = 1;
    for (int r = 1; r <= 10; r++) {
        const uint8_t *prev = rk[r - 1];
        uint8_t temp[4] = {SBOX[prev[13]] ^ rcon, SBOX[prev[14]], SBOX[prev[15]], SBOX[prev[12]]};
        for (int i = 0; i < 16; i++) rk[r][i] = prev[i] ^ (i < 4 ? temp[i] : rk[r][i - 4]);
        rcon = xtime(rcon);
    }
    for (int i = 0; i < 16; i++) s[i] = pt[i] ^ rk[0][i];
    for (int r = 1; r < 10; r++) {
        store_block(s, aes_round(load_block(s), load_block(rk[r])));
    }
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++) t[4 * c + r] = SBOX[s[4 * ((c + r) & 3) + r]];
    for (int i = 0; i < 16; i++) out[i] = t[i] ^ rk[10][i];
    bench_expect("FIPS 197 C.1 AES-128", out, 16, "69c4e0d86a7b0430d8cdb78070b4c55a");
}

typedef struct { block s[8]; } aegis_state;

static inline void aegis_update(aegis_state *st, block m0, block m1) {
    block *s = st->s, t7 = s[7];
    s[7] = aes_round(s[6], s[7]);
    s[6] = aes_round(s[5], s[6]);
    s[5] = aes_round(s[4], s[5]);
    s[4] = aes_round(s[3], bxor(s[4], m1));
    s[3] = aes_round(s[2], s[3]);
    s[2] = aes_round(s[1], s[2]);
    s[1] = aes_round(s[0], s[1]);
    s[0] = aes_round(t7, bxor(s[0], m0));
}

static void aegis_init(aegis_state *st, const uint8_t key[16], const uint8_t nonce[16]) {
    uint8_t c[32] = {0, 1}; /* the constants c0 || c1: the Fibonacci sequence modulo 256 */
    for (int i = 2; i < 32; i++) c[i] = (uint8_t) (c[i - 1] + c[i - 2]);
    block k = load_block(key), n = load_block(nonce), c0 = load_block(c), c1 = load_block(c + 16);
    st->s[0] = bxor(k, n); st->s[1] = c1; st->s[2] = c0; st->s[3] = c1;
    st->s[4] = bxor(k, n); st->s[5] = bxor(k, c0); st->s[6] = bxor(k, c1); st->s[7] = bxor(k, c0);
    for (int i = 0; i < 10; i++) aegis_update(st, n, k);
}

static inline void aegis_keystream(aegis_state *st, block *z0, block *z1) {
    block *s = st->s;
    *z0 = bxor(bxor(s[6], s[1]), band(s[2], s[3]));
    *z1 = bxor(bxor(s[2], s[5]), band(s[6], s[7]));
}

static void aegis_tag(aegis_state *st, uint64_t adlen, uint64_t mlen, uint8_t tag[16]) {
    uint8_t lens[16];
    uint64_t bits[2] = {adlen * 8, mlen * 8};
    memcpy(lens, bits, 16);
    block t = bxor(st->s[2], load_block(lens));
    for (int i = 0; i < 7; i++) aegis_update(st, t, t);
    block r = st->s[0];
    for (int i = 1; i < 7; i++) r = bxor(r, st->s[i]);
    store_block(tag, r);
}

/* messages are whole 32-byte blocks here; no associated data */
static void aegis_encrypt(uint8_t *c, uint8_t tag[16], const uint8_t *m, size_t n, const uint8_t key[16], const uint8_t nonce[16]) {
    aegis_state st;
    aegis_init(&st, key, nonce);
    for (size_t i = 0; i < n; i += 32) {
        block z0, z1, t0 = load_block(m + i), t1 = load_block(m + i + 16);
        aegis_keystream(&st, &z0, &z1);
        store_block(c + i, bxor(t0, z0));
        store_block(c + i + 16, bxor(t1, z1));
        aegis_update(&st, t0, t1);
    }
    aegis_tag(&st, 0, n, tag);
}

static void aegis_decrypt(uint8_t *m, uint8_t tag[16], const uint8_t *c, size_t n, const uint8_t key[16], const uint8_t nonce[16]) {
    aegis_state st;
    aegis_init(&st, key, nonce);
    for (size_t i = 0; i < n; i += 32) {
        block z0, z1;
        aegis_keystream(&st, &z0, &z1);
        block t0 = bxor(load_block(c + i), z0), t1 = bxor(load_block(c + i + 16), z1);
        store_block(m + i, t0);
        store_block(m + i + 16, t1);
        aegis_update(&st, t0, t1);
    }
    aegis_tag(&st, 0, n, tag);
}

int main(int argc, char **argv) {
    long count = bench_arg(argc, argv, 32);
    init_tables();
    aes128_check();
    uint8_t key[16] = {0x10, 0x01}, nonce[16] = {0x10, 0x00, 0x02}, tag[16], tag2[16];
    uint8_t zero[32] = {0}, one[32];
    aegis_encrypt(one, tag, zero, 32, key, nonce);
    /* the draft's test vector 2 encrypts 16 zero bytes: our 32-byte blocks share its first half */
    bench_expect("AEGIS-128L test vector 2 ciphertext", one, 16, "c1c0e58bd913006feba00f4b3cc3594e");

    uint8_t *plain = malloc(MIB), *cipher = malloc(MIB), *back = malloc(MIB);
    if (!plain || !cipher || !back) return 1;
    bench_fill(plain, MIB, 6);
    bench_fill(key, sizeof key, 7);
    for (long i = 0; i < count; i++) {
        nonce[0] = (uint8_t) i;
        aegis_encrypt(cipher, tag, plain, MIB, key, nonce);
        aegis_decrypt(back, tag2, cipher, MIB, key, nonce);
        if (memcmp(tag, tag2, 16) != 0 || memcmp(plain, back, MIB) != 0) {
            fprintf(stderr, "round trip %ld failed\n", i);
            return 1;
        }
        memcpy(key, tag, 16);
    }
    bench_print("aegis", count, tag, 16);
    return 0;
}
