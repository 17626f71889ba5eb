/* parse.c - drives the flex scanner and bison parser over one file, and the
 * small helpers the grammar needs to turn token text into values. */
#include "parse_ctx.h"
#include "suggest.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "gdl.tab.h"
#include "gdl.lex.h"
#include "json.h"
#include "mem.h"

const char *lex_text(ParseCtx *ctx, const char *text, int len)
{
    const char *s = arena_strndup(ctx->ast.arena, text, (size_t)len);
    if (!s) {
        ctx->ast.oom = true;
        return "";
    }
    return s;
}

const char *lex_ident(ParseCtx *ctx, const SrcSpan *at, const char *text, int len)
{
    if (len > LEX_MAX_IDENT)
        diag_report(ctx->diag, SEV_ERROR, *at, "name longer than %d characters", LEX_MAX_IDENT);
    return lex_text(ctx, text, len);
}

/* text includes the quotes; escapes: \" \\ \n \t. */
int lex_name_token(ParseCtx *ctx, const SrcSpan *at, const char *name)
{
    const Source *src = &ctx->diag->sources->files[at->file];
    size_t i = at->end;
    while (i < src->len && strchr(" \t\r\n", src->text[i]))
        i++;
    if (i < src->len && src->text[i] == '"')
        ctx->name_before_string = *at;
    for (uint32_t k = 0; k < ctx->nlanguages; k++)
        if (strcmp(ctx->languages[k], name) == 0)
            return TOK_LANG;
    return TOK_IDENT;
}

void parse_header_field(ParseCtx *ctx, const AstNode *field)
{
    if (strcmp(field->name, "language") != 0)
        return;
    for (uint32_t i = 0; i < field->list.count && ctx->nlanguages < PARSE_MAX_LANGUAGES; i++) {
        const AstNode *v = field->list.items[i];
        if (v->kind == AST_NAME)
            ctx->languages[ctx->nlanguages++] = v->name;
    }
}

/* `de "..."` where de is no language of the header: the scanner saw a name,
 * so the grammar could not take it as a text. Says so, with the codes the
 * file may use (and "did you mean" for a misspelled one). */
static bool undeclared_language(ParseCtx *ctx, SrcSpan at)
{
    SrcSpan n = ctx->name_before_string;
    const Source *src = &ctx->diag->sources->files[at.file];
    if (n.end == 0 || n.file != at.file || at.start < n.start || n.end - n.start > 3 || n.end - n.start < 2)
        return false;
    for (uint32_t i = n.end; i < at.start; i++)
        if (!strchr(" \t\r\n", src->text[i]))
            return false;
    for (uint32_t i = n.start; i < n.end; i++)
        if (src->text[i] < 'a' || src->text[i] > 'z')
            return false;
    char code[4];
    snprintf(code, sizeof code, "%.*s", (int)(n.end - n.start), src->text + n.start);
    if (strcmp(code, "do") == 0 || strcmp(code, "id") == 0)
        return false;       /* the strength `do "C.1"` and the header's `id "x"` take a string too */
    char list[128] = "";
    size_t len = 0;
    for (uint32_t k = 0; k < ctx->nlanguages; k++)
        len += (size_t)snprintf(list + len, len < sizeof list ? sizeof list - len : 0, "%s%s", k ? ", " : "",
                                ctx->languages[k]);
    const char *near = gdl_suggest_word(code, ctx->languages, ctx->nlanguages);
    char hint[32] = "";
    if (near)
        snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
    if (ctx->nlanguages)
        diag_report(ctx->diag, SEV_ERROR, n, "text in '%s', which the guideline header does not list under 'language' (language %s)%s",
                    code, list, hint);
    else
        diag_report(ctx->diag, SEV_ERROR, n, "text in '%s': a file without a guideline header has texts in nl and en only", code);
    return true;
}

const char *lex_string(ParseCtx *ctx, const SrcSpan *at, const char *text, int len)
{
    char *out = arena_alloc(ctx->ast.arena, (size_t)len);
    if (!out) {
        ctx->ast.oom = true;
        return "";
    }
    size_t n = 0;
    for (int i = 1; i < len - 1; i++) {
        char c = text[i];
        if (c == '\\') {
            char e = text[++i];
            switch (e) {
            case '"': case '\\': c = e; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            default: {
                SrcSpan s = { at->file, at->start + (uint32_t)i - 1, at->start + (uint32_t)i + 1 };
                diag_report(ctx->diag, SEV_ERROR, s, "unknown escape '\\%c' in string", e);
                c = e;
            }
            }
        } else if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f) {
            /* Texts reach terminals in the text output: no escape sequences. */
            SrcSpan s = { at->file, at->start + (uint32_t)i, at->start + (uint32_t)i + 1 };
            diag_report(ctx->diag, SEV_ERROR, s, "control character 0x%02x in string (a text may hold tabs and \\n)",
                        (unsigned char)c);
        }
        out[n++] = c;
    }
    out[n] = '\0';
    if (n > LEX_MAX_STRING)
        diag_report(ctx->diag, SEV_ERROR, *at, "string longer than %d bytes", LEX_MAX_STRING);
    return out;
}

