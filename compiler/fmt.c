/* fmt.c - `gdl fmt`: a .gdl file in one canonical layout.
 * It works on the scanner's token stream and the comments between tokens,
 * not on the syntax tree, so it follows the grammar as it grows: only the
 * blanks between tokens change (the result is re-scanned and must give the
 * same tokens), and the author's line breaks are kept. The layout rules are
 * in docs/language.md ("Formatting"). */
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

#include "gdl.tab.h"
#include "gdl.lex.h"

enum {
    FMT_INDENT = 4,             /* spaces per brace level and per continuation */
    FMT_COMMENT_GAP = 2,        /* spaces between code and a trailing comment */
    FMT_ALIGN_MAX = 60,         /* a table row's '->' further right is not aligned with the others */
    FMT_MAX_DEPTH = PARSE_MAX_DEPTH + 1,   /* brackets open at once (the parser allows no more) */
};

typedef struct {
    int kind;                   /* TOK_* or a one-character token */
    uint32_t start, end;
} Tok;

typedef struct {
    uint32_t first, count;      /* tokens [first, first + count); 0 tokens: a comment line */
    uint32_t comment, comment_end;  /* the comment's bytes (trailing, or the whole line); equal when none */
    bool blank_before;          /* an empty line separates it from the line before */
    /* filled while laying out */
    char *text;                 /* indentation and tokens, without the comment */
    size_t len;
    size_t arrow;               /* offset of a '->' at the block's own level, or 0 */
    size_t key_end;             /* header field: end of its name, or 0 */
    int block;                  /* token index of the innermost open '{', or -1 */
    bool header;                /* a field of the guideline header */
} Line;

typedef struct {
    const char *src;
    Tok *toks;
    uint32_t ntoks;
    Line *lines;
    uint32_t nlines, cap_lines;
    const uint32_t *item_starts;    /* offsets where a line must start (collect_line_starts), ascending */
    uint32_t nitems;
    bool oom;
} Fmt;

/* ---- the token stream -------------------------------------------------- */

/* Scans text into toks (malloc'd); false when the scanner reports an error. */
static bool scan_tokens(const char *text, size_t len, Tok **toks, uint32_t *ntoks, Arena *arena, Diag *diag, uint32_t file)
{
    ParseCtx *ctx = arena_zalloc(arena, sizeof *ctx);
    if (!ctx)
        return false;
    ctx->ast.arena = arena;
    ctx->diag = diag;
    ctx->file = file;
    yyscan_t scanner;
    if (gdl_yylex_init_extra(ctx, &scanner) != 0)
        return false;
    YY_BUFFER_STATE buf = gdl_yy_scan_bytes(text, (int)len, scanner);
    uint32_t n = 0, cap = 0;
    Tok *t = NULL;
    bool ok = true;
    for (;;) {
        YYSTYPE val;
        SrcSpan at;
        int kind = gdl_yylex(&val, &at, scanner);
        if (kind == TOK_YYEOF || kind == 0)
            break;
        if (kind == TOK_YYerror) {
            ok = false;
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            Tok *grown = realloc(t, cap * sizeof *t);
            if (!grown) {
                ok = false;
                break;
            }
            t = grown;
        }
        t[n++] = (Tok){ kind, at.start, at.end };
    }
    gdl_yy_delete_buffer(buf, scanner);
    gdl_yylex_destroy(scanner);
    *toks = t;
    *ntoks = n;
    return ok;
}

static bool tok_is(const Fmt *f, uint32_t i, int kind)
{
    return i < f->ntoks && f->toks[i].kind == kind;
}

static bool is_opener(int k) { return k == '(' || k == '[' || k == '{'; }
static bool is_closer(int k) { return k == ')' || k == ']' || k == '}'; }

/* Binary operators: a line that starts with one, or follows a line that
 * ends with one, continues the statement above it. */
