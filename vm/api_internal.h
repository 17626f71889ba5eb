/* api_internal.h - the handles behind gdl.h, shared by the VM side of the
 * library (api.c: bytecode, evaluators) and the compiler side
 * (compiler/api_compile.c: loading .gdl sources). Not installed. */
#ifndef GDL_API_INTERNAL_H
#define GDL_API_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "gdl.h"
#include "mem.h"
#include "program.h"

/* The embedder's allocator (or malloc) behind a GdlMem that notes any
 * failure, so that a call can answer GDL_ERR_NOMEM however deep in the
 * library the failure was reported. One per program, one per evaluator:
 * evaluators on other threads never write the program's. */
typedef struct {
    GdlMem mem;             /* fn = api_counted_alloc, ud = this */
    gdl_alloc_fn user;
    void *user_ud;
    bool failed;
} ApiMem;

struct gdl_program {
    ApiMem mem;
    Arena arena;            /* the program's tables */
    const GdlProgram *prog; /* NULL when loading failed */
    ByteBuf error;          /* NUL-terminated; empty when it loaded */
};

void api_mem_init(ApiMem *m, gdl_alloc_fn user, void *user_ud);

/* A new handle for opt's allocator: GDL_OK, or GDL_ERR_NOMEM with *out NULL. */
int api_program_new(const gdl_options *opt, gdl_program **out);
/* The start of each gdl_load_*: api_program_new, then GDL_ERR_USAGE with
 * the message `missing` in the handle when the input is missing. */
int api_program_start(const gdl_options *opt, gdl_program **out, bool input_missing, const char *missing);
/* Records why p failed to load: text (len bytes, without the final line
 * break) as its error; the status, or GDL_ERR_NOMEM when an allocation
 * failed on the way (whatever the message then says). */
int api_program_fail(gdl_program *p, int status, const char *text, size_t len);
static inline int api_program_fail_msg(gdl_program *p, int status, const char *msg)
{
    return api_program_fail(p, status, msg, strlen(msg));
}
/* Reads and verifies bytecode into p. */
int api_program_read(gdl_program *p, const uint8_t *data, size_t len, const char *name);

#endif
