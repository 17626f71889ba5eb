/* load.c - reads the main file and, depth first, every module it imports.
 * Declarations from modules come before the importer's, each module once. */
#include "compile.h"

#include <stdio.h>
#include <string.h>

#include "parse_ctx.h"

void compiler_init(Compiler *c, FILE *diag_out)
{
    memset(c, 0, sizeof *c);
    arena_init(&c->arena, 256 * 1024);
    source_set_init(&c->sources, &c->arena);
    diag_init(&c->diag, &c->sources, diag_out);
}

void compiler_add_search_dir(Compiler *c, const char *dir)
{
    if (c->nsearch < COMPILE_MAX_SEARCH_DIRS && dir && *dir)
        c->search_dirs[c->nsearch++] = arena_strndup(&c->arena, dir, strlen(dir));
}

void compiler_free(Compiler *c)
{
    arena_free(&c->arena);
}

static bool load_items(Compiler *c, int file, int depth);

static bool module_loaded(Compiler *c, const char *name)
{
    for (uint32_t i = 0; i < c->nloaded; i++)
        if (strcmp(c->loaded_modules[i], name) == 0)
            return true;
    return false;
}

/* import a.b -> <dir>/a/b.gdl for the first search dir that has it. */
static void load_import(Compiler *c, AstNode *imp, int depth)
{
    if (module_loaded(c, imp->name))
        return;
    if (depth >= COMPILE_MAX_IMPORT_DEPTH) {
        diag_report(&c->diag, SEV_ERROR, imp->name_span, "imports nested too deep (limit is %d)",
                    COMPILE_MAX_IMPORT_DEPTH);
        return;
    }
    if (c->nloaded >= SOURCE_MAX_FILES) {
        c->import_failed = true;
        diag_report(&c->diag, SEV_ERROR, imp->name_span, "too many modules (limit is %d)", SOURCE_MAX_FILES);
        return;
    }
    c->loaded_modules[c->nloaded++] = imp->name;
    char rel[512];
    size_t n = 0;
    if (strlen(imp->name) + 5 > sizeof rel) {   /* a cut name could open another module */
        c->import_failed = true;
        diag_report(&c->diag, SEV_ERROR, imp->name_span, "module name longer than %d bytes", (int)sizeof rel - 5);
        return;
    }
    for (const char *p = imp->name; *p; p++)
        rel[n++] = *p == '.' ? '/' : *p;
    memcpy(rel + n, ".gdl", 5);
    for (uint32_t i = 0; i < c->nsearch; i++) {
        char path[1024];
        int len = snprintf(path, sizeof path, "%s/%s", c->search_dirs[i], rel);
        if (len < 0 || (size_t)len >= sizeof path)
            continue;                               /* nor a cut path */
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fclose(f);
        char err[256];
        int file = source_load(&c->sources, path, err, sizeof err);
        if (file < 0) {
            c->import_failed = true;
            diag_report(&c->diag, SEV_ERROR, imp->name_span, "%s", err);
            return;
        }
        load_items(c, file, depth + 1);
        return;
    }
    c->import_failed = true;
    diag_report(&c->diag, SEV_ERROR, imp->name_span, "module '%s' not found (looked for %s in %u %s; set GDL_PATH to add one)",
                imp->name, rel, c->nsearch, c->nsearch == 1 ? "directory" : "directories");
}

static bool load_items(Compiler *c, int file, int depth)
{
    AstList items = { 0 };
    parse_file(&c->sources, (uint32_t)file, &c->diag, &c->arena, &items);
    AstBuilder b = { .arena = &c->arena };
    for (uint32_t i = 0; i < items.count; i++)
        if (items.items[i]->kind == AST_IMPORT)
            load_import(c, items.items[i], depth);
    for (uint32_t i = 0; i < items.count; i++)
        ast_push(&b, &c->items, items.items[i]);
    return !b.oom;
}

bool compile_load_text(Compiler *c, const char *path, const char *text, size_t len)
{
    int file = source_add(&c->sources, path, text, len);
    if (file < 0) {
        diag_file(&c->diag, SEV_ERROR, path, "out of memory");
        return false;
    }
    c->main_file = (uint32_t)file;
    return load_items(c, file, 0) && c->diag.errors == 0;
}

bool compile_load(Compiler *c, const char *path)
{
    char err[256];
    int file = source_load(&c->sources, path, err, sizeof err);
    if (file < 0) {
        diag_file(&c->diag, SEV_ERROR, path, "%s", err);
        return false;
    }
    c->main_file = (uint32_t)file;
    return load_items(c, file, 0) && c->diag.errors == 0;
}
