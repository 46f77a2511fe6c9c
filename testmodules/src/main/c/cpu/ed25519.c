/* ed25519 COUNT: COUNT times: derive a key pair from a seed, sign a 100-byte message and verify
 * the signature (RFC 8032 Ed25519). Arithmetic in the style of TweetNaCl (Bernstein, van Gastel,
 * Janssen, Lange, Schwabe, Smetsers; public domain): sixteen 16-bit limbs in 64-bit words, the
 * 16x16 schoolbook product M inlined into its callers (as optimising builds do), so the point
 * addition becomes one wasm function of about 8,000 instructions (21 KB of JVM bytecode under
 * Chicory: over HotSpot's 8,000-byte JIT limit), with loads and stores of the product's columns.
 * Written for the Krustlet CPU benchmark after TweetNaCl's structure, public domain. The curve
 * constants are computed at start-up from their definitions (RFC 8032 5.1), not copied. */
#include "bench.h"
#include "sha2.h"

typedef int64_t gf[16];

static const gf gf0 = {0}, gf1 = {1};
static gf D, D2, X, Y, I;

static void car25519(gf o) {
    for (int i = 0; i < 16; i++) {
        o[i] += (int64_t) 1 << 16;
        int64_t c = o[i] >> 16;
        o[(i + 1) * (i < 15)] += c - 1 + 37 * (c - 1) * (i == 15);
        o[i] -= c * ((int64_t) 1 << 16);
    }
}

static void sel25519(gf p, gf q, int b) {
    int64_t c = ~(b - 1);
    for (int i = 0; i < 16; i++) {
        int64_t t = c & (p[i] ^ q[i]);
        p[i] ^= t;
        q[i] ^= t;
    }
}

static void pack25519(uint8_t *o, const gf n) {
    gf m, t;
    for (int i = 0; i < 16; i++) t[i] = n[i];
    car25519(t);
    car25519(t);
    car25519(t);
    for (int j = 0; j < 2; j++) {
        m[0] = t[0] - 0xffed;
        for (int i = 1; i < 15; i++) {
            m[i] = t[i] - 0xffff - ((m[i - 1] >> 16) & 1);
            m[i - 1] &= 0xffff;
        }
        m[15] = t[15] - 0x7fff - ((m[14] >> 16) & 1);
        int b = (int) ((m[15] >> 16) & 1);
        m[14] &= 0xffff;
        sel25519(t, m, 1 - b);
    }
    for (int i = 0; i < 16; i++) {
        o[2 * i] = (uint8_t) t[i];
        o[2 * i + 1] = (uint8_t) (t[i] >> 8);
    }
}

static int verify32(const uint8_t *x, const uint8_t *y) {
    unsigned d = 0;
    for (int i = 0; i < 32; i++) d |= x[i] ^ y[i];
    return (1 & ((d - 1) >> 8)) - 1;
}

static int neq25519(const gf a, const gf b) {
    uint8_t c[32], d[32];
    pack25519(c, a);
    pack25519(d, b);
    return verify32(c, d);
}

static uint8_t par25519(const gf a) {
    uint8_t d[32];
    pack25519(d, a);
    return d[0] & 1;
}

static void unpack25519(gf o, const uint8_t *n) {
    for (int i = 0; i < 16; i++) o[i] = n[2 * i] + ((int64_t) n[2 * i + 1] << 8);
    o[15] &= 0x7fff;
}

static void A(gf o, const gf a, const gf b) {
    for (int i = 0; i < 16; i++) o[i] = a[i] + b[i];
}

static void Z(gf o, const gf a, const gf b) {
    for (int i = 0; i < 16; i++) o[i] = a[i] - b[i];
}

static inline __attribute__((always_inline)) void M(gf o, const gf a, const gf b) {
    int64_t t[31];
    for (int i = 0; i < 31; i++) t[i] = 0;
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) t[i + j] += a[i] * b[j];
    for (int i = 0; i < 15; i++) t[i] += 38 * t[i + 16];
    for (int i = 0; i < 16; i++) o[i] = t[i];
    car25519(o);
    car25519(o);
}

static void S(gf o, const gf a) {
    M(o, a, a);
}

/* i^e for the exponent e given as 32 little-endian bytes */
static void pow25519(gf o, const gf i, const uint8_t e[32]) {
    gf c;
    for (int a = 0; a < 16; a++) c[a] = gf1[a];
    for (int bit = 255; bit >= 0; bit--) {
        S(c, c);
        if ((e[bit >> 3] >> (bit & 7)) & 1) M(c, c, i);
    }
    for (int a = 0; a < 16; a++) o[a] = c[a];
}

