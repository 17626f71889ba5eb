/* sha1.h - SHA-1 (FIPS 180-4) and name-based UUIDs (RFC 9562 version 5)
 * built on it: stable identifiers for output that must stay byte for byte
 * the same (the CDS Hooks cards' uuid). Not for security. */
#ifndef GDL_SHA1_H
#define GDL_SHA1_H

#include <stddef.h>
#include <stdint.h>

enum { SHA1_BLOCK_BYTES = 64, SHA1_DIGEST_BYTES = 20, UUID_BYTES = 16, UUID_TEXT_CHARS = 36 };

typedef struct {
    uint32_t h[5];
    uint64_t len;                       /* bytes hashed so far */
    uint8_t block[SHA1_BLOCK_BYTES];    /* the partial block: len % SHA1_BLOCK_BYTES bytes */
} Sha1;

void sha1_init(Sha1 *s);
void sha1_update(Sha1 *s, const void *data, size_t len);
void sha1_final(Sha1 *s, uint8_t out[SHA1_DIGEST_BYTES]);

/* Formats a name-based UUID from the digest of its namespace and name (the
 * caller hashes both): 36 lowercase characters and a NUL, e.g.
 * "886313e1-3b8a-5372-9b90-0c9aee199e5d", version 5, variant RFC 9562. */
void sha1_uuid5_format(const uint8_t digest[SHA1_DIGEST_BYTES], char out[UUID_TEXT_CHARS + 1]);

#endif