double lex_number(ParseCtx *ctx, const SrcSpan *at, const char *text)
{
    errno = 0;
    enum { SHOWN = 40 };            /* digits quoted in a message */
    double v = strtod(text, NULL);
    int n = (int)strlen(text);
    const char *more = n > SHOWN ? "..." : "";
    /* No exponents: only a run of zeros after the point gets below 1 with
     * ERANGE, which strtod also sets for a subnormal result (1e-310) that
     * does not round to 0: that one is a number like any other. */
    bool underflow = errno == ERANGE && v < 1;
    if (underflow && v == 0)
        diag_report(ctx->diag, SEV_ERROR, *at, "number '%.*s%s' is too small (it would round to 0)", SHOWN, text, more);
    else if ((errno == ERANGE && !underflow) || v > 1e15)
        diag_report(ctx->diag, SEV_ERROR, *at, "number '%.*s%s' is too large (limit is 1e15)", SHOWN, text, more);
    return v;
}

void lex_error(ParseCtx *ctx, const SrcSpan *at, const char *msg)
{
    diag_report(ctx->diag, SEV_ERROR, *at, "%s", msg);
}

/* text is one byte, or one UTF-8 character */
void lex_stray(ParseCtx *ctx, const SrcSpan *at, const char *text, int len)
{
    unsigned char c = (unsigned char)text[0];
    if (len > 1) {      /* with its code point: a no-break or zero-width space looks like nothing */
        uint32_t cp = c & (0x7fu >> len);
        for (int i = 1; i < len; i++)
            cp = cp << 6 | ((unsigned char)text[i] & 0x3fu);
        diag_report(ctx->diag, SEV_ERROR, *at, "stray '%.*s' (U+%04X) in program (names are ASCII; non-ASCII text belongs in strings)",
                    len, text, (unsigned)cp);
    } else if (c >= 0x20 && c < 0x7f)
        diag_report(ctx->diag, SEV_ERROR, *at, "stray '%c' in program", c);
    else
        diag_report(ctx->diag, SEV_ERROR, *at, "stray byte 0x%02x in program (names are ASCII; non-ASCII text belongs in strings)", c);
}

/* Tracks brackets as the scanner sees them, so a syntax error can say which
 * one is still open (Lua: "expected ')' (to close '(' at line 12)"), and
 * bounds their nesting: false (reported) for the bracket one past
 * PARSE_MAX_DEPTH, which the scanner turns into an error token. */
bool lex_bracket(ParseCtx *ctx, const SrcSpan *at, char c)
{
    if (c == '(' || c == '[' || c == '{') {
        if (ctx->nopen < PARSE_MAX_DEPTH) {
            ctx->open[ctx->nopen] = *at;
            ctx->open_ch[ctx->nopen] = c;
        }
        if (++ctx->nopen == PARSE_MAX_DEPTH + 1) {
            diag_report(ctx->diag, SEV_ERROR, *at, "brackets nested too deep (limit is %d levels)", PARSE_MAX_DEPTH);
            return false;
        }
        return true;
    }
    /* ranges may close '[' with ')' and '(' with ']', so any closer pops one */
    if (ctx->nopen)
        ctx->nopen--;
    return true;
}

const char *parse_join_dotted(ParseCtx *ctx, const char *left, const char *right)
{
    size_t a = strlen(left), b = strlen(right);
    char *s = arena_alloc(ctx->ast.arena, a + b + 2);
    if (!s) {
        ctx->ast.oom = true;
        return left;
    }
    memcpy(s, left, a);
    s[a] = '.';
    memcpy(s + a + 1, right, b + 1);
    return s;
}

void parse_call_open(ParseCtx *ctx, const char *name, SrcSpan at)
{
    AstNode *call = ast_named(&ctx->ast, AST_CALL, at, name, at);
    if (ctx->ncalls < PARSE_MAX_DEPTH)
        ctx->calls[ctx->ncalls] = call;
    ctx->ncalls++;  /* counted past the limit so close stays balanced */
}

