/* api.c - gdl.h for programs already compiled: loading bytecode (always
 * verified), evaluators, evaluation into advice, versions and errors.
 * Compiling sources is compiler/api_compile.c's part (libgdl only). */
#include "api_internal.h"

#include <stdio.h>
#include <string.h>

#include "advice.h"
#include "bcfile.h"
#include "case_json.h"
#include "verify.h"
#include "vm.h"

struct gdl_evaluator {
    ApiMem mem;
    GdlVm vm;
    ByteBuf out;
    GdlCaseErrors errs;
    char error[512];
};

static void *api_counted_alloc(void *ud, void *ptr, size_t size)
{
    ApiMem *m = ud;
    void *r;
    if (m->user)
        r = m->user(m->user_ud, ptr, size);
    else if (size == 0) {
        free(ptr);
        return NULL;
    } else {
        r = realloc(ptr, size);
    }
    if (!r && size)
        m->failed = true;
    return r;
}

void api_mem_init(ApiMem *m, gdl_alloc_fn user, void *user_ud)
{
    *m = (ApiMem){ { api_counted_alloc, m }, user, user_ud, false };
}

GDL_API const char *gdl_version(int *bytecode_major, int *bytecode_minor)
{
    if (bytecode_major)
        *bytecode_major = GDLB_MAJOR;
    if (bytecode_minor)
        *bytecode_minor = GDLB_MINOR;
    return GDL_VERSION_STRING;
}

int api_program_new(const gdl_options *opt, gdl_program **out)
{
    gdl_options none = { 0 };
    if (!opt)
        opt = &none;
    ApiMem probe;
    api_mem_init(&probe, opt->alloc, opt->alloc_ud);
    gdl_program *p = mem_calloc(&probe.mem, 1, sizeof *p);
    *out = p;
    if (!p)
        return GDL_ERR_NOMEM;
    api_mem_init(&p->mem, opt->alloc, opt->alloc_ud);
    arena_init_mem(&p->arena, 0, &p->mem.mem);
    p->error.mem = &p->mem.mem;
    return GDL_OK;
}

int api_program_start(const gdl_options *opt, gdl_program **out, bool input_missing, const char *missing)
{
    int rc = api_program_new(opt, out);
    if (rc == GDL_OK && input_missing)
        rc = api_program_fail_msg(*out, GDL_ERR_USAGE, missing);
    return rc;
}

int api_program_fail(gdl_program *p, int status, const char *text, size_t len)
{
    if (p->mem.failed)
        status = GDL_ERR_NOMEM;
    p->prog = NULL;
    p->error.len = 0;
    p->error.failed = 0;
    while (len && (text[len - 1] == '\n'))
        len--;
    if (status == GDL_ERR_NOMEM && len == 0)
        text = "out of memory", len = strlen(text);
    buf_put(&p->error, text, len);
    buf_putc(&p->error, '\0');
    if (p->error.failed)        /* gdl_program_error then says "out of memory" */
        buf_free(&p->error);
    return status;
}