static void inv25519(gf o, const gf i) {
    gf c;
    for (int a = 0; a < 16; a++) c[a] = i[a];
    for (int a = 253; a >= 0; a--) {
        S(c, c);
        if (a != 2 && a != 4) M(c, c, i);
    }
    for (int a = 0; a < 16; a++) o[a] = c[a];
}

static void pow2523(gf o, const gf i) {
    gf c;
    for (int a = 0; a < 16; a++) c[a] = i[a];
    for (int a = 250; a >= 0; a--) {
        S(c, c);
        if (a != 1) M(c, c, i);
    }
    for (int a = 0; a < 16; a++) o[a] = c[a];
}

static void add(gf p[4], gf q[4]) {
    gf a, b, c, d, t, e, f, g, h;
    Z(a, p[1], p[0]);
    Z(t, q[1], q[0]);
    M(a, a, t);
    A(b, p[0], p[1]);
    A(t, q[0], q[1]);
    M(b, b, t);
    M(c, p[3], q[3]);
    M(c, c, D2);
    M(d, p[2], q[2]);
    A(d, d, d);
    Z(e, b, a);
    Z(f, d, c);
    A(g, d, c);
    A(h, b, a);
    M(p[0], e, f);
    M(p[1], h, g);
    M(p[2], g, f);
    M(p[3], e, h);
}

static void cswap(gf p[4], gf q[4], uint8_t b) {
    for (int i = 0; i < 4; i++) sel25519(p[i], q[i], b);
}

static void pack(uint8_t *r, gf p[4]) {
    gf tx, ty, zi;
    inv25519(zi, p[2]);
    M(tx, p[0], zi);
    M(ty, p[1], zi);
    pack25519(r, ty);
    r[31] ^= par25519(tx) << 7;
}

static void scalarmult(gf p[4], gf q[4], const uint8_t *s) {
    for (int i = 0; i < 16; i++) {
        p[0][i] = gf0[i]; p[1][i] = gf1[i]; p[2][i] = gf1[i]; p[3][i] = gf0[i];
    }
    for (int i = 255; i >= 0; --i) {
        uint8_t b = (s[i / 8] >> (i & 7)) & 1;
        cswap(p, q, b);
        add(q, p);
        add(p, p);
        cswap(p, q, b);
    }
}

static void scalarbase(gf p[4], const uint8_t *s) {
    gf q[4];
    for (int i = 0; i < 16; i++) {
        q[0][i] = X[i]; q[1][i] = Y[i]; q[2][i] = gf1[i];
    }
    M(q[3], X, Y);
    scalarmult(p, q, s);
}

static const uint64_t L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                               0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};

static void modL(uint8_t *r, int64_t x[64]) {
    int64_t carry;
    int i, j;
    for (i = 63; i >= 32; --i) {
        carry = 0;
        for (j = i - 32; j < i - 12; ++j) {
            x[j] += carry - 16 * x[i] * (int64_t) L[j - (i - 32)];
            carry = (x[j] + 128) >> 8;
            x[j] -= carry * 256;
        }
        x[j] += carry;
        x[i] = 0;
    }
    carry = 0;
    for (j = 0; j < 32; j++) {
        x[j] += carry - (x[31] >> 4) * (int64_t) L[j];
        carry = x[j] >> 8;
        x[j] &= 255;
    }
    for (j = 0; j < 32; j++) x[j] -= carry * (int64_t) L[j];
    for (i = 0; i < 32; i++) {
        x[i + 1] += x[i] >> 8;
        r[i] = x[i] & 255;
    }
}

static void reduce(uint8_t *r) {
    int64_t x[64];
    for (int i = 0; i < 64; i++) x[i] = (int64_t) r[i];
    for (int i = 0; i < 64; i++) r[i] = 0;
    modL(r, x);
}

static int unpackneg(gf r[4], const uint8_t p[32]) {
    gf t, chk, num, den, den2, den4, den6;
    for (int i = 0; i < 16; i++) r[2][i] = gf1[i];
    unpack25519(r[1], p);
    S(num, r[1]);
    M(den, num, D);
    Z(num, num, r[2]);
    A(den, r[2], den);
    S(den2, den);
    S(den4, den2);
    M(den6, den4, den2);
    M(t, den6, num);
    M(t, t, den);
    pow2523(t, t);
    M(t, t, num);
    M(t, t, den);
    M(t, t, den);
    M(r[0], t, den);
    S(chk, r[0]);
    M(chk, chk, den);
    if (neq25519(chk, num)) M(r[0], r[0], I);
    S(chk, r[0]);
    M(chk, chk, den);
    if (neq25519(chk, num)) return -1;
    if (par25519(r[0]) == (p[31] >> 7)) Z(r[0], gf0, r[0]);
    M(r[3], r[0], r[1]);
    return 0;
}