static bool is_binary_op(int k)
{
    switch (k) {
    case TOK_AND: case TOK_OR: case TOK_EQ: case TOK_NE: case TOK_LT: case TOK_LE:
    case TOK_GT: case TOK_GE: case TOK_ARROW: case '+': case '*': case '/': case '=':
        return true;
    default:
        return false;
    }
}

/* A token after which a value ends: a '-' that follows one is binary. */
static bool ends_value(int k)
{
    switch (k) {
    case TOK_IDENT: case TOK_NUMBER: case TOK_STRING: case TOK_DATE: case TOK_TRUE: case TOK_FALSE:
    case TOK_UNKNOWN: case TOK_NULL: case TOK_LANG: case ')': case ']': case '}':
        return true;
    default:
        return false;
    }
}

/* Tokens whose spacing the rules below know. Any other (punctuation a later
 * grammar adds) keeps whether the source had a blank before it. */
static bool known_spacing(const Fmt *f, uint32_t i)
{
    int k = f->toks[i].kind;
    if (k >= 256)
        return true;    /* keywords, names, literals and the operators of the scanner */
    return strchr("(){}[],:.=+-*/", k) != NULL;
}

/* Blanks between tokens i-1 and i on one line: 0 or 1. */
static int space_before(const Fmt *f, uint32_t i)
{
    int prev = f->toks[i - 1].kind, k = f->toks[i].kind;
    bool src_blank = f->toks[i].start > f->toks[i - 1].end;
    if (!known_spacing(f, i) || !known_spacing(f, i - 1))
        return src_blank;
    if (k == ',' || k == ')' || k == ']' || k == ':' || k == '.' || prev == '.')
        return 0;
    if (prev == '(' || prev == '[')
        return 0;
    if (k == '(' && prev == TOK_IDENT)
        return src_blank;   /* a call `f(x)`, or a range after a unit `3 weeks (0 weeks, ...)` */
    if (prev == '-' && (i < 2 || !ends_value(f->toks[i - 2].kind)))
        return 0;           /* unary minus */
    return 1;
}

/* ---- lines ------------------------------------------------------------- */

static Line *new_line(Fmt *f, uint32_t first, bool blank_before)
{
    if (f->nlines == f->cap_lines) {
        uint32_t cap = f->cap_lines ? f->cap_lines * 2 : 256;
        Line *grown = realloc(f->lines, cap * sizeof *grown);
        if (!grown) {
            f->oom = true;
            return NULL;
        }
        f->lines = grown;
        f->cap_lines = cap;
    }
    Line *l = &f->lines[f->nlines++];
    memset(l, 0, sizeof *l);
    l->first = first;
    l->blank_before = blank_before && f->nlines > 1;
    l->block = -1;
    return l;
}

static bool starts_item(const Fmt *f, uint32_t offset)
{
    uint32_t lo = 0, hi = f->nitems;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (f->item_starts[mid] < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->nitems && f->item_starts[lo] == offset;
}

/* Splits the token stream into lines at the source's line breaks (and
 * before a declaration that shares a line with the one before it), with
 * the comments of the gaps between tokens. */
static bool split_lines(Fmt *f, size_t src_len)
{
    Line *cur = NULL;
    unsigned newlines = 2;      /* as after a blank line: the first line has none before it */
    uint32_t pos = 0;
    for (uint32_t i = 0; i <= f->ntoks; i++) {
        uint32_t gap_end = i < f->ntoks ? f->toks[i].start : (uint32_t)src_len;
        for (uint32_t p = pos; p < gap_end; p++) {
            char c = f->src[p];
            if (c == '\n') {
                newlines++;
                cur = NULL;
            } else if (c == '/' && p + 1 < gap_end && f->src[p + 1] == '/') {
                uint32_t e = p;
                while (e < gap_end && f->src[e] != '\n')
                    e++;
                while (e > p && (f->src[e - 1] == ' ' || f->src[e - 1] == '\t' || f->src[e - 1] == '\r'))
                    e--;
                if (!cur && !(cur = new_line(f, i, newlines > 1)))
                    return false;
                cur->comment = p;
                cur->comment_end = e;
                newlines = 0;
                while (p + 1 < gap_end && f->src[p + 1] != '\n')
                    p++;
            }
        }
        if (i == f->ntoks)
            break;
        /* the first entry of a block may share the line of its '{' */
        bool split = cur && cur->count && f->toks[i - 1].kind != '{' && starts_item(f, f->toks[i].start);
        if (!cur || cur->comment_end > cur->comment || split) {
            if (!(cur = new_line(f, i, newlines > 1)))
                return false;
        }
        cur->count++;
        newlines = 0;
        pos = f->toks[i].end;
    }
    return true;
}

/* ---- layout ------------------------------------------------------------ */

typedef struct {
    int kind;
    size_t indent;              /* of the line the bracket is on */
    size_t align;               /* column after it when the line goes on after it, else 0 */
    int tok;                    /* its token index */
} Open;

static bool append(char **s, size_t *len, size_t *cap, const char *add, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = (*cap ? *cap * 2 : 128);
        while (c < *len + n + 1)
            c *= 2;
        char *grown = realloc(*s, c);
        if (!grown)
            return false;
        *s = grown;
        *cap = c;
    }
    memcpy(*s + *len, add, n);
    *len += n;
    (*s)[*len] = '\0';
    return true;
}

