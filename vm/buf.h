/* buf.h - a growable byte buffer for output (bytecode files, advice JSON,
 * text). It grows with realloc outside the dispatch loop and is reused
 * across cases, so steady-state batch runs do not allocate. */
#ifndef GDL_BUF_H
#define GDL_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *data;
    size_t len, cap;
    int failed;         /* out of memory: later writes are dropped */
} ByteBuf;

void buf_put(ByteBuf *b, const void *src, size_t n);
void buf_puts(ByteBuf *b, const char *s);
void buf_putc(ByteBuf *b, char c);
void buf_printf(ByteBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal with quotes; bytes are passed through as UTF-8. */
void buf_json_string(ByteBuf *b, const char *s, size_t n);
/* Shortest decimal that reads back as v; integers without a fraction. */
void buf_json_number(ByteBuf *b, double v);
void buf_free(ByteBuf *b);

#endif
