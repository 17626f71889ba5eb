/* main.c - the `gdl` command: check, build, run, test, disasm.
 * Exit codes: 0 ok; 1 errors in the input (guideline, case) or failing
 * tests; 2 usage; 3 I/O or internal error. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "advice.h"
#include "analysis.h"
#include "bcfile.h"
#include "case_json.h"
#include "compile.h"
#include "compare.h"
#include "coverage.h"
#include "diff.h"
#include "disasm.h"
#include "doc.h"
#include "explain.h"
#include "fmt.h"
#include "gdl.h"
#include "test_runner.h"
#include "verify.h"
#include "vm.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };
/* A batch line is a case: the same limit, on its bytes without the line
 * break ("\n" or "\r\n"), whatever the lines before it. */
enum { MAX_PARAMS_ON_CLI = 64, MAX_CASE_BYTES = 1 << 20, MAX_BATCH_LINE = MAX_CASE_BYTES };

#ifndef GDL_STDLIB_DIR
#define GDL_STDLIB_DIR "/usr/local/share/gdl/stdlib"
#endif

static const char USAGE[] =
    "usage: gdl <command> [options] [files]\n"
    "\n"
    "commands:\n"
    "  check FILE.gdl...              compile and report errors (exit 1 if any); --format text|json|sarif\n"
    "  build FILE.gdl -o OUT.gdlb     compile to verified bytecode\n"
    "  run GUIDELINE CASE.json|-      evaluate one case (GUIDELINE is .gdl or .gdlb)\n"
    "  run --batch GUIDELINE          JSON Lines on stdin, one result line per input line\n"
    "  explain GUIDELINE CASE [KIND:ID...]  why: each condition as a tree with the case's values\n"
    "                                 (no KIND:ID: what fired, and the classifications)\n"
    "  test FILE.gdl...               run the guideline's own test blocks\n"
    "  test --coverage FILE.gdl...    and what they cover: outcomes, table rows, thresholds\n"
    "                                 (--format json for CI)\n"
    "  test --cases FILE.gdl...       print each test's given case as a line of JSON\n"
    "  test --param NAME=VALUE ...    run the tests with that parameter (each test's own 'param' wins)\n"
    "  test --lang LANG ...           explain failed tests in LANG (default en; nl, en or a declared one)\n"
    "  disasm FILE.gdlb|FILE.gdl      show the bytecode with source lines\n"
    "  verify FILE.gdl...             prove properties, find dead and contradictory rules\n"
    "  cases --boundary FILE.gdl      JSON Lines: every threshold at its edges, every enum value once\n"
    "  diff OLD NEW                   semantic diff of two versions (.gdl or .gdlb); exit 1 when they differ\n"
    "                                 --cases FILE.jsonl, --boundary: run both and count what changes\n"
    "                                 --examples N (default 3), --format text|json\n"
    "  compare GUIDELINE... CASE.json run several guidelines on one case, side by side, conflicts marked\n"
    "                                 --batch (CASE is JSON Lines: a summary), --format text|json\n"
    "  doc FILE.gdl                   a Markdown summary: header, parameters, outcomes by section\n"
    "  fmt [-w|--check] FILE.gdl...   print in the canonical layout; -w rewrites, --check names the\n"
    "                                 files that are not formatted (exit 1)\n"
    "\n"
    "run options:\n"
    "  --format json|text|html|cds-hooks  output (default json); html: a page for the\n"
    "                                 patient record, cds-hooks: CDS Hooks 2.0 cards\n"
    "  --lang LANG                    language of advice texts: nl, en or one the header declares (default nl)\n"
    "  --detail summary|full          text: the summary (default) or every item\n"
    "  --ids                          text: each item's id as well\n"
    "  --param NAME=VALUE             override a guideline parameter (range-checked)\n"
    "  --stats                        with --batch: cases, errors, time and rate on stderr\n"
    "  --why                          text: add why each red flag, exclusion, referral and\n"
    "                                 classification came out as it did (see explain)\n"
    "  --jobs N                       with --batch: N threads (default 1, 0: one per processor);\n"
    "                                 the same output, in input order\n"
    "\n"
    "explain options: --format text|json, --lang LANG, --ids, --param NAME=VALUE,\n"
    "  --depth N (levels of derived facts shown inside a condition, default 2)\n"
    "\n"
    "verify options:\n"
    "  --format text|json|sarif       output (default text)\n"
    "  --counterexamples DIR          write each counterexample as a case file into DIR\n"
    "  --timing                       report the time taken (output is otherwise the same every run)\n"
    "\n"
    "  --help, --version\n"
    "\n"
    "Modules are found in the importing file's directory, then in each directory of GDL_PATH\n"
    "(colon-separated, at most 16), then in the\n"
    "stdlib next to the gdl binary (../stdlib or ../share/gdl/stdlib), then in\n" GDL_STDLIB_DIR ".\n"
    "Exit status: 0 ok, 1 errors in the input or failing tests, 2 usage, 3 I/O or internal error.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "gdl: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'gdl --help')\n");
    return EXIT_USAGE;
}

/* A file argument of check, test or verify: an option the command does not
 * know, or one file more than MAX_FILE_ARGS, is a usage error. */
