/* compile.c - the whole pipeline, one pass after another. Each pass
 * reports through Diag; a pass does not run after one that failed. */
#include "compile.h"

/* After the main file and its imports loaded (load.c): */
static GdlProgram *compile_loaded(Compiler *c, Arena *out)
{
    if (c->import_failed)           /* an import is missing: checking would only echo its names */
        return NULL;
    resolve_declarations(c);        /* resolve.c: declare every name; header; duplicates */
    check_program(c);               /* check.c: types, units, ranges, citations; order of facts; tests */
    if (c->diag.errors)
        return NULL;
    GdlProgram *p = codegen_program(c, out);    /* codegen.c: tables and bytecode */
    return c->diag.errors ? NULL : p;
}

GdlProgram *compile_file(Compiler *c, const char *path, Arena *out)
{
    compile_load(c, path);          /* load.c: parse the file and, depth first, its imports */
    return compile_loaded(c, out);
}

GdlProgram *compile_text(Compiler *c, const char *path, const char *text, size_t len, Arena *out)
{
    compile_load_text(c, path, text, len);      /* load.c: the same on text in memory */
    return compile_loaded(c, out);
}
