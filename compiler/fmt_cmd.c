/* fmt_cmd.c - the `gdl fmt` command: print each file formatted, rewrite it
 * in place (-w), or name the files that are not formatted (--check, for CI).
 * The layout itself is fmt.c's. */
#include "fmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };
enum { FMT_MAX_FILES = 256 };

typedef enum { MODE_PRINT, MODE_WRITE, MODE_CHECK } FmtMode;

/* Reads standard input into the set as "<stdin>"; -1 when it cannot. */
static int load_stdin(SourceSet *set)
{
    ByteBuf in = { 0 };
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0 && in.len <= SOURCE_MAX_BYTES)
        buf_put(&in, chunk, n);
    int file = -1;
    if (!ferror(stdin) && !in.failed && in.len <= SOURCE_MAX_BYTES)
        file = source_add(set, "<stdin>", in.len ? (const char *)in.data : "", in.len);
    buf_free(&in);
    return file;
}

/* Replaces path by bytes: a temporary file beside it, then rename, so an
 * interrupted run never leaves half a file. */
static int write_in_place(const char *path, const ByteBuf *bytes)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        fprintf(stderr, "%s: error: out of memory\n", path);
        return EXIT_IO;
    }
    snprintf(tmp, n + 16, "%s.fmt-tmp", path);
    FILE *f = fopen(tmp, "wb");
    int rc = EXIT_OK;
    if (!f || (bytes->len && fwrite(bytes->data, 1, bytes->len, f) != bytes->len) || fclose(f) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(errno));
        remove(tmp);
        rc = EXIT_IO;
    }
    free(tmp);
    return rc;
}

static int fmt_one(const char *path, FmtMode mode)
{
    Arena arena;
    arena_init(&arena, 0);
    SourceSet set;
    source_set_init(&set, &arena);
    Diag diag;
    diag_init(&diag, &set, stderr);
    char err[512];
    int file = strcmp(path, "-") == 0 ? load_stdin(&set) : source_load(&set, path, err, sizeof err);
    int rc = EXIT_OK;
    ByteBuf out = { 0 };
    if (file < 0) {
        if (strcmp(path, "-") == 0)
            snprintf(err, sizeof err, "cannot read standard input (at most %d bytes)", SOURCE_MAX_BYTES);
        fprintf(stderr, "gdl: error: %s\n", err);
        rc = EXIT_IO;
        goto done;
    }
    int r = fmt_source(&set, (uint32_t)file, &diag, &arena, &out);
    if (r == FMT_SYNTAX) {
        fprintf(stderr, "%s: not formatted: %u error%s\n", set.files[file].path, diag.errors, diag.errors == 1 ? "" : "s");
        rc = EXIT_INPUT;
        goto done;
    }
    if (r != FMT_OK) {
        fprintf(stderr, "%s: internal error: the layout would change the program; file left as it is\n", set.files[file].path);
        rc = EXIT_IO;
        goto done;
    }
    const Source *src = &set.files[file];
    bool same = out.len == src->len && (out.len == 0 || memcmp(out.data, src->text, out.len) == 0);
    if (mode == MODE_PRINT || (mode == MODE_WRITE && strcmp(path, "-") == 0)) {
        if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
            rc = EXIT_IO;
    } else if (mode == MODE_CHECK && !same) {
        fprintf(stderr, "%s: not formatted (gdl fmt -w %s rewrites it)\n", src->path, src->path);
        rc = EXIT_INPUT;
    } else if (mode == MODE_WRITE && !same) {
        rc = write_in_place(path, &out);
    }
done:
    buf_free(&out);
    arena_free(&arena);
    return rc;
}

int fmt_command(int argc, char **argv)
{
    FmtMode mode = MODE_PRINT;
    const char *files[FMT_MAX_FILES];
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-w") == 0 || strcmp(a, "--check") == 0) {
            FmtMode m = a[1] == 'w' ? MODE_WRITE : MODE_CHECK;
            if (mode != MODE_PRINT && mode != m) {
                fprintf(stderr, "gdl: -w rewrites files, --check only names them: use one\n(see 'gdl --help')\n");
                return EXIT_USAGE;
            }
            mode = m;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "gdl: unknown fmt option '%s'\n(see 'gdl --help')\n", a);
            return EXIT_USAGE;
        } else if (nfiles == FMT_MAX_FILES) {
            fprintf(stderr, "gdl: too many files (at most %d)\n(see 'gdl --help')\n", FMT_MAX_FILES);
            return EXIT_USAGE;
        } else {
            files[nfiles++] = a;
        }
    }
    if (nfiles < 1) {
        fprintf(stderr, "gdl: fmt needs at least one file ('-' for standard input)\n(see 'gdl --help')\n");
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    for (int i = 0; i < nfiles; i++) {
        int r = fmt_one(files[i], mode);
        if (r > rc)
            rc = r;
    }
    return rc;
}
