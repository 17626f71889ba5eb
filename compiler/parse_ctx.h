/* parse_ctx.h - state shared by the scanner and the parser for one file.
 * The scanner reaches it through yyextra, the parser through its parse-param.
 * The lex_* helpers (parse.c) turn token text into values and report
 * malformed tokens. */
#ifndef GDL_PARSE_CTX_H
#define GDL_PARSE_CTX_H

#include <setjmp.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "source.h"

enum {
    LEX_MAX_IDENT = 64,         /* bytes in a name */
    LEX_MAX_STRING = 4096,      /* bytes in a string literal */
    /* Brackets open at once, counted by the scanner (lex_bracket): what the
     * message's "levels" are. Policy, not encoding. */
    PARSE_MAX_DEPTH = 200,
    /* bison's stack (YYMAXDEPTH), a backstop that brackets within their
     * limit never reach: a run of prefix operators (`not not ... x`) grows
     * it without brackets. Past it, "nesting too deep" says what is counted. */
    PARSE_MAX_STACK = 10000,
    PARSE_MAX_LANGUAGES = 8,    /* codes in a header's `language` (resolve.c keeps 8) */
};

typedef struct ParseCtx {
    AstBuilder ast;
    Diag *diag;
    uint32_t file;
    uint32_t pos;               /* byte offset of the scanner */
    AstList items;              /* top-level declarations */
    /* lists under construction; each is moved into its node when the rule ends */
    AstList header_fields, values, rows, given, expects, args;
    AstNode *calls[PARSE_MAX_DEPTH];  /* open calls, innermost last */
    uint32_t ncalls;
    SrcSpan open[PARSE_MAX_DEPTH];    /* unclosed brackets, for "to close" hints */
    char open_ch[PARSE_MAX_DEPTH];
    uint32_t nopen;
    /* The scanner's memory (yyalloc in parse.c): every block it holds, so
     * that when flex cannot go on (out of memory) parse_file jumps back to
     * lex_escape and frees them; flex would exit(). */
    union LexBlock *lex_blocks;
    jmp_buf lex_escape;
    /* The header's `language` codes: from the header on, each scans as a
     * language code (nl and en always do), so `fr "..."` is a text
     * (docs/language.md "Texts in several languages"). */
    const char *languages[PARSE_MAX_LANGUAGES];
    uint32_t nlanguages;
    /* The last name scanned that a string follows directly (`de "..."`):
     * a syntax error there is a text in an undeclared language. */
    SrcSpan name_before_string;
} ParseCtx;

const char *lex_text(ParseCtx *ctx, const char *text, int len);
const char *lex_ident(ParseCtx *ctx, const SrcSpan *at, const char *text, int len);
const char *lex_string(ParseCtx *ctx, const SrcSpan *at, const char *text, int len);
double lex_number(ParseCtx *ctx, const SrcSpan *at, const char *text);
void lex_error(ParseCtx *ctx, const SrcSpan *at, const char *msg);
void lex_stray(ParseCtx *ctx, const SrcSpan *at, const char *text, int len);
bool lex_bracket(ParseCtx *ctx, const SrcSpan *at, char c);
/* flex's YY_FATAL_ERROR: back to parse_file, never exit(). */
_Noreturn void lex_fatal(void *scanner, const char *msg);

/* IDENT or LANG for a scanned name: LANG when the header declared it. */
int lex_name_token(ParseCtx *ctx, const SrcSpan *at, const char *name);
/* A header field: `language` codes become language codes for the scanner. */
void parse_header_field(ParseCtx *ctx, const AstNode *field);
const char *parse_join_dotted(ParseCtx *ctx, const char *left, const char *right);
void parse_call_open(ParseCtx *ctx, const char *name, SrcSpan at);
void parse_call_arg(ParseCtx *ctx, AstNode *arg);
AstNode *parse_call_close(ParseCtx *ctx, SrcSpan span);
void parse_syntax_error(ParseCtx *ctx, SrcSpan at, const char *msg, int at_eof);
/* "; did you mean 'when'?" into buf when the name at `at` is spelled close to
 * one of the expected tokens (bison's names: keywords are quoted, "'when'"). */
void parse_keyword_hint(ParseCtx *ctx, SrcSpan at, const char *const *expected, int n, char *buf, size_t len);

/* Parses file `file` of the set; declarations are appended to *items.
 * Returns the number of errors reported. */
unsigned parse_file(SourceSet *sources, uint32_t file, Diag *diag, Arena *arena, AstList *items);

#endif