#define MAX_FILE_ARGS 256
static int take_file(const char *command, const char *arg, const char **files, int *nfiles)
{
    if (arg[0] == '-' && arg[1]) {
        fprintf(stderr, "gdl: unknown %s option '%s'\n(see 'gdl --help')\n", command, arg);
        return EXIT_USAGE;
    }
    if (*nfiles == MAX_FILE_ARGS)
        return usage_error("too many files (at most 256)%s", "");
    files[(*nfiles)++] = arg;
    return EXIT_OK;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static const char *argv0;

/* GDL_PATH first, then the stdlib next to the binary, then the built-in one.
 * A GDL_PATH the compiler cannot search whole is a usage error: skipping an
 * entry could silently pick up another copy of a module. */
static int add_search_dirs(Compiler *c)
{
    const char *env = getenv("GDL_PATH");
    unsigned entries = 0;
    for (const char *p = env; p && *p; ) {
        size_t n = strcspn(p, ":");
        if (n > 0) {
            if (++entries > COMPILE_MAX_PATH_DIRS) {
                fprintf(stderr, "gdl: GDL_PATH names more than %d directories\n", COMPILE_MAX_PATH_DIRS);
                return EXIT_USAGE;
            }
            char dir[2048];
            if (n >= sizeof dir) {
                fprintf(stderr, "gdl: GDL_PATH entry %u is longer than %zu bytes\n", entries, sizeof dir - 1);
                return EXIT_USAGE;
            }
            memcpy(dir, p, n);
            dir[n] = '\0';
            compiler_add_search_dir(c, dir);
        }
        p += n + (p[n] == ':');
    }
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    if (slash) {
        char dir[2048];
        int n = (int)(slash - argv0);
        snprintf(dir, sizeof dir, "%.*s/../stdlib", n, argv0);
        compiler_add_search_dir(c, dir);
        snprintf(dir, sizeof dir, "%.*s/../share/gdl/stdlib", n, argv0);
        compiler_add_search_dir(c, dir);
    }
    compiler_add_search_dir(c, GDL_STDLIB_DIR);
    return EXIT_OK;
}

/* Reads a whole file (or stdin for "-") up to max bytes; -1 on I/O error,
 * -2 when larger than max. */
static int read_all(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    int rc = 0;
    while (buf) {
        if (n == cap) {
            if (cap > max) {
                rc = -2;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                rc = -1;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = -1;
            break;
        }
    }
    if (!buf)
        rc = -1;
    if (rc == 0 && n > max)
        rc = -2;
    if (f != stdin)
        fclose(f);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return 0;
}

/* Compiles source to bytes: the same path for build and run, so a program
 * that runs from source is exactly what the .gdlb would hold. */
static int compile_to_bytes(Compiler *c, const char *path, ByteBuf *bytes)
{
    int rc = add_search_dirs(c);
    if (rc != EXIT_OK)
        return rc;
    Arena out;
    arena_init(&out, 0);
    GdlProgram *p = compile_file(c, path, &out);
    if (!p)
        rc = c->diag.errors ? EXIT_INPUT : EXIT_IO;
    else if (gdlb_write(p, bytes) != 0) {
        fprintf(stderr, "gdl: out of memory\n");
        rc = EXIT_IO;
    }
    arena_free(&out);
    return rc;
}

/* Loads a guideline (.gdl compiled, or .gdlb read) and verifies it. */
static int load_program(const char *path, Arena *arena, GdlProgram **prog)
{
    ByteBuf bytes = { 0 };
    int rc = EXIT_OK;
    if (ends_with(path, ".gdl")) {
        Compiler c;
        compiler_init(&c, stderr);
        rc = compile_to_bytes(&c, path, &bytes);
        compiler_free(&c);
        if (rc != EXIT_OK) {
            buf_free(&bytes);
            return rc;
        }
    } else {
        char *data;
        size_t len;
        int r = read_all(path, GDLB_MAX_FILE, &data, &len);
        if (r != 0) {
            fprintf(stderr, "%s: error: %s\n", path, r == -2 ? "file too large for a guideline" : strerror(errno));
            return r == -2 ? EXIT_INPUT : EXIT_IO;
        }
        bytes.data = (uint8_t *)data;
        bytes.len = len;
    }
    char err[512];
    if (gdlb_read(bytes.data, bytes.len, arena, prog, err, sizeof err) != 0 || gdl_verify(*prog, err, sizeof err) != 0) {
        fprintf(stderr, "%s: error: %s\n", path, err);
        rc = EXIT_INPUT;
    }
    buf_free(&bytes);
    return rc;
}

/* --format for check and verify; -1 (with the usage message) when unknown. */
static int report_format(const char *f, bool with_text)
{
    if (with_text && strcmp(f, "text") == 0) return REPORT_TEXT;
    if (strcmp(f, "json") == 0) return REPORT_JSON;
    if (strcmp(f, "sarif") == 0) return REPORT_SARIF;
    usage_error("--format is text, json or sarif, not '%s'", f);
    return -1;
}

static int cmd_check(int argc, char **argv)
{
    int format = REPORT_TEXT;
    const char *files[MAX_FILE_ARGS];
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            if ((format = report_format(argv[++i], true)) < 0)
                return EXIT_USAGE;
        } else if (take_file("check", argv[i], files, &nfiles) != EXIT_OK) {
            return EXIT_USAGE;
        }
    }
    if (nfiles < 1)
        return usage_error("check needs at least one file%s", "");
    int rc = EXIT_OK;
    Findings all = { 0 };
    for (int i = 0; i < nfiles; i++) {
        Compiler c;
        compiler_init(&c, stderr);
        if (format != REPORT_TEXT) {
            c.diag.sink = findings_add_diag;
            c.diag.sink_ctx = &all;
        }
        ByteBuf bytes = { 0 };
        int r = compile_to_bytes(&c, files[i], &bytes);
        if (r == EXIT_OK) {
            Arena a;
            arena_init(&a, 0);
            GdlProgram *p;
            char err[512];
            if (gdlb_read(bytes.data, bytes.len, &a, &p, err, sizeof err) != 0 || gdl_verify(p, err, sizeof err) != 0) {
                fprintf(stderr, "%s: internal error: generated bytecode rejected: %s\n", files[i], err);
                r = EXIT_IO;
            }
            arena_free(&a);
        }
        if (r > rc)
            rc = r;
        if (c.diag.errors && format == REPORT_TEXT)
            fprintf(stderr, "%s: %u error%s\n", files[i], c.diag.errors, c.diag.errors == 1 ? "" : "s");
        buf_free(&bytes);
        compiler_free(&c);
    }
    if (format == REPORT_JSON)
        report_json(&all, (const char *const *)files, (uint32_t)nfiles, 0, false, stdout);
    else if (format == REPORT_SARIF)
        report_sarif(&all, stdout);
    findings_free(&all);
    return rc;
}

static int cmd_build(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-')
            return usage_error("unknown build option '%s'", argv[i]);
        else if (!in)
            in = argv[i];
        else
            return usage_error("build takes one guideline file (got '%s' too)", argv[i]);
    }
    if (!in || !out)
        return usage_error("usage: gdl build FILE.gdl -o OUT.gdlb%s", "");
    Compiler c;
    compiler_init(&c, stderr);
    ByteBuf bytes = { 0 };
    int rc = compile_to_bytes(&c, in, &bytes);
    compiler_free(&c);
    if (rc == EXIT_OK) {
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(bytes.data, 1, bytes.len, f) != bytes.len || fclose(f) != 0) {
            fprintf(stderr, "%s: error: cannot write: %s\n", out, strerror(errno));
            rc = EXIT_IO;
        }
    }
    buf_free(&bytes);
    return rc;
}