int api_program_read(gdl_program *p, const uint8_t *data, size_t len, const char *name)
{
    GdlProgram *prog;
    char err[512], msg[1024];
    if (gdlb_read(data, len, &p->arena, &prog, err, sizeof err) != 0 ||
        gdl_verify_mem(prog, &p->mem.mem, err, sizeof err) != 0) {
        int n = snprintf(msg, sizeof msg, "%s: error: %s", name ? name : "<bytecode>", err);
        return api_program_fail(p, GDL_ERR_INPUT, msg, n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    }
    if (p->mem.failed)      /* reported as something else on the way */
        return api_program_fail(p, GDL_ERR_NOMEM, "", 0);
    p->prog = prog;
    return GDL_OK;
}

GDL_API int gdl_load_bytecode(const void *data, size_t len, const char *name, const gdl_options *opt, gdl_program **out)
{
    int rc = api_program_start(opt, out, !data && len, "gdl_load_bytecode: no data");
    return rc != GDL_OK ? rc : api_program_read(*out, data, len, name);
}

GDL_API const char *gdl_program_error(const gdl_program *p)
{
    if (!p)
        return "out of memory";
    if (p->prog)
        return "";
    return p->error.data ? (const char *)p->error.data : "out of memory";
}

GDL_API void gdl_program_free(gdl_program *p)
{
    if (!p)
        return;
    arena_free(&p->arena);
    buf_free(&p->error);
    ApiMem m;               /* the handle goes back through an allocator outside it */
    api_mem_init(&m, p->mem.user, p->mem.user_ud);
    mem_free(&m.mem, p);
}

GDL_API int gdl_evaluator_new(const gdl_program *p, gdl_evaluator **out)
{
    *out = NULL;
    if (!p || !p->prog)
        return GDL_ERR_USAGE;
    ApiMem probe;
    api_mem_init(&probe, p->mem.user, p->mem.user_ud);
    gdl_evaluator *e = mem_alloc(&probe.mem, sizeof *e);
    if (!e)
        return GDL_ERR_NOMEM;
    memset(e, 0, sizeof *e);
    api_mem_init(&e->mem, p->mem.user, p->mem.user_ud);
    if (gdl_vm_init_mem(&e->vm, p->prog, &e->mem.mem) != 0) {
        mem_free(&probe.mem, e);
        return GDL_ERR_NOMEM;
    }
    if (e->mem.failed) {        /* reported as something else, or not at all, on the way */
        gdl_vm_free(&e->vm);
        mem_free(&probe.mem, e);
        return GDL_ERR_NOMEM;
    }
    e->out.mem = &e->mem.mem;
    *out = e;
    return GDL_OK;
}

GDL_API void gdl_evaluator_free(gdl_evaluator *e)
{
    if (!e)
        return;
    gdl_vm_free(&e->vm);
    buf_free(&e->out);
    ApiMem m;
    api_mem_init(&m, e->mem.user, e->mem.user_ud);
    mem_free(&m.mem, e);
}

GDL_API int gdl_set_param(gdl_evaluator *e, const char *name, const char *value)
{
    e->mem.failed = false;
    if (!name || !value) {
        snprintf(e->error, sizeof e->error, "gdl_set_param: no name or value");
        return GDL_ERR_USAGE;
    }
    e->error[0] = '\0';
    if (gdl_vm_set_param(&e->vm, name, value, e->error, sizeof e->error) != 0)
        return e->mem.failed ? GDL_ERR_NOMEM : GDL_ERR_INPUT;
    return GDL_OK;
}

/* The first case error as one line: "field 'x': ...", "3:14: ...". */
static void note_case_error(gdl_evaluator *e)
{
    const GdlCaseError *ce = &e->errs.items[0];
    if (ce->has_field)
        snprintf(e->error, sizeof e->error, "field '%s': %s", ce->field, ce->message);
    else if (ce->line)
        snprintf(e->error, sizeof e->error, "%u:%u: %s", ce->line, ce->col, ce->message);
    else
        snprintf(e->error, sizeof e->error, "%s", ce->message);
}

GDL_API int gdl_evaluate(gdl_evaluator *e, const char *case_json, size_t len, unsigned format, const char *lang,
                         const char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    e->error[0] = '\0';
    e->mem.failed = false;
    static const AdviceFormat FORMATS[] = { ADVICE_JSON_PRETTY, ADVICE_JSON, ADVICE_TEXT };
    unsigned base = format & 0xffu;
    if (base >= sizeof FORMATS / sizeof FORMATS[0] || (format & ~(0xffu | GDL_DETAIL_FULL | GDL_WITH_IDS))) {
        snprintf(e->error, sizeof e->error, "gdl_evaluate: unknown format 0x%x", format);
        return GDL_ERR_USAGE;
    }
    if (!lang)
        lang = "nl";
    char why[200];
    if (!gdl_language_check(e->vm.p, lang, why, sizeof why)) {
        snprintf(e->error, sizeof e->error, "gdl_evaluate: %s", why);
        return GDL_ERR_USAGE;
    }
    if (!case_json && len) {
        snprintf(e->error, sizeof e->error, "gdl_evaluate: no case text");
        return GDL_ERR_USAGE;
    }
    AdviceOptions opt = { .format = FORMATS[base], .lang = lang,
                          .detail_full = (format & GDL_DETAIL_FULL) != 0, .ids = (format & GDL_WITH_IDS) != 0 };
    int rc = GDL_OK;
    gdl_case_errors_clear(&e->errs);
    if (gdl_case_load_json(&e->vm, case_json ? case_json : "", len, &e->errs) != 0) {
        note_case_error(e);
        rc = GDL_ERR_INPUT;
    } else {
        gdl_vm_run(&e->vm);
    }
    e->out.len = 0;
    e->out.failed = 0;
    gdl_advice_write(&e->vm, rc ? &e->errs : NULL, &opt, &e->out);
    buf_putc(&e->out, '\0');     /* for fputs; not counted */
    if (!e->out.failed)
        e->out.len--;
    if (e->mem.failed || e->out.failed) {
        snprintf(e->error, sizeof e->error, "out of memory");
        return GDL_ERR_NOMEM;
    }
    *out = (const char *)e->out.data;
    *out_len = e->out.len;
    return rc;
}

GDL_API const char *gdl_evaluator_error(const gdl_evaluator *e)
{
    return e ? e->error : "out of memory";
}
