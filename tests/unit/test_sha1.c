/* test_sha1.c - SHA-1 against the FIPS 180-2 appendix test vectors (one
 * block, two blocks, a million bytes fed in uneven pieces, the empty
 * string) and the version-5 UUID against RFC 9562's example. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "sha1.h"
#include "unit.h"

/* The digest of len bytes fed in pieces of at most `piece` bytes, as hex. */
static void hex_digest(const char *text, size_t len, size_t piece, char hex[2 * SHA1_DIGEST_BYTES + 1])
{
    Sha1 s;
    sha1_init(&s);
    for (size_t i = 0; i < len; i += piece)
        sha1_update(&s, text + i, len - i < piece ? len - i : piece);
    uint8_t d[SHA1_DIGEST_BYTES];
    sha1_final(&s, d);
    for (int i = 0; i < SHA1_DIGEST_BYTES; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void test_vectors(void)
{
    static const struct { const char *text, *digest; } V[] = {
        { "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
        { "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
        /* 64 bytes: the padding needs a block of its own */
        { "0123456701234567012345670123456701234567012345670123456701234567",
          "e0c094e867ef46c350ef54a7f59dd60bed92ae83" },
    };
    char hex[2 * SHA1_DIGEST_BYTES + 1];
    for (size_t i = 0; i < sizeof V / sizeof V[0]; i++)
        for (size_t piece = 1; piece <= 64; piece += 21) {
            hex_digest(V[i].text, strlen(V[i].text), piece, hex);
            CU_ASSERT_STRING_EQUAL(hex, V[i].digest);
        }
}

static void test_million_a(void)
{
    static char a[1000000];
    memset(a, 'a', sizeof a);
    char hex[2 * SHA1_DIGEST_BYTES + 1];
    hex_digest(a, sizeof a, 997, hex);
    CU_ASSERT_STRING_EQUAL(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

static void test_uuid5(void)
{
    /* RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace. */
    static const uint8_t DNS[UUID_BYTES] = { 0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                             0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
    Sha1 s;
    sha1_init(&s);
    sha1_update(&s, DNS, sizeof DNS);
    sha1_update(&s, "www.example.com", 15);
    uint8_t d[SHA1_DIGEST_BYTES];
    sha1_final(&s, d);
    char uuid[UUID_TEXT_CHARS + 1];
    sha1_uuid5_format(d, uuid);
    CU_ASSERT_STRING_EQUAL(uuid, "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

void test_sha1_register(void)
{
    static const UnitTest tests[] = {
        {"FIPS 180-2 vectors, fed in pieces", test_vectors},
        {"a million 'a'", test_million_a},
        {"RFC 9562 UUIDv5 example", test_uuid5},
    };
    UNIT_REGISTER("sha1", tests);
}
