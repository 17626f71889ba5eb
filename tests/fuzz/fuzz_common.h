/* fuzz_common.h - shared by the three fuzz harnesses: the libFuzzer entry
 * point's prototype, a sink for output nobody reads, and running a verified
 * program the way the CLI does (empty case, then a case with every input
 * set), writing the advice in every format. A broken invariant calls
 * abort(), which every fuzzer and the replay driver report as a crash. */
#ifndef GDL_FUZZ_COMMON_H
#define GDL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "advice.h"
#include "buf.h"
#include "case_json.h"
#include "explain.h"
#include "json.h"
#include "program.h"
#include "vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Opened once and kept for the process: fuzzers call the entry point
 * millions of times. */
static inline FILE *fuzz_null_out(void)
{
    static FILE *null_out;
    if (!null_out)
        null_out = fopen("/dev/null", "w");
    if (!null_out)
        abort();
    return null_out;
}

/* Every result in JSON must be one valid JSON value (UTF-8 included): a
 * clinical system that cannot parse it loses the whole advice. */
static inline void fuzz_check_json(const ByteBuf *b, size_t from)
{
    static const JsonLimits LOOSE = { SIZE_MAX, 512, SIZE_MAX, SIZE_MAX, SIZE_MAX };
    Arena a;
    arena_init(&a, 0);
    JsonValue v;
    JsonError err;
    if (!json_parse((const char *)b->data + from, b->len - from, &LOOSE, &a, &v, &err)) {
        fprintf(stderr, "advice is not valid JSON: %u:%u: %s\n%.*s\n", err.line, err.col, err.message,
                (int)(b->len - from), (const char *)b->data + from);
        abort();
    }
    arena_free(&a);
}

static inline void fuzz_advice_all_formats(const GdlVm *vm, const GdlCaseErrors *errs, ByteBuf *out)
{
    static const AdviceOptions OPTS[] = {
        { .format = ADVICE_JSON, .lang = "nl" }, { .format = ADVICE_JSON_PRETTY, .lang = "en" },
        { .format = ADVICE_TEXT, .lang = "nl" }, { .format = ADVICE_TEXT, .lang = "en", .detail_full = true },
        { .format = ADVICE_TEXT, .lang = "nl", .detail_full = true, .ids = true },
        { .format = ADVICE_JSON, .lang = "en", .batch_line = 7 },
        { .format = ADVICE_HTML, .lang = "nl", .ids = true }, { .format = ADVICE_CDS, .lang = "en" },
    };
    for (size_t i = 0; i < sizeof OPTS / sizeof OPTS[0]; i++) {
        size_t from = out->len;
        gdl_advice_write(vm, errs, &OPTS[i], out);
        if (OPTS[i].format != ADVICE_TEXT && OPTS[i].format != ADVICE_HTML && !out->failed)
            fuzz_check_json(out, from);
    }
    /* and why (docs/explain.md): what fired, as text and JSON (not parsed
     * back: a tree may nest deeper than fuzz_check_json's limit) */
    static const ExplainOptions WHY[] = {
        { .lang = "nl", .depth = EXPLAIN_MAX_DEPTH }, { .lang = "en", .ids = true, .bare = true },
        { .lang = "en", .json = true, .depth = EXPLAIN_DEFAULT_DEPTH },
    };
    for (size_t i = 0; i < sizeof WHY / sizeof WHY[0] && !errs; i++) {
        char err[512];
        explain_write(vm, NULL, 0, &WHY[i], out, err, sizeof err);
    }
}

/* A case with every input of p given a value its declaration allows, so
 * the VM runs on known values too, not only on unknowns. */
static inline void fuzz_full_case(const GdlProgram *p, ByteBuf *b)
{
    buf_putc(b, '{');
    for (uint32_t f = 0; f < p->ninputs; f++) {
        const GdlFact *x = &p->facts[f];
        if (f)
            buf_putc(b, ',');
        buf_json_string(b, gdl_str(p, x->name), p->string_lens[x->name]);
        buf_putc(b, ':');
        double v = (x->flags & IN_HAS_MIN) ? x->min : (x->flags & IN_HAS_MAX) ? x->max : 1;
        switch ((GdlType)x->type) {
        case GT_BOOL: buf_puts(b, "true"); break;
        case GT_INT: case GT_NUMBER: buf_json_number(b, v); break;
        case GT_DATE: buf_puts(b, "\"2021-06-30\""); break;
        case GT_STRING: buf_puts(b, "\"x\""); break;
        case GT_ENUM:
            if (x->sym_count) {
                uint16_t s = p->syms[x->sym_first + x->sym_count - 1];
                buf_json_string(b, gdl_str(p, s), p->string_lens[s]);
            } else {
                buf_puts(b, "null");
            }
            break;
        case GT_LIST_INT:
            buf_putc(b, '[');
            buf_json_number(b, v);
            buf_puts(b, ",1,2]");
            break;
        default: buf_puts(b, "null"); break;
        }
    }
    buf_putc(b, '}');
}

/* Runs a verified program on an empty case and on a full one; the advice,
 * in every format, is appended to out. */
static inline void fuzz_run_program(const GdlProgram *p, ByteBuf *out)
{
    GdlVm vm;
    if (gdl_vm_init(&vm, p) != 0)
        return;
    static const char EMPTY[] = "{\"case_id\":\"f\"}";
    GdlCaseErrors *errs = malloc(sizeof *errs);
    ByteBuf full = { 0 };
    if (!errs)
        abort();
    int rc = gdl_case_load_json(&vm, EMPTY, sizeof EMPTY - 1, errs);
    if (rc == 0)
        gdl_vm_run(&vm);
    fuzz_advice_all_formats(&vm, rc ? errs : NULL, out);
    fuzz_full_case(p, &full);
    rc = gdl_case_load_json(&vm, (const char *)full.data, full.len, errs);
    if (rc == 0)
        gdl_vm_run(&vm);
    fuzz_advice_all_formats(&vm, rc ? errs : NULL, out);
    buf_free(&full);
    free(errs);
    gdl_vm_free(&vm);
}

#endif