static int cmd_disasm(int argc, char **argv)
{
    if (argc != 1)
        return usage_error("usage: gdl disasm FILE.gdlb%s", "");
    Arena a;
    arena_init(&a, 0);
    GdlProgram *p;
    int rc = load_program(argv[0], &a, &p);
    if (rc == EXIT_OK)
        gdl_disasm(p, stdout);
    arena_free(&a);
    return rc;
}

static int cmd_test(int argc, char **argv)
{
    bool coverage = false, json = false, cases_only = false;
    const char *lang = NULL;
    const char *params[MAX_PARAMS_ON_CLI];
    int nparams = 0;
    const char *files[MAX_FILE_ARGS];
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--coverage") == 0) {
            coverage = true;
        } else if (strcmp(argv[i], "--cases") == 0) {
            cases_only = true;
        } else if (strcmp(argv[i], "--param") == 0 && i + 1 < argc) {
            if (nparams == MAX_PARAMS_ON_CLI)
                return usage_error("too many --param options%s", "");
            params[nparams++] = argv[++i];
        } else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
            lang = argv[++i];       /* run_guideline_tests checks it against each guideline's languages */
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "json") && strcmp(f, "text"))
                return usage_error("--format is text or json, not '%s'", f);
            json = strcmp(f, "json") == 0;
        } else if (take_file("test", argv[i], files, &nfiles) != EXIT_OK) {
            return EXIT_USAGE;
        }
    }
    if (nfiles < 1)
        return usage_error("test needs at least one guideline file%s", "");
    if (json && !coverage)
        return usage_error("--format json is for --coverage%s", "");
    if (nparams && (cases_only || coverage))
        return usage_error("--param is for running the tests (not with --cases or --coverage)%s", "");
    if (lang && cases_only)
        return usage_error("--lang is for the explanations of failed tests (not with --cases)%s", "");
    if (cases_only && coverage)
        return usage_error("--cases prints the test cases; it does not run them (no --coverage)%s", "");
    /* With --coverage the coverage goes to stdout, the test results to stderr. */
    FILE *results = coverage ? stderr : stdout;
    unsigned passed = 0, failed = 0;
    int rc = EXIT_OK;
    for (int i = 0; i < nfiles; i++) {
        Compiler c;
        compiler_init(&c, stderr);
        c.with_row_facts = coverage;
        if (add_search_dirs(&c) != EXIT_OK) {
            compiler_free(&c);
            return EXIT_USAGE;
        }
        Arena out;
        arena_init(&out, 0);
        GdlProgram *p = compile_file(&c, files[i], &out);
        if (!p) {
            rc = EXIT_INPUT;
            failed++;
        } else if (cases_only) {
            write_test_cases(&c, stdout);
        } else {
            unsigned before = failed;
            TestRunOptions run = { .params = params, .nparams = nparams, .lang = lang };
            int r = run_guideline_tests(&c, p, &run, results, &passed, &failed);
            if (r != 0) {
                arena_free(&out);
                compiler_free(&c);
                return r == -2 ? EXIT_USAGE : EXIT_INPUT;
            }
            if (c.tests.count == 0)
                fprintf(results, "%s: no tests\n", files[i]);
            if (failed > before)
                rc = EXIT_INPUT;
            char err[512] = "";
            if (coverage && coverage_run(&c, p, files[i], json, stdout, err, sizeof err) != 0) {
                fprintf(stderr, "%s: internal error: %s\n", files[i], err);
                rc = EXIT_IO;
            }
        }
        arena_free(&out);
        compiler_free(&c);
    }
    if (!cases_only)
        fprintf(results, "guideline tests: %u passed, %u failed\n", passed, failed);
    return rc;
}

static int cmd_doc(int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-')
        return usage_error("usage: gdl doc FILE.gdl%s", "");
    Compiler c;
    compiler_init(&c, stderr);
    int rc = add_search_dirs(&c);
    Arena out;
    arena_init(&out, 0);
    if (rc == EXIT_OK) {
        if (compile_file(&c, argv[0], &out))
            doc_write(&c, stdout);
        else
            rc = EXIT_INPUT;
    }
    arena_free(&out);
    compiler_free(&c);
    return rc;
}

/* Writes each counterexample of findings [from, count) as DIR/STEM-N.json. */
static int write_counterexamples(const Findings *f, uint32_t from, const char *dir, const char *path, uint32_t *n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t stem = strlen(base) - (ends_with(base, ".gdl") ? 4 : 0);
    for (uint32_t i = from; i < f->count; i++) {
        if (!f->items[i].counterexample)
            continue;
        char out[4096];
        snprintf(out, sizeof out, "%s/%.*s-%u-%s.json", dir, (int)stem, base, ++*n, FINDING_WORD[f->items[i].kind]);
        FILE *o = fopen(out, "wb");
        if (!o || fprintf(o, "%s\n", f->items[i].counterexample) < 0 || fclose(o) != 0) {
            fprintf(stderr, "%s: error: cannot write: %s\n", out, strerror(errno));
            return EXIT_IO;
        }
    }
    return EXIT_OK;
}

static int cmd_verify(int argc, char **argv)
{
    ReportFormat format = REPORT_TEXT;
    const char *dir = NULL;
    bool timing = false;
    const char *files[MAX_FILE_ARGS];
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            int f = report_format(argv[++i], true);
            if (f < 0)
                return EXIT_USAGE;
            format = (ReportFormat)f;
        } else if (strcmp(argv[i], "--counterexamples") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (strcmp(argv[i], "--timing") == 0) {
            timing = true;
        } else if (take_file("verify", argv[i], files, &nfiles) != EXIT_OK) {
            return EXIT_USAGE;
        }
    }
    if (nfiles == 0)
        return usage_error("verify needs at least one guideline file%s", "");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    Findings all = { 0 };
    int rc = EXIT_OK;
    uint32_t written = 0;
    for (int i = 0; i < nfiles; i++) {
        Compiler c;
        compiler_init(&c, stderr);
        c.with_properties = true;
        if (format != REPORT_TEXT) {     /* compile errors become findings of kind "compile" */
            c.diag.sink = findings_add_diag;
            c.diag.sink_ctx = &all;
        }
        ByteBuf bytes = { 0 };
        int r = compile_to_bytes(&c, files[i], &bytes);
        Arena a;
        arena_init(&a, 0);
        GdlProgram *p = NULL;
        char err[512];
        if (r == EXIT_OK && (gdlb_read(bytes.data, bytes.len, &a, &p, err, sizeof err) != 0 || gdl_verify(p, err, sizeof err) != 0)) {
            fprintf(stderr, "%s: internal error: generated bytecode rejected: %s\n", files[i], err);
            r = EXIT_IO;
        }
        uint32_t from = all.count;
        if (r == EXIT_OK && analysis_run(&c, p, &all) != 0) {
            fprintf(stderr, "%s: internal error: %s\n", files[i], all.internal);
            r = EXIT_IO;
        }
        if (r == EXIT_OK && format == REPORT_TEXT)
            report_text(&all, from, &c.sources, stdout);
        if (r == EXIT_OK && dir)
            r = write_counterexamples(&all, from, dir, files[i], &written);
        if (c.diag.errors && format == REPORT_TEXT)
            fprintf(stderr, "%s: %u error%s\n", files[i], c.diag.errors, c.diag.errors == 1 ? "" : "s");
        if (r > rc)
            rc = r;
        arena_free(&a);
        buf_free(&bytes);
        compiler_free(&c);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc == EXIT_IO)
        ;   /* the verifier failed: a summary would look like a result */
    else if (format == REPORT_JSON)
        report_json(&all, files, (uint32_t)nfiles, secs, timing, stdout);
    else if (format == REPORT_SARIF)
        report_sarif(&all, stdout);
    else {
        printf("gdl verify: %u error%s, %u warning%s, %u propert%s proved, %u violated", all.errors,
               all.errors == 1 ? "" : "s", all.warnings, all.warnings == 1 ? "" : "s", all.proved,
               all.proved == 1 ? "y" : "ies", all.violated);
        if (timing)
            printf(" (%.3f s)", secs);
        printf("\n");
    }
    if (rc == EXIT_OK && all.errors)
        rc = EXIT_INPUT;
    findings_free(&all);
    return rc;
}

