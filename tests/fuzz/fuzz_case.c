/* fuzz_case.c - harness 2: case JSON through the reader, validation,
 * evaluation against the 2021 guideline and the advice writer. The
 * guideline is compiled once, at the first call (FUZZ_GUIDELINE and
 * FUZZ_STDLIB_DIR, or GDL_FUZZ_GUIDELINE and GDL_FUZZ_STDLIB). The fast
 * path and the strict reader must give the same result, byte for byte:
 * any difference is a silently wrong answer, so abort. */
#include <stdlib.h>
#include <string.h>

#include "bcfile.h"
#include "compile.h"
#include "fuzz_common.h"
#include "verify.h"

#ifndef FUZZ_STDLIB_DIR
#define FUZZ_STDLIB_DIR "stdlib"
#endif
#ifndef FUZZ_GUIDELINE
#define FUZZ_GUIDELINE "guidelines/kngf-lbp-2021.gdl"
#endif

typedef struct {
    Arena arena;
    GdlProgram *p;
    GdlVm vm;
    GdlCaseErrors errs;
} CaseFuzzer;

/* Compiled through bytes, as `gdl run` does, so the VM sees a loaded program. */
static CaseFuzzer *setup(void)
{
    static CaseFuzzer *fz;
    if (fz)
        return fz;
    const char *dir = getenv("GDL_FUZZ_STDLIB"), *path = getenv("GDL_FUZZ_GUIDELINE");
    Compiler *c = malloc(sizeof *c);
    fz = calloc(1, sizeof *fz);
    if (!c || !fz)
        abort();
    compiler_init(c, stderr);
    compiler_add_search_dir(c, dir ? dir : FUZZ_STDLIB_DIR);
    Arena out;
    arena_init(&out, 0);
    GdlProgram *p = compile_file(c, path ? path : FUZZ_GUIDELINE, &out);
    ByteBuf bytes = { 0 };
    if (!p || gdlb_write(p, &bytes) != 0) {
        fprintf(stderr, "fuzz_case: cannot compile %s (set GDL_FUZZ_GUIDELINE, GDL_FUZZ_STDLIB)\n",
                path ? path : FUZZ_GUIDELINE);
        abort();
    }
    arena_free(&out);
    compiler_free(c);
    free(c);
    char err[512];
    arena_init(&fz->arena, 0);
    if (gdlb_read(bytes.data, bytes.len, &fz->arena, &fz->p, err, sizeof err) != 0 ||
        gdl_verify(fz->p, err, sizeof err) != 0 || gdl_vm_init(&fz->vm, fz->p) != 0) {
        fprintf(stderr, "fuzz_case: guideline rejected: %s\n", err);
        abort();
    }
    buf_free(&bytes);
    return fz;
}

static void evaluate(CaseFuzzer *fz, const char *text, size_t len, bool strict, ByteBuf *out)
{
    int rc = strict ? gdl_case_load_json_strict(&fz->vm, text, len, &fz->errs)
                    : gdl_case_load_json(&fz->vm, text, len, &fz->errs);
    if (rc == 0)
        gdl_vm_run(&fz->vm);
    fuzz_advice_all_formats(&fz->vm, rc ? &fz->errs : NULL, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CaseFuzzer *fz = setup();
    /* The reader must never read past len: give it an exact-size copy, so
     * ASan sees the first byte beyond. */
    char *text = calloc(1, size ? size : 1);
    if (!text)
        abort();
    if (size)
        memcpy(text, data, size);
    ByteBuf fast = { 0 }, strict = { 0 };
    evaluate(fz, text, size, false, &fast);
    evaluate(fz, text, size, true, &strict);
    if (fast.len != strict.len || (fast.len && memcmp(fast.data, strict.data, fast.len) != 0)) {
        fprintf(stderr, "fast and strict case readers disagree:\n--- fast\n%.*s\n--- strict\n%.*s\n",
                (int)fast.len, (const char *)fast.data, (int)strict.len, (const char *)strict.data);
        abort();
    }
    buf_free(&fast);
    buf_free(&strict);
    free(text);
    return 0;
}
