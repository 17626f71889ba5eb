/* unit.c - the helpers of unit.h. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "verify.h"

void unit_register(const char *name, const UnitTest *tests, size_t n)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        if (!CU_add_test(s, tests[i].name, tests[i].fn))
            return;
}

void unit_build(UnitBuild *b, const char *body, bool quiet)
{
    size_t n = strlen(UNIT_HEADER) + strlen(body);
    char *text = malloc(n + 1);
    b->df = open_memstream(&b->diag, &b->diag_len);
    compiler_init(&b->c, b->df);
    arena_init(&b->out, 0);
    if (!text || !b->df) {
        free(text);
        return;
    }
    snprintf(text, n + 1, "%s%s", UNIT_HEADER, body);
    if (compile_load_text(&b->c, "t.gdl", text, n)) {
        resolve_declarations(&b->c);
        check_program(&b->c);
        if (b->c.diag.errors == 0)
            b->p = codegen_program(&b->c, &b->out);
    }
    free(text);
    fflush(b->df);
    if (b->p && (b->c.diag.errors || b->c.diag.warnings || b->diag_len)) {
        fprintf(stderr, "\n    codegen succeeded but reported:\n%s\n", b->diag);
        b->p = NULL;   /* codegen must add nothing to a clean check */
    }
    if (!b->p) {
        if (!quiet)
            fprintf(stderr, "\n    compile failed:\n%s\n", b->diag ? b->diag : "");
        return;
    }
    char err[256] = "";
    if (gdl_verify(b->p, err, sizeof err) != 0) {
        fprintf(stderr, "\n    compiled program fails verification: %s\n", err);
        b->p = NULL;
    }
}

void unit_build_free(UnitBuild *b)
{
    arena_free(&b->out);
    compiler_free(&b->c);
    if (b->df)
        fclose(b->df);
    free(b->diag);
}