static bool append_spaces(char **s, size_t *len, size_t *cap, size_t n)
{
    static const char blanks[] = "                                ";
    while (n) {
        size_t k = n < sizeof blanks - 1 ? n : sizeof blanks - 1;
        if (!append(s, len, cap, blanks, k))
            return false;
        n -= k;
    }
    return true;
}

/* Indentation of a line with tokens, from the brackets open before it and
 * the line above it in the same block. */
static size_t line_indent(const Fmt *f, const Line *l, const Open *open, uint32_t nopen, int prev_last)
{
    int first = f->toks[l->first].kind;
    if (nopen && is_closer(first))
        return open[nopen - 1].indent;
    if (nopen && (open[nopen - 1].kind != '{' || open[nopen - 1].align))
        return open[nopen - 1].align ? open[nopen - 1].align : open[nopen - 1].indent + FMT_INDENT;
    size_t base = nopen ? open[nopen - 1].indent + FMT_INDENT : 0;
    bool continues;
    if (!nopen)
        continues = !starts_item(f, f->toks[l->first].start);
    else
        continues = is_binary_op(first) || (prev_last >= 0 && is_binary_op(f->toks[prev_last].kind));
    return base + (continues ? FMT_INDENT : 0);
}

/* Lays out the tokens of every line: indentation, blanks between tokens. */
static bool layout_lines(Fmt *f)
{
    Open open[FMT_MAX_DEPTH];
    uint32_t nopen = 0;
    int prev_last = -1;         /* last token of the line before */
    size_t stmt_indent = 0;     /* of the last line that was not a continuation */
    for (uint32_t li = 0; li < f->nlines; li++) {
        Line *l = &f->lines[li];
        if (!l->count)
            continue;
        int block = -1;
        for (uint32_t k = nopen; k-- > 0;)
            if (open[k].kind == '{') {
                block = open[k].tok;
                break;
            }
        l->block = block;
        l->header = block > 1 && tok_is(f, (uint32_t)block - 2, TOK_GUIDELINE) && nopen && open[nopen - 1].kind == '{';
        size_t indent = line_indent(f, l, open, nopen, prev_last);
        if (!nopen || open[nopen - 1].kind == '{') {
            size_t base = nopen ? open[nopen - 1].indent + FMT_INDENT : 0;
            if (indent == base || is_closer(f->toks[l->first].kind))
                stmt_indent = indent;
        }
        size_t cap = 0;
        if (!append_spaces(&l->text, &l->len, &cap, indent))
            return false;
        for (uint32_t i = l->first; i < l->first + l->count; i++) {
            const Tok *t = &f->toks[i];
            if (i > l->first && space_before(f, i) && !append(&l->text, &l->len, &cap, " ", 1))
                return false;
            if (t->kind == TOK_ARROW && nopen && open[nopen - 1].kind == '{' && !l->arrow && l->len <= FMT_ALIGN_MAX)
                l->arrow = l->len;
            if (!append(&l->text, &l->len, &cap, f->src + t->start, t->end - t->start))
                return false;
            if (l->header && i == l->first && t->kind == TOK_IDENT && l->count > 1)
                l->key_end = l->len;
            if (is_opener(t->kind) && nopen < FMT_MAX_DEPTH) {
                /* a block's body is indented from its statement's first line;
                 * the entries of a brace that the line goes on after align
                 * after it (`dose { a: 1,` / `       b: 2 }`) */
                bool more = i + 1 < l->first + l->count;
                size_t from = t->kind == '{' && !more ? stmt_indent : indent;
                size_t align = more && t->kind == '{' ? l->len + 1 : 0;
                open[nopen++] = (Open){ t->kind, from, align, (int)i };
            } else if (is_closer(t->kind) && nopen) {
                nopen--;
            }
        }
        prev_last = (int)(l->first + l->count - 1);
    }
    return true;
}