static int cmd_cases(int argc, char **argv)
{
    const char *file = NULL;
    bool boundary = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--boundary") == 0)
            boundary = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return usage_error("unknown cases option '%s'", argv[i]);
        else if (!file)
            file = argv[i];
        else
            return usage_error("cases takes one guideline file (got '%s' too)", argv[i]);
    }
    if (!file || !boundary)
        return usage_error("usage: gdl cases --boundary FILE.gdl%s", "");
    Arena a;
    arena_init(&a, 0);
    GdlProgram *p;
    int rc = load_program(file, &a, &p);
    char err[512];
    if (rc == EXIT_OK && analysis_boundary_cases(p, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "%s: internal error: %s\n", file, err);
        rc = EXIT_IO;
    }
    arena_free(&a);
    return rc;
}

/* --format text|json for diff and compare; -1 (with the usage message) when neither. */
static int text_or_json(const char *f)
{
    if (strcmp(f, "text") == 0 || strcmp(f, "json") == 0)
        return strcmp(f, "json") == 0;
    usage_error("--format is text or json, not '%s'", f);
    return -1;
}

/* gdl diff: the properties of a .gdl, compiled once more with them (they are
 * not in the bytecode); *known false for a .gdlb. */
static int load_properties(const char *path, DiffProperties *props, bool *known)
{
    *known = ends_with(path, ".gdl");
    if (!*known)
        return EXIT_OK;
    Compiler c;
    compiler_init(&c, stderr);
    c.with_properties = true;
    ByteBuf bytes = { 0 };
    Arena a;
    arena_init(&a, 0);
    GdlProgram *p = NULL;
    char err[512];
    int rc = compile_to_bytes(&c, path, &bytes);
    if (rc == EXIT_OK && (gdlb_read(bytes.data, bytes.len, &a, &p, err, sizeof err) != 0 || gdl_verify(p, err, sizeof err) != 0)) {
        fprintf(stderr, "%s: internal error: generated bytecode rejected: %s\n", path, err);
        rc = EXIT_IO;
    }
    if (rc == EXIT_OK && diff_properties_read(&c, p, props) != 0) {
        fprintf(stderr, "gdl: diff: out of memory\n");
        rc = EXIT_IO;
    }
    arena_free(&a);
    buf_free(&bytes);
    compiler_free(&c);
    return rc;
}

/* Exit status as diff(1): 0 the same, 1 different, 2 trouble (bad
 * guideline, cases or usage), 3 I/O or internal error. */
static int cmd_diff(int argc, char **argv)
{
    DiffOptions o = { .examples = DIFF_DEFAULT_EXAMPLES };
    const char *files[2];
    int nfiles = 0, json = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            if ((json = text_or_json(argv[++i])) < 0)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc) {
            o.cases_path = argv[++i];
        } else if (strcmp(argv[i], "--boundary") == 0) {
            o.boundary = true;
        } else if (strcmp(argv[i], "--examples") == 0 && i + 1 < argc) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || n < 0 || n > DIFF_MAX_EXAMPLES)
                return usage_error("--examples takes a number from 0 to 100, not '%s'", argv[i]);
            o.examples = (uint32_t)n;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown diff option '%s'", argv[i]);
        } else if (nfiles == 2) {
            return usage_error("diff takes two guidelines (got '%s' too)", argv[i]);
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles != 2)
        return usage_error("usage: gdl diff [--cases FILE.jsonl] [--boundary] [--format text|json] OLD NEW%s", "");
    o.old_path = files[0];
    o.new_path = files[1];
    o.json = json == 1;
    o.colour = !o.json && isatty(fileno(stdout)) && !getenv("NO_COLOR");
    Arena a;
    arena_init(&a, 0);
    GdlProgram *p[2];
    int rc = load_program(files[0], &a, &p[0]);
    if (rc == EXIT_OK)
        rc = load_program(files[1], &a, &p[1]);
    DiffProperties props[2] = { { 0 }, { 0 } };
    bool known[2] = { false, false };
    for (int s = 0; s < 2 && rc == EXIT_OK; s++) {
        rc = load_properties(files[s], &props[s], &known[s]);
        o.props[s] = known[s] ? &props[s] : NULL;
    }
    if (rc == EXIT_OK)
        rc = diff_run(p[0], p[1], &o, stdout);
    else if (rc == EXIT_INPUT)
        rc = EXIT_USAGE;    /* a guideline that does not load: trouble, not "different" */
    diff_properties_free(&props[0]);
    diff_properties_free(&props[1]);
    arena_free(&a);
    return rc;
}

