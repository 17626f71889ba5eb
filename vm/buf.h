/* buf.h - a growable byte buffer for output (bytecode files, advice JSON,
 * text). It grows with realloc outside the dispatch loop and is reused
 * across cases, so steady-state batch runs do not allocate. */
#ifndef GDL_BUF_H
#define GDL_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint8_t *data;
    size_t len, cap;
    int failed;         /* out of memory: later writes are dropped */
    const struct GdlMem *mem;   /* the embedder's allocator (mem.h); NULL: malloc */
} ByteBuf;

void buf_put_slow(ByteBuf *b, const void *src, size_t n);

/* Appends n bytes; the common case (room left) is inline. */
static inline void buf_put(ByteBuf *b, const void *src, size_t n)
{
    if (n - 1 < b->cap - b->len) {     /* n >= 1: no memcpy into a NULL buffer */
        memcpy(b->data + b->len, src, n);
        b->len += n;
    } else {
        buf_put_slow(b, src, n);
    }
}

static inline void buf_puts(ByteBuf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static inline void buf_putc(ByteBuf *b, char c)
{
    if (b->len < b->cap)
        b->data[b->len++] = (uint8_t)c;
    else
        buf_put_slow(b, &c, 1);
}
void buf_printf(ByteBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal with quotes; valid UTF-8 is passed through, each
 * byte of an invalid sequence becomes U+FFFD, so the output always parses. */
void buf_json_string(ByteBuf *b, const char *s, size_t n);
/* Shortest decimal that reads back as v; integers without a fraction. */
void buf_json_number(ByteBuf *b, double v);
void buf_free(ByteBuf *b);

#endif
