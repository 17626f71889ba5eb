/* gdl.h - the GDL library's one public interface, installed as <gdl.h>.
 *
 * Load a guideline (a verified .gdlb, or a .gdl source compiled on the
 * spot), create one evaluator per thread, evaluate case files (JSON) into
 * advice (JSON or the clinician's text report). Everything else in the
 * source tree is internal. Names: gdl_ + snake_case; handles are opaque.
 *
 *     gdl_program *prog;
 *     if (gdl_load_file("kngf-lbp-2021.gdlb", NULL, &prog) != GDL_OK) {
 *         fprintf(stderr, "%s\n", prog ? gdl_program_error(prog) : "out of memory");
 *         ...
 *     }
 *     gdl_evaluator *ev;
 *     gdl_evaluator_new(prog, &ev);
 *     const char *advice; size_t len;
 *     int rc = gdl_evaluate(ev, json, json_len, GDL_FORMAT_JSON, "en", &advice, &len);
 *
 * Loading always verifies the bytecode: no path runs unverified code.
 * A program is read-only once loaded and may be shared by evaluators on
 * several threads; an evaluator is used by one thread at a time. The
 * library has no global state.
 *
 * Memory: every allocation goes through the gdl_options allocator when one
 * is given (malloc otherwise); a failed allocation makes the call return
 * GDL_ERR_NOMEM, never abort. Not through it: the C library's own stdio
 * buffers (opening files, collecting compiler diagnostics) and the parser
 * stack bison grows past 200 entries (deeply nested source only).
 *
 * libgdl has everything; libgdlvm (in the source tree) only runs
 * bytecode: the functions marked "libgdl only" need the compiler. */
#ifndef GDL_H
#define GDL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GDL_VERSION_MAJOR 0
#define GDL_VERSION_MINOR 2
#define GDL_VERSION_PATCH 0
#define GDL_VERSION_STRING "0.2.0"
/* One number that grows with every release: 0.2.0 is 200. */
#define GDL_VERSION_NUMBER (GDL_VERSION_MAJOR * 10000 + GDL_VERSION_MINOR * 100 + GDL_VERSION_PATCH)

#if defined(GDL_BUILDING_LIBRARY) && defined(__GNUC__)
#define GDL_API __attribute__((visibility("default")))
#else
#define GDL_API
#endif

typedef struct gdl_program gdl_program;
typedef struct gdl_evaluator gdl_evaluator;

/* Status of every call that can fail: the gdl command's exit codes, and
 * one more for memory. */
enum {
    GDL_OK = 0,
    GDL_ERR_INPUT = 1,      /* the guideline or the case is wrong (see the error text) */
    GDL_ERR_USAGE = 2,      /* a bad argument: unknown format, a program that failed to load */
    GDL_ERR_IO = 3,         /* a file could not be read */
    GDL_ERR_NOMEM = 4,      /* an allocation failed */
};

/* The allocator, like lua_Alloc without the old size: ptr NULL allocates
 * size bytes; size 0 frees ptr (returns NULL); otherwise reallocates.
 * NULL for a failure. Memory is suitably aligned for any type (as malloc).
 * With evaluators on several threads it must be thread-safe. */
typedef void *(*gdl_alloc_fn)(void *ud, void *ptr, size_t size);

/* Options for loading; NULL or all-zero: malloc, and modules from
 * $GDL_PATH then the installed stdlib. */
typedef struct gdl_options {
    gdl_alloc_fn alloc;         /* NULL: malloc, realloc and free */
    void *alloc_ud;             /* handed to alloc */
    const char *module_path;    /* .gdl imports: directories separated by ':', searched before
                                 * the installed stdlib; NULL: $GDL_PATH */
} gdl_options;

/* gdl_evaluate's format: one of these, optionally | GDL_DETAIL_FULL and
 * | GDL_WITH_IDS (text only: every item, not the summary; item ids). */
enum {
    GDL_FORMAT_JSON = 0,        /* indented, as `gdl run` prints it */
    GDL_FORMAT_JSON_LINE = 1,   /* one line, as `gdl run --batch` prints it */
    GDL_FORMAT_TEXT = 2,        /* the clinician's report (docs/report.md) */
    GDL_DETAIL_FULL = 0x100,
    GDL_WITH_IDS = 0x200,
};

/* The library's version ("0.2.0", GDL_VERSION_STRING of the library
 * actually linked) and, when the pointers are not NULL, the bytecode
 * format it reads: major.minor; it reads minor versions up to its own. */
GDL_API const char *gdl_version(int *bytecode_major, int *bytecode_minor);

/* Loading: *out is a program handle even when loading failed (then
 * gdl_program_error says why, with the place: "file:line:col: error: ..."
 * and the source line for a .gdl, "CODE+0x001c: ..." for a .gdlb); only
 * when even the handle cannot be allocated is *out NULL (GDL_ERR_NOMEM).
 * Free it with gdl_program_free either way. `name` is used in messages. */
GDL_API int gdl_load_bytecode(const void *data, size_t len, const char *name, const gdl_options *opt,
                              gdl_program **out);
/* libgdl only: compiles .gdl source text (imports from opt->module_path). */
GDL_API int gdl_load_source(const char *text, size_t len, const char *name, const gdl_options *opt,
                            gdl_program **out);
/* libgdl only: a file ending in .gdl is compiled, any other is read as bytecode. */
GDL_API int gdl_load_file(const char *path, const gdl_options *opt, gdl_program **out);
/* What went wrong loading p; "" when it loaded. Valid until p is freed. */
GDL_API const char *gdl_program_error(const gdl_program *p);
GDL_API void gdl_program_free(gdl_program *p);

/* An evaluator for a loaded program (GDL_ERR_USAGE when p failed to load;
 * *out NULL then). It keeps p: free the evaluators first. */
GDL_API int gdl_evaluator_new(const gdl_program *p, gdl_evaluator **out);
GDL_API void gdl_evaluator_free(gdl_evaluator *e);

/* Overrides guideline parameter `name` for this evaluator's later cases,
 * as `gdl run --param NAME=VALUE`: the value in the parameter's unit,
 * range-checked (GDL_ERR_INPUT with the reason otherwise). */
GDL_API int gdl_set_param(gdl_evaluator *e, const char *name, const char *value);

/* Evaluates one case (JSON text, len bytes) into advice in the chosen format
 * and language ("nl", "en" or a language the guideline's header declares,
 * whose texts fall back to the header's first language; NULL: "nl"). *out and *out_len receive the
 * output, owned by e and valid until its next call; it ends in '\n' and a
 * NUL follows it (not counted). GDL_OK: evaluated. GDL_ERR_INPUT: the case
 * is invalid; the output is then the "status": "error" result naming every error (as `gdl
 * run` prints it), gdl_evaluator_error the first. GDL_ERR_NOMEM, or
 * GDL_ERR_USAGE for a bad format or language: *out NULL. */
GDL_API int gdl_evaluate(gdl_evaluator *e, const char *case_json, size_t len, unsigned format, const char *lang,
                         const char **out, size_t *out_len);
/* The error of e's last call, with its place in the case ("3:14: ..." or
 * "field 'nprs': ..."); "" after a success. */
GDL_API const char *gdl_evaluator_error(const gdl_evaluator *e);

#ifdef __cplusplus
}
#endif

#endif
