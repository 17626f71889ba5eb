/* compile.h - the compiler's shared state and its passes:
 *   load.c     read the main file and its imports (module search path)
 *   resolve.c  declare every name; header; duplicates
 *   check.c    types, units, ranges, citations; dependency order of facts
 *   codegen.c  facts and outcomes -> GdlProgram (tables + bytecode); its pools
 *              in const_pool.c, emitter in emit.c, lowering in lower.c (codegen.h)
 *   compile.c  the pipeline: the passes above in order
 * Each pass reports through Diag and leaves codegen out when errors exist. */
#ifndef GDL_COMPILE_H
#define GDL_COMPILE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "program.h"
#include "source.h"

typedef enum {
    SYM_UNIT = 1, SYM_INPUT, SYM_PARAM, SYM_DEFINE, SYM_FN, SYM_CLASSIFY, SYM_BUILTIN,
    SYM_OUTCOME,    /* anonymous: one per outcome, never found by name */
} SymKind;

struct Symbol {
    SymKind kind;
    const char *name;
    AstNode *decl;
    Ty ty;
    int state;              /* 0 unchecked, 1 checking, 2 checked */
    bool used;
    int32_t fact;           /* fact slot, -1 if none */
    int32_t param;          /* parameter index, -1 if none */
    const char **enum_names; uint32_t nenum;  /* enum inputs and symbol classifications */
    Symbol **deps; uint32_t ndeps;            /* builtins: the outcomes they summarise */
    Symbol *hash_next;
    Symbol *order_next;     /* declaration order */
};

enum { SYMTAB_BUCKETS = 1024 };

typedef struct {
    Symbol *buckets[SYMTAB_BUCKETS];
    Symbol *first, *last;
} SymTab;

typedef struct {
    const char *name;
    const char *text;       /* points into the module's source */
} ModuleRef;

enum {
    COMPILE_MAX_IMPORT_DEPTH = 16,
    COMPILE_MAX_PATH_DIRS = 16,                         /* entries of GDL_PATH */
    COMPILE_MAX_SEARCH_DIRS = COMPILE_MAX_PATH_DIRS + 3,   /* + the stdlib dirs */
    /* Nested check_expr calls: operators (a left-deep `a or b or ...` chain
     * is one level per operator; bison's stack only bounds brackets), the
     * defines an expression uses in turn, and function expansions. Policy,
     * not encoding: it keeps the checker and codegen within the C stack. */
    COMPILE_MAX_EXPR_DEPTH = 1000,
    /* Function calls expanded by check_program. Each call checks its own
     * copy of the body, so `fn f2(x) = f1(x) + f1(x)`, f3 of f2 and so on
     * double the work (and the copies) per level: without a bound, 40 lines
     * take forever. Codegen lowers those copies, so the bound holds for it too. */
    COMPILE_MAX_EXPANSIONS = 10000,
    /* The nodes of those copies, together: a long body called often takes
     * memory in proportion (~300 bytes a node), and no program within the
     * code limit (65535 bytes) needs this many. */
    COMPILE_MAX_EXPANDED_NODES = 500000,
};

typedef struct Compiler {
    Arena arena;
    SourceSet sources;
    Diag diag;
    const char *search_dirs[COMPILE_MAX_SEARCH_DIRS];
    uint32_t nsearch;
    AstList items;          /* every declaration of every file, modules first */
    uint32_t main_file;
    const char *loaded_modules[SOURCE_MAX_FILES];
    uint32_t nloaded;
    SymTab syms;
    AstNode *header;
    AstList outcomes, tests, properties;
    AstList bases;          /* `given NAME { ... }`: the base cases tests start `from` */
    /* gdl verify: each property's premise becomes a derived fact of its own
     * (property->ref is its Symbol), after every other fact. Off for build and
     * run, so their bytecode does not depend on the properties. */
    bool with_properties;
    bool with_row_facts;    /* gdl test --coverage: every table row's condition a fact too */
    bool in_premise;        /* checking a property premise: `advice X` may stand there */
    Symbol **derived;       /* derived facts in dependency order */
    uint32_t nderived, cap_derived;
    Symbol *in_scope, *red_flagged;
    /* A schedule without 'from' counts from first_contact_on, else assessed_on
     * (advice format): those date inputs, resolved by check.c; NULL: not declared. */
    Symbol *schedule_from[2];
    const char *languages[8];
    uint32_t nlanguages;
    bool import_failed;     /* then checking would only echo the missing names */
    struct FnEnv *env;      /* innermost function expansion */
    uint32_t depth;         /* check_expr calls under way (COMPILE_MAX_EXPR_DEPTH) */
    AstNode *depth_root;    /* the outermost of them */
    bool too_deep;          /* that limit was reported: once is enough */
    bool checking;          /* in check_program: COMPILE_MAX_EXPANSIONS applies */
    uint32_t expansions;    /* function calls expanded so far by check_program */
    uint32_t expanded_nodes;    /* nodes of their copies of function bodies (COMPILE_MAX_EXPANDED_NODES) */
    struct FnEnv *env_free; /* expansions done with, for reuse: memory stays O(depth) */
} Compiler;

enum { FN_MAX_PARAMS = 64 };

typedef struct FnEnv {
    AstNode *fn;            /* the FN declaration */
    AstNode **args;         /* call arguments, one per parameter */
    struct FnEnv *outer;    /* the scope the arguments were written in: the caller */
    /* Each argument is type-checked once, however often the body uses it;
     * re-checking would make nested calls of `fn sq(v) = v * v` exponential. */
    Ty arg_types[FN_MAX_PARAMS];
    bool arg_checked[FN_MAX_PARAMS];
} FnEnv;

void compiler_init(Compiler *c, FILE *diag_out);
void compiler_add_search_dir(Compiler *c, const char *dir);
void compiler_free(Compiler *c);

/* load.c */
bool compile_load(Compiler *c, const char *path);
bool compile_load_text(Compiler *c, const char *path, const char *text, size_t len);
/* resolve.c */
void resolve_declarations(Compiler *c);
Symbol *sym_lookup(const Compiler *c, const char *name);
Symbol *sym_declare(Compiler *c, SymKind kind, const char *name, AstNode *decl);
const char *sym_suggest(const Compiler *c, const char *name);
/* check.c */
void check_program(Compiler *c);
bool ty_equal(Ty a, Ty b);
const char *ty_describe(const Compiler *c, Ty t, char *buf, size_t len);
Ty check_expr(Compiler *c, AstNode *e);
bool check_is_member(Compiler *c, AstNode *e);     /* a bare name that is not declared */
void check_operands(Compiler *c, AstNode *l, AstNode *r, Ty *tl, Ty *tr);
int enum_index(const Symbol *owner, const char *name);
/* check_tests.c: bases, parameters and the outcomes an expectation picks */
void check_tests(Compiler *c);
/* codegen.c */
GdlProgram *codegen_program(Compiler *c, Arena *out);

/* compile.c - the whole pipeline: load, resolve, check, generate. NULL on errors. */
GdlProgram *compile_file(Compiler *c, const char *path, Arena *out);
/* The same on source text in memory, shown in messages as `path`. */
GdlProgram *compile_text(Compiler *c, const char *path, const char *text, size_t len, Arena *out);

#endif
