/* api_compile.c - the part of gdl.h that needs the compiler (libgdl only):
 * a .gdl source is compiled, written as bytecode and read back through the
 * same reader and verifier as a .gdlb (api.c), so what runs from source is
 * exactly what the .gdlb would hold. Diagnostics become the program's error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "bcfile.h"
#include "compile.h"

#ifndef GDL_STDLIB_DIR
#define GDL_STDLIB_DIR "/usr/local/share/gdl/stdlib"
#endif

/* Each directory of a ':'-separated list, then the installed stdlib. */
static int add_module_path(Compiler *c, const char *list)
{
    for (const char *s = list; s && *s;) {
        size_t n = strcspn(s, ":");
        if (n > 0) {
            char *dir = arena_strndup(&c->arena, s, n);
            if (!dir)
                return GDL_ERR_NOMEM;
            if (c->nsearch == COMPILE_MAX_PATH_DIRS)
                return GDL_ERR_USAGE;
            compiler_add_search_dir(c, dir);
        }
        s += n + (s[n] == ':');
    }
    compiler_add_search_dir(c, GDL_STDLIB_DIR);
    return GDL_OK;
}

/* Compiles `text` (NULL: the file at `path`) into p. */
static int compile_into(gdl_program *p, const char *path, const char *text, size_t len, const gdl_options *opt)
{
    char *diag_text = NULL;
    size_t diag_len = 0;
    FILE *diag = open_memstream(&diag_text, &diag_len);
    if (!diag)
        return api_program_fail(p, GDL_ERR_NOMEM, "", 0);
    Compiler c;
    compiler_init(&c, diag);
    c.arena.mem = &p->mem.mem;
    int rc = add_module_path(&c, opt && opt->module_path ? opt->module_path : getenv("GDL_PATH"));
    Arena out;
    arena_init_mem(&out, 0, &p->mem.mem);
    ByteBuf bytes = { .mem = &p->mem.mem };
    GdlProgram *prog = NULL;
    if (rc == GDL_OK) {
        prog = text ? compile_text(&c, path, text, len, &out) : compile_file(&c, path, &out);
        if (!prog)
            rc = c.diag.errors ? GDL_ERR_INPUT : GDL_ERR_IO;
        else if (gdlb_write(prog, &bytes) != 0)
            rc = GDL_ERR_NOMEM;
    }
    compiler_free(&c);
    arena_free(&out);
    fclose(diag);
    if (rc == GDL_OK)
        rc = api_program_read(p, bytes.data, bytes.len, path);
    else if (rc == GDL_ERR_USAGE)
        rc = api_program_fail_msg(p, rc, "module path: more than 16 directories");
    else
        rc = api_program_fail(p, rc, diag_text ? diag_text : "", diag_text ? diag_len : 0);
    free(diag_text);    /* open_memstream's, not the allocator's */
    buf_free(&bytes);
    return rc;
}

GDL_API int gdl_load_source(const char *text, size_t len, const char *name, const gdl_options *opt, gdl_program **out)
{
    int rc = api_program_start(opt, out, !text && len, "gdl_load_source: no text");
    return rc != GDL_OK ? rc : compile_into(*out, name ? name : "<source>", text ? text : "", len, opt);
}

static bool is_source(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && strcmp(path + n - 4, ".gdl") == 0;
}

/* A .gdlb file whole, up to the format's limit. */
static int read_bytecode_file(gdl_program *p, const char *path)
{
    FILE *f = fopen(path, "rb");
    char msg[1024];
    if (!f) {
        int n = snprintf(msg, sizeof msg, "%s: error: cannot open: %s", path, strerror(errno));
        return api_program_fail(p, GDL_ERR_IO, msg, n > 0 && (size_t)n < sizeof msg ? (size_t)n : 0);
    }
    ByteBuf data = { .mem = &p->mem.mem };
    uint8_t block[65536];
    size_t got;
    while ((got = fread(block, 1, sizeof block, f)) > 0 && data.len <= GDLB_MAX_FILE)
        buf_put(&data, block, got);
    bool read_error = ferror(f);
    fclose(f);
    int rc;
    if (data.failed)
        rc = api_program_fail(p, GDL_ERR_NOMEM, "", 0);
    else if (read_error || data.len > GDLB_MAX_FILE) {
        int n = snprintf(msg, sizeof msg, "%s: error: %s", path,
                         read_error ? "cannot read" : "file too large for a guideline");
        rc = api_program_fail(p, read_error ? GDL_ERR_IO : GDL_ERR_INPUT, msg,
                              n > 0 && (size_t)n < sizeof msg ? (size_t)n : 0);
    } else {
        rc = api_program_read(p, data.data, data.len, path);
    }
    buf_free(&data);
    return rc;
}

GDL_API int gdl_load_file(const char *path, const gdl_options *opt, gdl_program **out)
{
    int rc = api_program_start(opt, out, !path, "gdl_load_file: no path");
    if (rc != GDL_OK)
        return rc;
    return is_source(path) ? compile_into(*out, path, NULL, 0, opt) : read_bytecode_file(*out, path);
}