/* gdl compare GUIDELINE... CASE: the last file is the case (JSON Lines with --batch). */
static int cmd_compare(int argc, char **argv)
{
    CompareOptions o = { 0 };
    const char *files[COMPARE_MAX_GUIDELINES + 1];
    int nfiles = 0, json = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            if ((json = text_or_json(argv[++i])) < 0)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--batch") == 0) {
            o.batch = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown compare option '%s'", argv[i]);
        } else if (nfiles == COMPARE_MAX_GUIDELINES + 1) {
            return usage_error("compare takes at most 16 guidelines (got '%s' too)", argv[i]);
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles < 3)
        return usage_error("usage: gdl compare [--batch] [--format text|json] GUIDELINE GUIDELINE... CASE.json%s", "");
    o.json = json == 1;
    o.colour = !o.json && isatty(fileno(stdout)) && !getenv("NO_COLOR");
    o.case_path = files[nfiles - 1];
    Arena a;
    arena_init(&a, 0);
    GdlProgram *p[COMPARE_MAX_GUIDELINES];
    int rc = EXIT_OK;
    for (int i = 0; rc == EXIT_OK && i < nfiles - 1; i++)
        rc = load_program(files[i], &a, &p[i]);
    if (rc == EXIT_OK)
        rc = compare_run((const GdlProgram *const *)p, (uint32_t)(nfiles - 1), &o, stdout);
    arena_free(&a);
    return rc;
}

typedef struct {
    AdviceOptions advice;
    const char *params[MAX_PARAMS_ON_CLI];
    int nparams;
    bool batch, stats;
    bool why;                   /* run --why, and explain */
    bool explain_only;          /* explain: the explanation instead of the result */
    ExplainOptions explain;
    const char *const *targets; /* explain: KIND:ID */
    uint32_t ntargets;
    long jobs;              /* --jobs: 1 by default, 0 for one per processor */
} RunOptions;

static int apply_params(GdlVm *vm, const RunOptions *o)
{
    for (int i = 0; i < o->nparams; i++) {
        char err[512];
        int rc = gdl_vm_set_param_arg(vm, o->params[i], err, sizeof err);
        if (rc == -2) {
            fprintf(stderr, "gdl: %s\n", err);
            return EXIT_USAGE;
        }
        if (rc != 0) {
            fprintf(stderr, "gdl: --param: %s\n", err);
            return EXIT_INPUT;
        }
    }
    return EXIT_OK;
}

static int run_one(GdlVm *vm, const RunOptions *o, const char *path)
{
    char *text;
    size_t len;
    int r = read_all(path, MAX_CASE_BYTES, &text, &len);
    if (r == -1) {
        fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
        return EXIT_IO;
    }
    GdlCaseErrors errs;
    int rc = EXIT_OK;
    if (r == -2) {
        gdl_case_errors_clear(&errs);
        errs.items[0].has_field = false;
        errs.items[0].line = errs.items[0].col = 0;
        errs.count = 1;
        snprintf(errs.items[0].message, sizeof errs.items[0].message, "case file larger than %d bytes", MAX_CASE_BYTES);
        gdl_vm_reset_case(vm);
        rc = EXIT_INPUT;
    } else {
        if (gdl_case_load_json(vm, text, len, &errs) != 0)
            rc = EXIT_INPUT;
        else
            gdl_vm_run(vm);
        free(text);
    }
    ByteBuf out = { 0 };
    if (!o->explain_only || rc != EXIT_OK)     /* explain shows a case's errors as run does */
        gdl_advice_write(vm, rc ? &errs : NULL, &o->advice, &out);
    char err[512];
    if (o->why && rc == EXIT_OK) {
        if (!o->explain_only)
            buf_putc(&out, '\n');
        if (explain_write(vm, o->targets, o->ntargets, &o->explain, &out, err, sizeof err) != 0) {
            fprintf(stderr, "gdl: %s\n", err);
            rc = EXIT_IO;
        }
    }
    fwrite(out.data, 1, out.len, stdout);
    buf_free(&out);
    return rc;
}

/* Reads stdin in large blocks and hands out one line at a time, without its
 * '\n' (and without a '\r' before it). A line longer than MAX_BATCH_LINE is
 * consumed to its end and reported as too long, wherever it starts in the
 * buffer; nothing is ever skipped. */
typedef struct {
    char *buf;
    size_t cap, start, end;     /* unread bytes are buf[start, end) */
    bool eof;
} LineReader;

enum { LINE_READ_BLOCK = 1 << 16 };

/* 1: a line in (*line, *len) or *too_long; 0: end of input. */
static int next_line(LineReader *r, char **line, size_t *len, bool *too_long)
{
    *too_long = false;
    size_t scanned = r->start;
    for (;;) {
        char *nl = memchr(r->buf + scanned, '\n', r->end - scanned);
        if (nl) {
            *line = r->buf + r->start;
            *len = (size_t)(nl - *line);
            r->start = (size_t)(nl - r->buf) + 1;
            break;
        }
        if (r->eof) {
            if (r->start == r->end)
                return 0;
            *line = r->buf + r->start;      /* a last line without '\n' */
            *len = r->end - r->start;
            r->start = r->end;
            break;
        }
        if (r->end - r->start > MAX_BATCH_LINE + 1) {     /* + 1: a '\r' may still come off */
            /* Too long: drop what we have and skip to the end of the line. */
            *too_long = true;
            r->start = r->end = 0;
            for (;;) {
                size_t got = fread(r->buf, 1, r->cap, stdin);
                if (got == 0) {
                    r->eof = true;
                    *len = 0;
                    return 1;
                }
                char *end = memchr(r->buf, '\n', got);
                if (end) {
                    r->start = (size_t)(end - r->buf) + 1;
                    r->end = got;
                    *len = 0;
                    return 1;
                }
            }
        }
        if (r->start > 0) {         /* keep the partial line at the front */
            memmove(r->buf, r->buf + r->start, r->end - r->start);
            r->end -= r->start;
            r->start = 0;
        }
        scanned = r->end;
        size_t got = fread(r->buf + r->end, 1, r->cap - r->end, stdin);
        if (got == 0)
            r->eof = true;
        r->end += got;
    }
    if (*len && (*line)[*len - 1] == '\r')
        (*len)--;                   /* CRLF files */
    if (*len > MAX_BATCH_LINE) {    /* whole in the buffer, but too long all the same */
        *too_long = true;
        *len = 0;
    }
    return 1;
}

/* A line of JSON whitespace only (the '\n' is gone): no case in it, the
 * same as an empty line (not "unexpected end of input"). */