/* Pads `n` blanks into line l's text at offset at. */
static bool pad_at(Line *l, size_t at, size_t n)
{
    if (!n)
        return true;
    char *s = malloc(l->len + n + 1);
    if (!s)
        return false;
    memcpy(s, l->text, at);
    memset(s + at, ' ', n);
    memcpy(s + at + n, l->text + at, l->len - at + 1);
    free(l->text);
    l->text = s;
    l->len += n;
    return true;
}

/* Aligns, over runs of consecutive lines of one block: the '->' of table
 * rows, and the values of the guideline header's fields. */
static bool align_columns(Fmt *f)
{
    for (uint32_t a = 0; a < f->nlines;) {
        Line *first = &f->lines[a];
        bool arrows = first->count && first->arrow;
        bool keys = first->count && first->key_end;
        if (!arrows && !keys) {
            a++;
            continue;
        }
        uint32_t b = a + 1;
        for (uint32_t n = a + 1; n < f->nlines && !f->lines[n].blank_before; n++) {
            const Line *l = &f->lines[n];
            if (!l->count)
                continue;       /* a comment line between the rows or fields */
            if (!l->count || l->block != first->block || !(arrows ? l->arrow != 0 : l->key_end != 0))
                break;
            b = n + 1;
        }
        size_t col = 0;
        for (uint32_t i = a; i < b; i++) {
            if (!f->lines[i].count)
                continue;
            size_t c = arrows ? f->lines[i].arrow : f->lines[i].key_end + 1;
            if (c > col)
                col = c;
        }
        for (uint32_t i = a; i < b; i++) {
            Line *l = &f->lines[i];
            if (!l->count)
                continue;
            size_t at = arrows ? l->arrow : l->key_end + 1;
            if (!pad_at(l, at, col - at))
                return false;
            if (arrows)
                l->arrow = col;
        }
        a = b;
    }
    return true;
}

