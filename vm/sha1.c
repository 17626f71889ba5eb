/* sha1.c - SHA-1 over bytes given in pieces, and the text of a version-5
 * UUID from a digest (sha1.h). Written from FIPS 180-4 section 6.1 and RFC
 * 9562 section 5.5; the unit tests hold their test vectors. */
#include "sha1.h"

#include <string.h>

static uint32_t rotl(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static void compress(uint32_t h[5], const uint8_t block[SHA1_BLOCK_BYTES])
{
    uint32_t w[80];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 | (uint32_t)block[4 * t + 2] << 8
             | (uint32_t)block[4 * t + 3];
    for (int t = 16; t < 80; t++)
        w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999u;
        } else if (t < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1u;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDCu;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6u;
        }
        uint32_t temp = rotl(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = temp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void sha1_init(Sha1 *s)
{
    *s = (Sha1){ .h = { 0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u } };
}

void sha1_update(Sha1 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len) {
        size_t have = (size_t)(s->len % SHA1_BLOCK_BYTES), n = SHA1_BLOCK_BYTES - have;
        if (n > len)
            n = len;
        memcpy(s->block + have, p, n);
        s->len += n;
        p += n;
        len -= n;
        if (have + n == SHA1_BLOCK_BYTES)
            compress(s->h, s->block);
    }
}

void sha1_final(Sha1 *s, uint8_t out[SHA1_DIGEST_BYTES])
{
    /* The padding: 0x80, zeros up to 8 bytes before a block's end, the
     * message length in bits (big-endian). */
    uint64_t bits = s->len * 8;
    static const uint8_t ONE_BIT = 0x80, ZERO = 0;
    sha1_update(s, &ONE_BIT, 1);
    while (s->len % SHA1_BLOCK_BYTES != SHA1_BLOCK_BYTES - 8)
        sha1_update(s, &ZERO, 1);
    uint8_t length[8];
    for (int i = 0; i < 8; i++)
        length[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha1_update(s, length, sizeof length);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (uint8_t)(s->h[i] >> (24 - 8 * j));
}

void sha1_uuid5_format(const uint8_t digest[SHA1_DIGEST_BYTES], char out[UUID_TEXT_CHARS + 1])
{
    static const char HEX[] = "0123456789abcdef";
    uint8_t u[UUID_BYTES];
    memcpy(u, digest, UUID_BYTES);
    u[6] = (uint8_t)((u[6] & 0x0F) | 0x50);     /* version 5 */
    u[8] = (uint8_t)((u[8] & 0x3F) | 0x80);     /* variant 10xx */
    size_t o = 0;
    for (int i = 0; i < UUID_BYTES; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = HEX[u[i] >> 4];
        out[o++] = HEX[u[i] & 0x0F];
    }
    out[o] = '\0';
}