void parse_call_arg(ParseCtx *ctx, AstNode *arg)
{
    if (ctx->ncalls && ctx->ncalls <= PARSE_MAX_DEPTH)
        ast_push(&ctx->ast, &ctx->calls[ctx->ncalls - 1]->list, arg);
}

AstNode *parse_call_close(ParseCtx *ctx, SrcSpan span)
{
    if (ctx->ncalls == 0)   /* cannot happen: the grammar pairs open and close */
        return ast_new(&ctx->ast, AST_UNKNOWN_LIT, span);
    ctx->ncalls--;
    if (ctx->ncalls >= PARSE_MAX_DEPTH) {
        diag_report(ctx->diag, SEV_ERROR, span, "calls nested too deep (limit is %d)", PARSE_MAX_DEPTH);
        return ast_new(&ctx->ast, AST_UNKNOWN_LIT, span);
    }
    AstNode *call = ctx->calls[ctx->ncalls];
    call->span = span;
    return call;
}

void parse_syntax_error(ParseCtx *ctx, SrcSpan at, const char *msg, int at_eof)
{
    (void)at_eof;
    if (undeclared_language(ctx, at)) {
        ctx->nopen = 0;     /* recovery resynchronises at the next declaration */
        return;
    }
    uint32_t k = ctx->nopen;
    if (k && k <= PARSE_MAX_DEPTH && ctx->open[k - 1].start < at.start) {
        const SrcSpan *o = &ctx->open[k - 1];
        uint32_t line, col;
        source_line_col(ctx->diag->sources, o->file, o->start, &line, &col);
        diag_report(ctx->diag, SEV_ERROR, at, "%s (is the '%c' at line %u:%u closed?)", msg, ctx->open_ch[k - 1], line, col);
        ctx->nopen = 0;     /* recovery resynchronises at the next declaration */
        return;
    }
    diag_report(ctx->diag, SEV_ERROR, at, "%s", msg);
}

void parse_keyword_hint(ParseCtx *ctx, SrcSpan at, const char *const *expected, int n, char *buf, size_t len)
{
    const Source *src = &ctx->diag->sources->files[at.file];
    GdlSuggest near;
    gdl_suggest_begin(&near, src->text + at.start, at.end - at.start);
    char words[16][24];
    int nwords = 0;
    for (int i = 0; i < n && nwords < 16; i++) {
        size_t k = strlen(expected[i]);
        if (k < 3 || k - 2 >= sizeof words[0] || expected[i][0] != '\'' || expected[i][k - 1] != '\'')
            continue;                   /* not a keyword: "name", "string", '{' ... */
        snprintf(words[nwords], sizeof words[0], "%.*s", (int)(k - 2), expected[i] + 1);
        gdl_suggest_offer(&near, words[nwords]);
        if (near.best == words[nwords])
            nwords++;                   /* keep the best one's storage */
    }
    if (near.best)
        snprintf(buf, len, "; did you mean '%s'?", near.best);
}

/* Source text is UTF-8 without NUL bytes, in lines of at most
 * SOURCE_MAX_LINE bytes. Checked before scanning, so no later diagnostic
 * shows an undecodable or endless line and no string literal hides a NUL
 * (texts are C strings from here on). The first offence is reported and
 * the file is not parsed. */
static bool check_text(const Source *src, uint32_t file, Diag *diag)
{
    const unsigned char *s = (const unsigned char *)src->text;
    size_t line_start = 0;
    for (size_t i = 0; i < src->len;) {
        SrcSpan at = { file, (uint32_t)i, (uint32_t)i + 1 };
        const char *why = "";
        size_t n;
        if (s[i] == '\n') {
            line_start = ++i;
            continue;
        }
        /* the '\r' of a CRLF line ending is not part of the line */
        if (i - line_start >= SOURCE_MAX_LINE && !(s[i] == '\r' && i + 1 < src->len && s[i + 1] == '\n')) {
            diag_report(diag, SEV_ERROR, at, "line longer than %d bytes", SOURCE_MAX_LINE);
            return false;
        }
        if (s[i] == '\0') {
            diag_report(diag, SEV_ERROR, at, "NUL byte in source (a .gdl file is UTF-8 text)");
            return false;
        }
        if ((n = json_utf8_seq(s, src->len, i, &why)) == 0) {
            diag_report(diag, SEV_ERROR, at, "invalid UTF-8: %s (byte 0x%02x); a .gdl file is UTF-8 text", why, s[i]);
            return false;
        }
        i += n;
    }
    return true;
}