/* Writes the lines; trailing comments of consecutive lines share a column. */
static void write_lines(const Fmt *f, ByteBuf *out)
{
    for (uint32_t a = 0; a < f->nlines;) {
        const Line *first = &f->lines[a];
        uint32_t b = a + 1;
        size_t col = 0;
        if (first->count && first->comment_end > first->comment) {
            while (b < f->nlines && f->lines[b].count && f->lines[b].comment_end > f->lines[b].comment
                   && !f->lines[b].blank_before)
                b++;
            for (uint32_t i = a; i < b; i++)
                if (f->lines[i].len + FMT_COMMENT_GAP > col)
                    col = f->lines[i].len + FMT_COMMENT_GAP;
        }
        for (uint32_t i = a; i < b; i++) {
            const Line *l = &f->lines[i];
            if (l->blank_before)
                buf_putc(out, '\n');
            if (l->count) {
                buf_put(out, l->text, l->len);
            } else {
                /* a comment line is indented like the code line after it,
                 * or inside the block that line closes */
                size_t indent = 0;
                for (uint32_t j = i + 1; j < f->nlines; j++) {
                    const Line *n = &f->lines[j];
                    if (!n->count)
                        continue;
                    while (indent < n->len && n->text[indent] == ' ')
                        indent++;
                    if (is_closer(f->toks[n->first].kind))
                        indent += FMT_INDENT;
                    break;
                }
                for (size_t k = 0; k < indent; k++)
                    buf_putc(out, ' ');
            }
            if (l->comment_end > l->comment) {
                for (size_t k = l->count ? l->len : col; k < col; k++)
                    buf_putc(out, ' ');
                buf_put(out, f->src + l->comment, l->comment_end - l->comment);
            }
            buf_putc(out, '\n');
        }
        a = b;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Same kinds and texts, token by token: what the parser sees is unchanged. */
static bool same_tokens(const char *a, const Tok *ta, uint32_t na, const char *b, const Tok *tb, uint32_t nb)
{
    if (na != nb)
        return false;
    for (uint32_t i = 0; i < na; i++) {
        uint32_t la = ta[i].end - ta[i].start, lb = tb[i].end - tb[i].start;
        if (ta[i].kind != tb[i].kind || la != lb || memcmp(a + ta[i].start, b + tb[i].start, la) != 0)
            return false;
    }
    return true;
}

/* Where a line must start: each declaration, and each header field, table
 * row and expectation inside one. */
static uint32_t collect_line_starts(const AstList *items, uint32_t *starts)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < items->count; i++) {
        const AstNode *d = items->items[i];
        starts[n++] = d->span.start;
        const AstList *inner = d->kind == AST_HEADER || d->kind == AST_CLASSIFY ? &d->list
                             : d->kind == AST_TEST || d->kind == AST_PROPERTY ? &d->list2 : NULL;
        for (uint32_t k = 0; inner && k < inner->count; k++)
            starts[n++] = inner->items[k]->span.start;
    }
    return n;
}

static uint32_t count_line_starts(const AstList *items)
{
    uint32_t n = items->count;
    for (uint32_t i = 0; i < items->count; i++) {
        const AstNode *d = items->items[i];
        n += d->kind == AST_HEADER || d->kind == AST_CLASSIFY ? d->list.count
           : d->kind == AST_TEST || d->kind == AST_PROPERTY ? d->list2.count : 0;
    }
    return n;
}

int fmt_source(SourceSet *sources, uint32_t file, Diag *diag, Arena *arena, ByteBuf *out)
{
    const Source *src = &sources->files[file];
    AstList items = { 0 };
    if (parse_file(sources, file, diag, arena, &items) != 0)
        return FMT_SYNTAX;
    Fmt f = { .src = src->text };
    uint32_t *starts = malloc((count_line_starts(&items) + 1) * sizeof *starts);
    int rc = FMT_INTERNAL;
    Tok *again = NULL;
    uint32_t nagain = 0;
    if (!starts)
        goto done;
    f.nitems = collect_line_starts(&items, starts);
    qsort(starts, f.nitems, sizeof *starts, cmp_u32);
    f.item_starts = starts;
    if (!scan_tokens(src->text, src->len, &f.toks, &f.ntoks, arena, diag, file)
        || !split_lines(&f, src->len) || !layout_lines(&f) || !align_columns(&f))
        goto done;
    write_lines(&f, out);
    if (out->failed)
        goto done;
    /* the safety net: the layout changed blanks and nothing else */
    Diag quiet = *diag;
    quiet.quiet = 1;
    const char *result = out->len ? (const char *)out->data : "";
    if (!scan_tokens(result, out->len, &again, &nagain, arena, &quiet, file)
        || !same_tokens(src->text, f.toks, f.ntoks, result, again, nagain))
        goto done;
    rc = FMT_OK;
done:
    for (uint32_t i = 0; i < f.nlines; i++)
        free(f.lines[i].text);
    free(f.lines);
    free(f.toks);
    free(again);
    free(starts);
    return rc;
}