static void normalize(gf o) {
    uint8_t b[32];
    pack25519(b, o);
    unpack25519(o, b);
}

/* d = -121665/121666, I = sqrt(-1) = 2^((p-1)/4), B = (x, 4/5) with x even (RFC 8032 5.1) */
static void init_constants(void) {
    gf a = {0xdb41, 1}, b = {0xdb42, 1}, five = {5}, four = {4}, two = {2};
    inv25519(b, b);
    M(D, a, b);
    Z(D, gf0, D);
    normalize(D);
    A(D2, D, D);
    normalize(D2);
    uint8_t e[32]; /* (p - 1) / 4 = 2^253 - 5 */
    memset(e, 0xff, 32);
    e[0] = 0xfb;
    e[31] = 0x1f;
    pow25519(I, two, e);
    normalize(I);
    inv25519(five, five);
    M(Y, four, five);
    normalize(Y);
    uint8_t y[32];
    pack25519(y, Y);
    bench_expect("base point encoding", y, 32, "5866666666666666666666666666666666666666666666666666666666666666");
    gf q[4];
    if (unpackneg(q, y)) exit(1);
    Z(X, gf0, q[0]);
    normalize(X);
}

static void keypair(uint8_t pk[32], uint8_t sk[64], const uint8_t seed[32]) {
    uint8_t d[64];
    gf p[4];
    sha512(seed, 32, d);
    d[0] &= 248; d[31] &= 127; d[31] |= 64;
    scalarbase(p, d);
    pack(pk, p);
    memcpy(sk, seed, 32);
    memcpy(sk + 32, pk, 32);
}

/* sm = signature (64 bytes) || message (n bytes) */
static void sign(uint8_t *sm, const uint8_t *m, size_t n, const uint8_t sk[64]) {
    uint8_t d[64], h[64], r[64];
    int64_t x[64];
    gf p[4];
    sha512(sk, 32, d);
    d[0] &= 248; d[31] &= 127; d[31] |= 64;
    memcpy(sm + 64, m, n);
    memcpy(sm + 32, d + 32, 32);
    sha512(sm + 32, n + 32, r);
    reduce(r);
    scalarbase(p, r);
    pack(sm, p);
    memcpy(sm + 32, sk + 32, 32);
    sha512(sm, n + 64, h);
    reduce(h);
    for (int i = 0; i < 64; i++) x[i] = 0;
    for (int i = 0; i < 32; i++) x[i] = (int64_t) r[i];
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 32; j++) x[i + j] += h[i] * (int64_t) d[j];
    modL(sm + 32, x);
}

/* 0 when sm (signature || message, n bytes in all) is valid under pk */
static int verify(const uint8_t *sm, size_t n, const uint8_t pk[32], uint8_t *scratch) {
    uint8_t t[32], h[64];
    gf p[4], q[4];
    if (n < 64 || unpackneg(q, pk)) return -1;
    memcpy(scratch, sm, n);
    memcpy(scratch + 32, pk, 32);
    sha512(scratch, n, h);
    reduce(h);
    scalarmult(p, q, h);
    scalarbase(q, sm + 32);
    add(p, q);
    pack(t, p);
    return verify32(sm, t);
}

static void from_hex(uint8_t *out, const char *hex, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t) v;
    }
}

#define MSG 100

int main(int argc, char **argv) {
    long count = bench_arg(argc, argv, 20);
    init_constants();
    uint8_t seed[32], pk[32], sk[64], sm[64 + MSG], scratch[64 + MSG], msg[MSG];
    from_hex(seed, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", 32);
    keypair(pk, sk, seed);
    bench_expect("RFC 8032 7.1 test 1 public key", pk, 32, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    sign(sm, msg, 0, sk);
    bench_expect("RFC 8032 7.1 test 1 signature", sm, 64, "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    if (verify(sm, 64, pk, scratch) != 0) {
        fprintf(stderr, "self-check: RFC 8032 test 1 signature does not verify\n");
        return 1;
    }
    sm[10] ^= 1;
    if (verify(sm, 64, pk, scratch) == 0) {
        fprintf(stderr, "self-check: a corrupted signature verifies\n");
        return 1;
    }
    bench_fill(seed, sizeof seed, 4);
    bench_fill(msg, sizeof msg, 5);
    for (long i = 0; i < count; i++) {
        keypair(pk, sk, seed);
        sign(sm, msg, MSG, sk);
        if (verify(sm, sizeof sm, pk, scratch) != 0) {
            fprintf(stderr, "signature %ld does not verify\n", i);
            return 1;
        }
        memcpy(seed, sm, 32);
        msg[i % MSG] ^= sm[40];
    }
    bench_print("ed25519", count, sm, 64);
    return 0;
}
