/* source.h - loaded source files and the mapping from byte offsets to
 * line:col. Spans are byte offsets (jq, PostgreSQL); lines are computed only
 * when a diagnostic is printed. */
#ifndef GDL_SOURCE_H
#define GDL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

typedef struct {
    uint32_t file;      /* index in the SourceSet */
    uint32_t start;     /* first byte */
    uint32_t end;       /* one past the last byte */
} SrcSpan;

typedef struct {
    const char *path;
    const char *text;   /* NUL-terminated */
    size_t len;
    uint32_t *line_starts;  /* offset of each line's first byte */
    uint32_t nlines;
} Source;

enum {
    SOURCE_MAX_FILES = 256,
    SOURCE_MAX_BYTES = 4 * 1024 * 1024,   /* one .gdl file */
    SOURCE_MAX_LINE = 8192,     /* bytes in one line (room for a LEX_MAX_STRING literal):
                                 * every diagnostic prints its line, so a line must stay readable */
};

typedef struct {
    Source files[SOURCE_MAX_FILES];
    uint32_t count;
    Arena *arena;
} SourceSet;

void source_set_init(SourceSet *s, Arena *arena);
/* Adds text (copied) under path; returns the file index or -1 when full.
 * A UTF-8 byte-order mark at the start is dropped (editors add it; it is
 * not part of the program), so offsets count from the first byte after it. */
int source_add(SourceSet *s, const char *path, const char *text, size_t len);
/* Reads a file; -1 with errno-style message in err on failure. */
int source_load(SourceSet *s, const char *path, char *err, size_t errlen);
void source_line_col(const SourceSet *s, uint32_t file, uint32_t offset,
                     uint32_t *line, uint32_t *col);
/* The text of a 1-based line without its line break. */
const char *source_line_text(const SourceSet *s, uint32_t file, uint32_t line, size_t *len);
/* Appends the source of a span on one line: widened to balanced brackets,
 * comments dropped, every run of blanks one space (escape_bars: `|` as `\|`,
 * for a Markdown table). gdl doc quotes conditions with it, gdl diff
 * compares property expectations. */
void source_quote(const SourceSet *s, SrcSpan span, bool escape_bars, ByteBuf *out);

#endif
