/* buf.c - growable output buffer (see buf.h). */
#include "buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mem.h"

static int reserve(ByteBuf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (extra <= b->cap - b->len)
        return 1;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < extra) {
        if (cap > SIZE_MAX / 2) {
            b->failed = 1;
            return 0;
        }
        cap *= 2;
    }
    uint8_t *d = mem_realloc(b->mem, b->data, cap);
    if (!d) {
        b->failed = 1;
        return 0;
    }
    b->data = d;
    b->cap = cap;
    return 1;
}

void buf_put_slow(ByteBuf *b, const void *src, size_t n)
{
    if (n && reserve(b, n)) {
        memcpy(b->data + b->len, src, n);
        b->len += n;
    }
}

void buf_printf(ByteBuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_json_string(ByteBuf *b, const char *s, size_t n)
{
    static const char HEX[] = "0123456789abcdef";
    buf_putc(b, '"');
    size_t run = 0;     /* copy plain runs in one go */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
            continue;
        if (c >= 0x80) {
            /* The output is valid UTF-8 whatever came in (a message cut in a
             * character, a string of a crafted .gdlb): a bad byte is U+FFFD. */
            const char *why;
            size_t len = json_utf8_seq((const unsigned char *)s, n, i, &why);
            if (len) {
                i += len - 1;
                continue;
            }
            buf_put(b, s + run, i - run);
            run = i + 1;
            buf_put(b, "\xef\xbf\xbd", 3);
            continue;
        }
        buf_put(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: {
            char esc[6] = { '\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15] };
            buf_put(b, esc, 6);
        }
        }
    }
    buf_put(b, s + run, n - run);
    buf_putc(b, '"');
}

void buf_json_number(ByteBuf *b, double v)
{
    char tmp[40];
    if (!isfinite(v)) {
        buf_puts(b, "null");
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        long long i = (long long)v;
        if (i == 0 && signbit(v))
            i = 0;      /* -0 prints as 0 */
        snprintf(tmp, sizeof tmp, "%lld", i);
    } else {
        snprintf(tmp, sizeof tmp, "%.15g", v);
        if (strtod(tmp, NULL) != v)
            snprintf(tmp, sizeof tmp, "%.17g", v);
    }
    buf_puts(b, tmp);
}

void buf_free(ByteBuf *b)
{
    mem_free(b->mem, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}