/* The scanner's memory comes from the compiler's allocator, each block
 * linked into ctx->lex_blocks until yyfree, so that an escape from the
 * scanner (lex_fatal) leaves nothing behind. */
union LexBlock {
    struct {
        union LexBlock *prev, *next;
    } link;
    max_align_t align;
};

static const GdlMem *lex_mem(const ParseCtx *ctx)
{
    return ctx->ast.arena->mem;
}

static void lex_link(ParseCtx *ctx, union LexBlock *b)
{
    b->link.prev = NULL;
    b->link.next = ctx->lex_blocks;
    if (ctx->lex_blocks)
        ctx->lex_blocks->link.prev = b;
    ctx->lex_blocks = b;
}

static void lex_unlink(ParseCtx *ctx, union LexBlock *b)
{
    if (b->link.prev)
        b->link.prev->link.next = b->link.next;
    else
        ctx->lex_blocks = b->link.next;
    if (b->link.next)
        b->link.next->link.prev = b->link.prev;
}

void *gdl_yyalloc(yy_size_t size, yyscan_t scanner)
{
    ParseCtx *ctx = gdl_yyget_extra(scanner);
    if (size > SIZE_MAX - sizeof(union LexBlock))
        return NULL;
    union LexBlock *b = mem_alloc(lex_mem(ctx), sizeof *b + size);
    if (!b)
        return NULL;
    lex_link(ctx, b);
    return b + 1;
}

void *gdl_yyrealloc(void *ptr, yy_size_t size, yyscan_t scanner)
{
    ParseCtx *ctx = gdl_yyget_extra(scanner);
    if (!ptr)
        return gdl_yyalloc(size, scanner);
    if (size > SIZE_MAX - sizeof(union LexBlock))
        return NULL;
    union LexBlock *old = (union LexBlock *)ptr - 1;
    lex_unlink(ctx, old);
    union LexBlock *b = mem_realloc(lex_mem(ctx), old, sizeof *b + size);
    lex_link(ctx, b ? b : old);     /* failed: the old block is still the scanner's */
    return b ? b + 1 : NULL;
}

void gdl_yyfree(void *ptr, yyscan_t scanner)
{
    if (!ptr)
        return;
    ParseCtx *ctx = gdl_yyget_extra(scanner);
    union LexBlock *b = (union LexBlock *)ptr - 1;
    lex_unlink(ctx, b);
    mem_free(lex_mem(ctx), b);
}

_Noreturn void lex_fatal(void *scanner, const char *msg)
{
    (void)msg;      /* every one of flex's fatal errors here is a failed allocation */
    ParseCtx *ctx = gdl_yyget_extra(scanner);
    longjmp(ctx->lex_escape, 1);
}

unsigned parse_file(SourceSet *sources, uint32_t file, Diag *diag, Arena *arena, AstList *items)
{
    if (!check_text(&sources->files[file], file, diag))
        return 1;

    ParseCtx *ctx = arena_zalloc(arena, sizeof *ctx);
    if (!ctx) {
        diag_file(diag, SEV_ERROR, sources->files[file].path, "out of memory");
        return 1;
    }
    ctx->ast.arena = arena;
    ctx->diag = diag;
    ctx->file = file;
    ctx->items = *items;
    unsigned before = diag->errors;

    yyscan_t scanner;
    if (gdl_yylex_init_extra(ctx, &scanner) != 0) {
        diag_file(diag, SEV_ERROR, sources->files[file].path, "out of memory (starting the scanner)");
        return 1;
    }
    const Source *src = &sources->files[file];
    if (setjmp(ctx->lex_escape) == 0) {
        YY_BUFFER_STATE buf = gdl_yy_scan_bytes(src->text, (int)src->len, scanner);
        gdl_yyparse(scanner, ctx);
        gdl_yy_delete_buffer(buf, scanner);
        gdl_yylex_destroy(scanner);
    } else {        /* lex_fatal: the scanner's blocks, itself included, go back */
        while (ctx->lex_blocks) {
            union LexBlock *b = ctx->lex_blocks;
            lex_unlink(ctx, b);
            mem_free(lex_mem(ctx), b);
        }
        ctx->ast.oom = true;
    }
    if (ctx->ast.oom)
        diag_file(diag, SEV_ERROR, src->path, "out of memory");
    *items = ctx->items;
    return diag->errors - before;
}