static bool blank(const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

/* A line that holds no case: one error, not tied to a position. */
static void line_error(GdlVm *vm, GdlCaseErrors *errs, const char *message)
{
    gdl_vm_reset_case(vm);
    errs->count = 1;
    errs->items[0].has_field = false;
    errs->items[0].line = errs->items[0].col = 0;
    snprintf(errs->items[0].message, sizeof errs->items[0].message, "%s", message);
}

/* Evaluates batch line `lineno` and appends its result line to out; true
 * when it failed (a status "error" result). The one path for every --jobs. */
static bool batch_case(GdlVm *vm, GdlCaseErrors *errs, AdviceOptions *opt, const char *line, size_t n,
                       bool too_long, long lineno, ByteBuf *out)
{
    gdl_case_errors_clear(errs);
    bool failed = true;
    if (too_long) {
        char message[64];
        snprintf(message, sizeof message, "line longer than %d bytes", MAX_BATCH_LINE);
        line_error(vm, errs, message);
    } else if (blank(line, n)) {
        line_error(vm, errs, "blank line: expected a case (one JSON object per line)");
    } else if (gdl_case_load_json(vm, line, n, errs) == 0) {
        gdl_vm_run(vm);
        failed = false;
    }
    opt->batch_line = lineno;
    gdl_advice_write(vm, failed ? errs : NULL, opt, out);
    return failed;
}

/* The end of a batch, whatever --jobs: --stats, then the exit status. */
static int batch_finish(const RunOptions *o, long lineno, long errors, const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fflush(stdout);
    bool read_error = ferror(stdin);
    if (o->stats) {
        double secs = (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
        fprintf(stderr, "gdl: %ld cases, %ld errors, %.3f s, %.0f cases/s\n", lineno, errors, secs,
                secs > 0 ? (double)lineno / secs : 0.0);
    }
    if (ferror(stdout) || read_error) {
        fprintf(stderr, "gdl: %s\n", read_error ? "error reading standard input" : "error writing standard output");
        return EXIT_IO;
    }
    return errors ? EXIT_INPUT : EXIT_OK;
}

/* One result line per input line, always: a blank, over-long or corrupt line
 * gives a status "error" result with its line number. */
static int run_batch(GdlVm *vm, RunOptions *o)
{
    LineReader reader = { .cap = MAX_BATCH_LINE + 2 + LINE_READ_BLOCK };
    reader.buf = malloc(reader.cap);
    ByteBuf out = { 0 };
    GdlCaseErrors *errs = malloc(sizeof *errs);
    if (!reader.buf || !errs) {
        free(reader.buf);
        free(errs);
        fprintf(stderr, "gdl: out of memory\n");
        return EXIT_IO;
    }
    long lineno = 0, errors = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    o->advice.format = ADVICE_JSON;
    char *line;
    size_t n;
    bool too_long;
    while (next_line(&reader, &line, &n, &too_long)) {
        lineno++;
        errors += batch_case(vm, errs, &o->advice, line, n, too_long, lineno, &out);
        if (out.len >= LINE_READ_BLOCK) {   /* write in blocks, not per case */
            fwrite(out.data, 1, out.len, stdout);
            out.len = 0;
        }
    }
    if (out.len)    /* an empty input leaves the buffer unallocated */
        fwrite(out.data, 1, out.len, stdout);
    free(reader.buf);
    free(errs);
    buf_free(&out);
    return batch_finish(o, lineno, errors, &t0);
}

/* ---- run --batch --jobs N: worker threads ----------------------------------
 * The main thread reads lines into chunks and writes the chunks' results in
 * input order; each worker takes the next ready chunk and evaluates it with
 * its own VM (the program is shared, read-only). A ring of
 * BATCH_CHUNKS_PER_JOB chunks per worker bounds the memory: reading waits
 * while the oldest chunk is still being evaluated. Each line goes through
 * batch_case as with one job, so the output is the same bytes. */
enum {
    BATCH_MAX_JOBS = 64,
    BATCH_CHUNK_LINES = 256,        /* a few milliseconds of work: locking stays negligible */
    BATCH_CHUNK_BYTES = 1 << 16,    /* of input; a longer line still goes whole */
    BATCH_CHUNKS_PER_JOB = 4,
};

typedef enum { CHUNK_FREE, CHUNK_READY, CHUNK_BUSY, CHUNK_DONE } ChunkState;

typedef struct {
    ChunkState state;
    long first_line;
    uint32_t nlines;
    size_t off[BATCH_CHUNK_LINES + 1];  /* line i is in[off[i], off[i + 1]) */
    bool too_long[BATCH_CHUNK_LINES];
    ByteBuf in, out;
    long errors;
} BatchChunk;

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t ready;       /* a chunk to evaluate, or the end of the input */
    pthread_cond_t done;        /* a chunk evaluated */
    BatchChunk *chunks;
    uint32_t nchunks;
    uint64_t filled, taken;     /* chunks handed to the workers, taken by them */
    bool end;
} BatchRing;

typedef struct {
    BatchRing *ring;
    GdlVm vm;
    GdlCaseErrors errs;
    AdviceOptions advice;
    pthread_t thread;
} BatchWorker;

static void *batch_worker(void *arg)
{
    BatchWorker *w = arg;
    BatchRing *r = w->ring;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        while (r->taken == r->filled && !r->end)
            pthread_cond_wait(&r->ready, &r->lock);
        if (r->taken == r->filled) {
            pthread_mutex_unlock(&r->lock);
            return NULL;
        }
        BatchChunk *c = &r->chunks[r->taken++ % r->nchunks];
        c->state = CHUNK_BUSY;
        pthread_mutex_unlock(&r->lock);
        c->out.len = 0;
        c->errors = 0;
        for (uint32_t i = 0; i < c->nlines; i++)
            c->errors += batch_case(&w->vm, &w->errs, &w->advice, (const char *)c->in.data + c->off[i],
                                    c->off[i + 1] - c->off[i], c->too_long[i], c->first_line + i, &c->out);
        pthread_mutex_lock(&r->lock);
        c->state = CHUNK_DONE;
        pthread_cond_signal(&r->done);
        pthread_mutex_unlock(&r->lock);
    }
}

/* Reads lines into c until it is full; false at the end of the input. */
static bool fill_chunk(LineReader *reader, BatchChunk *c, long *lineno)
{
    c->nlines = 0;
    c->in.len = 0;
    c->first_line = *lineno + 1;
    c->off[0] = 0;
    char *line;
    size_t n;
    bool too_long;
    while (c->nlines < BATCH_CHUNK_LINES && c->in.len < BATCH_CHUNK_BYTES) {
        if (!next_line(reader, &line, &n, &too_long))
            return false;
        if (n)
            buf_put(&c->in, line, n);
        c->too_long[c->nlines++] = too_long;
        c->off[c->nlines] = c->in.len;
        ++*lineno;
    }
    return true;
}

