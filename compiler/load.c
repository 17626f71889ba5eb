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

static bool load_items(Compiler *c, int file, int depth, const AstNode *imp);

static bool module_loaded(Compiler *c, const char *name)
{
    for (uint32_t i = 0; i < c->nloaded; i++)
        if (strcmp(c->loaded_modules[i], name) == 0)
            return true;
    return false;
}

/* The directory part of path ("." when it has none), into buf. */
static const char *dir_of(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    size_t n = (size_t)(slash - path);
    if (n == 0)
        return "/";
    if (n >= len)
        return NULL;
    memcpy(buf, path, n);
    buf[n] = '\0';
    return buf;
}

/* Opens <dir>/<rel> when it exists; false when it does not (or the path is too long). */
static bool try_module_dir(Compiler *c, AstNode *imp, const char *dir, const char *rel, int depth)
{
    char path[1024];
    int len = snprintf(path, sizeof path, "%s/%s", dir, rel);
    if (len < 0 || (size_t)len >= sizeof path)
        return false;                               /* nor a cut path */
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    fclose(f);
    char err[256];
    int file = source_load(&c->sources, path, err, sizeof err);
    if (file < 0) {
        c->import_failed = true;
        diag_report(&c->diag, SEV_ERROR, imp->name_span, "%s", err);
        return true;
    }
    load_items(c, file, depth + 1, imp);
    return true;
}

/* import a.b -> a/b.gdl in the importing file's directory, else in the first
 * search dir that has it. */
static void load_import(Compiler *c, AstNode *imp, int importer, int depth)
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
    char own[1024];
    const char *own_dir = dir_of(c->sources.files[importer].path, own, sizeof own);
    if (own_dir && try_module_dir(c, imp, own_dir, rel, depth))
        return;
    for (uint32_t i = 0; i < c->nsearch; i++)
        if (try_module_dir(c, imp, c->search_dirs[i], rel, depth))
            return;
    c->import_failed = true;
    char looked[2048];
    size_t used = (size_t)snprintf(looked, sizeof looked, "%s", own_dir ? own_dir : "(the importing file's directory)");
    for (uint32_t i = 0; i < c->nsearch && used < sizeof looked; i++)
        used += (size_t)snprintf(looked + used, sizeof looked - used, ", %s", c->search_dirs[i]);
    diag_report(&c->diag, SEV_ERROR, imp->name_span,
                "module '%s' not found: no %s in %s (the importing file's directory first, then GDL_PATH and the stdlib; set GDL_PATH to add one)",
                imp->name, rel, looked);
}

/* The file an `import a.b` loaded must declare `module a.b`: the name is its path. */
static void check_module_name(Compiler *c, int file, const AstList *items, const AstNode *imp)
{
    for (uint32_t i = 0; i < items->count; i++) {
        const AstNode *m = items->items[i];
        if (m->kind != AST_MODULE)
            continue;
        if (strcmp(m->name, imp->name) != 0) {
            diag_report(&c->diag, SEV_ERROR, m->name_span,
                        "this file declares module '%s' but is imported as '%s': a module's name must match its path (write 'module %s')",
                        m->name, imp->name, imp->name);
            diag_report(&c->diag, SEV_NOTE, imp->name_span, "imported as '%s' here", imp->name);
        }
        return;
    }
    diag_file(&c->diag, SEV_ERROR, c->sources.files[file].path,
              "imported as module '%s' but has no 'module %s' line", imp->name, imp->name);
}

static bool load_items(Compiler *c, int file, int depth, const AstNode *imp)
{
    AstList items = { 0 };
    parse_file(&c->sources, (uint32_t)file, &c->diag, &c->arena, &items);
    if (imp)
        check_module_name(c, file, &items, imp);
    AstBuilder b = { .arena = &c->arena };
    for (uint32_t i = 0; i < items.count; i++)
        if (items.items[i]->kind == AST_IMPORT)
            load_import(c, items.items[i], file, depth);
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
    return load_items(c, file, 0, NULL) && c->diag.errors == 0;
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
    return load_items(c, file, 0, NULL) && c->diag.errors == 0;
}
