/* source.c - source buffers and the offset -> line:col map. */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void source_set_init(SourceSet *s, Arena *arena)
{
    s->count = 0;
    s->arena = arena;
}

int source_add(SourceSet *s, const char *path, const char *text, size_t len)
{
    if (s->count >= SOURCE_MAX_FILES)
        return -1;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
        len -= 3;
    }
    char *copy = arena_strndup(s->arena, text, len);
    const char *pcopy = arena_strndup(s->arena, path, strlen(path));
    if (!copy || !pcopy)
        return -1;
    uint32_t nlines = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            nlines++;
    uint32_t *starts = arena_alloc(s->arena, sizeof(uint32_t) * nlines);
    if (!starts)
        return -1;
    uint32_t n = 0;
    starts[n++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            starts[n++] = (uint32_t)(i + 1);
    Source *src = &s->files[s->count];
    src->path = pcopy;
    src->text = copy;
    src->len = len;
    src->line_starts = starts;
    src->nlines = nlines;
    return (int)s->count++;
}

int source_load(SourceSet *s, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    /* Size the buffer from the file (plus one byte, so a file that grew or a
     * pipe is still caught by the limit); a larger file is an error, not a
     * truncation. */
    size_t want = SOURCE_MAX_BYTES + 1;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size >= 0 && (unsigned long)size < SOURCE_MAX_BYTES)
            want = (size_t)size + 1;
        rewind(f);
    }
    size_t len = 0;
    Arena tmp;
    arena_init_mem(&tmp, want + 64, s->arena->mem);
    char *buf = arena_alloc(&tmp, want);
    int rc = -1;
    if (!buf) {
        snprintf(err, errlen, "out of memory reading '%s'", path);
        goto done;
    }
    len = fread(buf, 1, want, f);
    if (len == want && want <= SOURCE_MAX_BYTES) {    /* grew since ftell: read the rest up to the limit */
        char *big = arena_alloc(&tmp, SOURCE_MAX_BYTES + 1);
        if (!big) {
            snprintf(err, errlen, "out of memory reading '%s'", path);
            goto done;
        }
        memcpy(big, buf, len);
        len += fread(big + len, 1, SOURCE_MAX_BYTES + 1 - len, f);
        buf = big;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        goto done;
    }
    if (len > SOURCE_MAX_BYTES) {
        snprintf(err, errlen, "'%s' is larger than %d bytes", path, SOURCE_MAX_BYTES);
        goto done;
    }
    rc = source_add(s, path, buf, len);
    if (rc < 0)
        snprintf(err, errlen, "too many source files (limit is %d)", SOURCE_MAX_FILES);
done:
    arena_free(&tmp);
    fclose(f);
    return rc;
}

void source_line_col(const SourceSet *s, uint32_t file, uint32_t offset,
                     uint32_t *line, uint32_t *col)
{
    const Source *src = &s->files[file];
    uint32_t lo = 0, hi = src->nlines;
    while (hi - lo > 1) {       /* last line start <= offset */
        uint32_t mid = lo + (hi - lo) / 2;
        if (src->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    *line = lo + 1;
    *col = offset - src->line_starts[lo] + 1;
}

const char *source_line_text(const SourceSet *s, uint32_t file, uint32_t line, size_t *len)
{
    const Source *src = &s->files[file];
    if (line == 0 || line > src->nlines) {
        *len = 0;
        return "";
    }
    uint32_t start = src->line_starts[line - 1];
    uint32_t end = line < src->nlines ? src->line_starts[line] - 1 : (uint32_t)src->len;
    if (end > start && src->text[end - 1] == '\r')
        end--;
    *len = end - start;
    return src->text + start;
}

/* ---- quoting ----------------------------------------------------------- */

/* A parenthesised expression's node spans what is inside the brackets, so
 * `a and (b or c)` ends before ')': widen the span until its brackets
 * balance. */
static SrcSpan balanced(const char *t, size_t len, SrcSpan s)
{
    int depth = 0, lowest = 0;
    bool in_str = false;
    for (uint32_t i = s.start; i < s.end; i++) {
        if (t[i] == '"' && (i == s.start || t[i - 1] != '\\'))
            in_str = !in_str;
        else if (!in_str && t[i] == '(')
            depth++;
        else if (!in_str && t[i] == ')' && --depth < lowest)
            lowest = depth;
    }
    for (; lowest < 0 && s.start > 0; s.start--)
        lowest += t[s.start - 1] == '(';
    for (depth -= lowest; depth > 0 && s.end < len; s.end++)
        depth -= t[s.end] == ')';
    return s;
}

void source_quote(const SourceSet *set, SrcSpan s, bool escape_bars, ByteBuf *out)
{
    const Source *src = &set->files[s.file];
    const char *t = src->text;
    s = balanced(t, src->len, s);
    bool blank = false, in_str = false, any = false;
    for (uint32_t i = s.start; i < s.end; i++) {
        char ch = t[i];
        if (!in_str && ch == '/' && i + 1 < s.end && t[i + 1] == '/') {
            while (i + 1 < s.end && t[i + 1] != '\n')
                i++;
            blank = true;
            continue;
        }
        if (!in_str && (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')) {
            blank = true;
            continue;
        }
        if (blank && any)
            buf_putc(out, ' ');
        blank = false;
        any = true;
        if (ch == '"' && (i == s.start || t[i - 1] != '\\'))
            in_str = !in_str;
        if (ch == '|' && escape_bars)
            buf_putc(out, '\\');
        buf_putc(out, ch);
    }
}