static int run_batch_jobs(const GdlProgram *p, RunOptions *o, unsigned jobs)
{
    o->advice.format = ADVICE_JSON;
    BatchRing ring = { .nchunks = jobs * BATCH_CHUNKS_PER_JOB };
    LineReader reader = { .cap = MAX_BATCH_LINE + 2 + LINE_READ_BLOCK };
    reader.buf = malloc(reader.cap);
    ring.chunks = calloc(ring.nchunks, sizeof *ring.chunks);
    BatchWorker *workers = calloc(jobs, sizeof *workers);
    unsigned ready = 0, started = 0;
    int rc = EXIT_OK;
    if (!reader.buf || !ring.chunks || !workers)
        rc = EXIT_IO;
    for (; rc == EXIT_OK && ready < jobs; ready++) {
        workers[ready] = (BatchWorker){ .ring = &ring, .advice = o->advice };
        if (gdl_vm_init(&workers[ready].vm, p) != 0) {
            rc = EXIT_IO;
            break;
        }
        if ((rc = apply_params(&workers[ready].vm, o)) != EXIT_OK) {
            gdl_vm_free(&workers[ready].vm);
            break;
        }
    }
    if (rc == EXIT_IO)
        fprintf(stderr, "gdl: out of memory\n");
    pthread_mutex_init(&ring.lock, NULL);
    pthread_cond_init(&ring.ready, NULL);
    pthread_cond_init(&ring.done, NULL);
    for (; rc == EXIT_OK && started < jobs; started++)
        if (pthread_create(&workers[started].thread, NULL, batch_worker, &workers[started]) != 0) {
            fprintf(stderr, "gdl: cannot start %u threads\n", jobs);
            rc = EXIT_IO;
        }
    long lineno = 0, errors = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t written = 0;
    bool more = rc == EXIT_OK, failed_alloc = false;
    pthread_mutex_lock(&ring.lock);
    while (rc == EXIT_OK) {
        /* Write every evaluated chunk at the head of the ring, in order. */
        BatchChunk *head = &ring.chunks[written % ring.nchunks];
        if (written < ring.filled && head->state == CHUNK_DONE) {
            pthread_mutex_unlock(&ring.lock);
            fwrite(head->out.data, 1, head->out.len, stdout);
            errors += head->errors;
            failed_alloc |= head->in.failed || head->out.failed;
            pthread_mutex_lock(&ring.lock);
            head->state = CHUNK_FREE;
            written++;
            continue;
        }
        if (!more && written == ring.filled)
            break;
        if (!more || ring.filled - written == ring.nchunks || failed_alloc) {
            if (failed_alloc && more) {     /* stop reading; let the workers finish */
                more = false;
                ring.end = true;
                pthread_cond_broadcast(&ring.ready);
            }
            pthread_cond_wait(&ring.done, &ring.lock);
            continue;
        }
        /* Read the next chunk; the workers do not touch a free chunk. */
        BatchChunk *c = &ring.chunks[ring.filled % ring.nchunks];
        pthread_mutex_unlock(&ring.lock);
        more = fill_chunk(&reader, c, &lineno);
        pthread_mutex_lock(&ring.lock);
        if (c->nlines) {
            c->state = CHUNK_READY;
            ring.filled++;
            pthread_cond_signal(&ring.ready);
        }
        if (!more) {
            ring.end = true;
            pthread_cond_broadcast(&ring.ready);
        }
    }
    ring.end = true;
    pthread_cond_broadcast(&ring.ready);
    pthread_mutex_unlock(&ring.lock);
    for (unsigned i = 0; i < started; i++)
        pthread_join(workers[i].thread, NULL);
    for (unsigned i = 0; i < ready; i++)
        gdl_vm_free(&workers[i].vm);
    for (uint32_t i = 0; ring.chunks && i < ring.nchunks; i++) {
        buf_free(&ring.chunks[i].in);
        buf_free(&ring.chunks[i].out);
    }
    pthread_cond_destroy(&ring.done);
    pthread_cond_destroy(&ring.ready);
    pthread_mutex_destroy(&ring.lock);
    free(ring.chunks);
    free(workers);
    free(reader.buf);
    if (failed_alloc) {
        fprintf(stderr, "gdl: out of memory\n");
        return EXIT_IO;
    }
    return rc == EXIT_OK ? batch_finish(o, lineno, errors, &t0) : rc;
}

static int run_with(RunOptions *o, const char *guideline, const char *case_path);

static int cmd_run(int argc, char **argv)
{
    RunOptions o = { .advice = { ADVICE_JSON_PRETTY, "nl", 0 }, .jobs = 1 };
    const char *files[2];
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "json") == 0) o.advice.format = ADVICE_JSON_PRETTY;
            else if (strcmp(f, "text") == 0) o.advice.format = ADVICE_TEXT;
            else if (strcmp(f, "html") == 0) o.advice.format = ADVICE_HTML;
            else if (strcmp(f, "cds-hooks") == 0) o.advice.format = ADVICE_CDS;
            else return usage_error("--format is json, text, html or cds-hooks, not '%s'", f);
        } else if (strcmp(a, "--lang") == 0 && i + 1 < argc) {
            o.advice.lang = argv[++i];     /* run_with checks it against the guideline's languages */
        } else if (strcmp(a, "--detail") == 0 && i + 1 < argc) {
            const char *d = argv[++i];
            if (strcmp(d, "summary") && strcmp(d, "full"))
                return usage_error("--detail is summary or full, not '%s'", d);
            o.advice.detail_full = strcmp(d, "full") == 0;
        } else if (strcmp(a, "--ids") == 0) {
            o.advice.ids = true;
        } else if (strcmp(a, "--param") == 0 && i + 1 < argc) {
            if (o.nparams == MAX_PARAMS_ON_CLI)
                return usage_error("too many --param options%s", "");
            o.params[o.nparams++] = argv[++i];
        } else if (strcmp(a, "--batch") == 0) {
            o.batch = true;
        } else if (strcmp(a, "--stats") == 0) {
            o.stats = true;
        } else if (strcmp(a, "--why") == 0) {
            o.why = true;
        } else if (strcmp(a, "--jobs") == 0 && i + 1 < argc) {
            char *end;
            const char *j = argv[++i];
            errno = 0;
            o.jobs = strtol(j, &end, 10);
            if (end == j || *end || errno || o.jobs < 0 || o.jobs > BATCH_MAX_JOBS)
                return usage_error("--jobs takes a number of threads from 0 (one per processor) to 64, not '%s'", j);
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown run option '%s'", a);
        } else if (nfiles < 2) {
            files[nfiles++] = a;
        } else {
            return usage_error("run takes a guideline and a case, not '%s' too", a);
        }
    }
    if (o.jobs != 1 && !o.batch)
        return usage_error("--jobs is for --batch%s", "");
    if (o.jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        o.jobs = cores < 1 ? 1 : cores > BATCH_MAX_JOBS ? BATCH_MAX_JOBS : cores;
    }
    if (nfiles < 1 || (!o.batch && nfiles != 2) || (o.batch && nfiles != 1))
        return usage_error(o.batch ? "usage: gdl run --batch GUIDELINE < cases.jsonl%s"
                                   : "usage: gdl run GUIDELINE CASE.json|-%s", "");
    if (o.why && (o.advice.format != ADVICE_TEXT || o.batch))
        return usage_error("--why is for --format text; the JSON result keeps the advice format "
                           "(use 'gdl explain --format json')%s", "");
    o.explain = (ExplainOptions){ .lang = NULL, .ids = o.advice.ids, .depth = EXPLAIN_DEFAULT_DEPTH };
    return run_with(&o, files[0], files[1]);
}

/* Loads the guideline, sets the parameters and runs (run_one or run_batch). */
static int run_with(RunOptions *o, const char *guideline, const char *case_path)
{
    Arena a;
    arena_init(&a, 0);
    GdlProgram *p;
    int rc = load_program(guideline, &a, &p);
    char err[512];
    if (rc == EXIT_OK && (!gdl_language_check(p, o->advice.lang, err, sizeof err)
                          || explain_check_targets(p, o->targets, o->ntargets, err, sizeof err) != 0)) {
        fprintf(stderr, "gdl: %s\n", err);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK && o->batch && o->jobs > 1) {
        rc = run_batch_jobs(p, o, (unsigned)o->jobs);
    } else if (rc == EXIT_OK) {
        GdlVm vm;
        if (gdl_vm_init(&vm, p) != 0) {
            fprintf(stderr, "gdl: out of memory\n");
            rc = EXIT_IO;
        } else {
            o->explain.lang = o->explain.lang ? o->explain.lang : o->advice.lang;
            rc = apply_params(&vm, o);
            if (rc == EXIT_OK)
                rc = o->batch ? run_batch(&vm, o) : run_one(&vm, o, case_path);
            gdl_vm_free(&vm);
        }
    }
    arena_free(&a);
    return rc;
}

/* gdl explain GUIDELINE CASE [KIND:ID...]: run's options that apply, and
 * --depth; the explanation instead of the result. */
static int cmd_explain(int argc, char **argv)
{
    _Static_assert(EXPLAIN_MAX_DEPTH == 16, "the --depth message names the limit");
    RunOptions o = { .advice = { ADVICE_TEXT, "nl", 0 }, .why = true, .explain_only = true };
    o.explain = (ExplainOptions){ .depth = EXPLAIN_DEFAULT_DEPTH };
    const char *files[2];
    const char **targets = calloc((size_t)argc + 1, sizeof *targets);
    int nfiles = 0, rc = EXIT_OK;
    if (!targets) {
        fprintf(stderr, "gdl: out of memory\n");
        return EXIT_IO;
    }
    for (int i = 0; i < argc && rc == EXIT_OK; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "json") && strcmp(f, "text"))
                rc = usage_error("--format is text or json, not '%s'", f);
            o.explain.json = strcmp(f, "json") == 0;
            o.advice.format = o.explain.json ? ADVICE_JSON_PRETTY : ADVICE_TEXT;
        } else if (strcmp(a, "--lang") == 0 && i + 1 < argc) {
            o.advice.lang = argv[++i];     /* run_with checks it against the guideline's languages */
        } else if (strcmp(a, "--ids") == 0) {
            o.explain.ids = true;
        } else if (strcmp(a, "--depth") == 0 && i + 1 < argc) {
            const char *d = argv[++i];
            char *end;
            long v = strtol(d, &end, 10);
            if (!(*d >= '0' && *d <= '9') || *end || v > EXPLAIN_MAX_DEPTH)
                rc = usage_error("--depth is a whole number from 0 to 16, not '%s'", d);
            o.explain.depth = (uint32_t)v;
        } else if (strcmp(a, "--param") == 0 && i + 1 < argc) {
            if (o.nparams == MAX_PARAMS_ON_CLI)
                rc = usage_error("too many --param options%s", "");
            else
                o.params[o.nparams++] = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            rc = usage_error("unknown explain option '%s'", a);
        } else if (nfiles < 2) {
            files[nfiles++] = a;
        } else {
            targets[o.ntargets++] = a;
        }
    }
    if (rc == EXIT_OK && nfiles != 2)
        rc = usage_error("usage: gdl explain GUIDELINE CASE.json|- [KIND:ID...]%s", "");
    o.targets = targets;
    if (rc == EXIT_OK)
        rc = run_with(&o, files[0], files[1]);
    free(targets);
    return rc;
}

int main(int argc, char **argv)
{
    argv0 = argv[0];
    if (argc < 2)
        return usage_error("no command given%s", "");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(USAGE, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        int major, minor;
        const char *lib = gdl_version(&major, &minor);     /* the library linked, which may differ */
        printf("gdl %s (library %s, bytecode format %d.%d)\n", GDL_VERSION_STRING, lib, major, minor);
        return EXIT_OK;
    }
    int n = argc - 2;
    char **rest = argv + 2;
    if (strcmp(cmd, "check") == 0) return cmd_check(n, rest);
    if (strcmp(cmd, "build") == 0) return cmd_build(n, rest);
    if (strcmp(cmd, "run") == 0) return cmd_run(n, rest);
    if (strcmp(cmd, "explain") == 0) return cmd_explain(n, rest);
    if (strcmp(cmd, "test") == 0) return cmd_test(n, rest);
    if (strcmp(cmd, "disasm") == 0) return cmd_disasm(n, rest);
    if (strcmp(cmd, "verify") == 0) return cmd_verify(n, rest);
    if (strcmp(cmd, "cases") == 0) return cmd_cases(n, rest);
    if (strcmp(cmd, "diff") == 0) return cmd_diff(n, rest);
    if (strcmp(cmd, "compare") == 0) return cmd_compare(n, rest);
    if (strcmp(cmd, "fmt") == 0) return fmt_command(n, rest);
    if (strcmp(cmd, "doc") == 0) return cmd_doc(n, rest);
    return usage_error("unknown command '%s'", cmd);
}
