/* test_api.c - the public interface (gdl.h) as an embedder sees it: the
 * same advice as `gdl run` (its golden files), errors with their place,
 * verification on every load, and the allocator: every allocation failure,
 * the Nth for every N over a compile and a run, comes back as
 * GDL_ERR_NOMEM with nothing leaked (SQLite's malloc test). */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "gdl.h"
#include "unit.h"
#include "vm.h"

#define GUIDELINE "guidelines/kngf-lbp-2021.gdl"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    if (buf)
        buf[*len] = '\0';
    fclose(f);
    return buf;
}

static const gdl_options STDLIB = { .module_path = "stdlib" };

/* The evaluation of case_path equals the golden output of `gdl run`. */
static void check_like_gdl_run(gdl_evaluator *e, const char *case_path, unsigned format, const char *golden)
{
    size_t clen, glen;
    char *text = slurp(case_path, &clen), *want = slurp(golden, &glen);
    CU_ASSERT_FATAL(text && want);
    const char *out;
    size_t len;
    CU_ASSERT_EQUAL(gdl_evaluate(e, text, clen, format, "nl", &out, &len), GDL_OK);
    CU_ASSERT_FATAL(out != NULL);
    CU_ASSERT_EQUAL(len, glen);
    CU_ASSERT(len == glen && memcmp(out, want, len) == 0);
    CU_ASSERT_EQUAL(out[len], '\0');
    free(text);
    free(want);
}

static void test_run_like_cli(void)
{
    gdl_program *p;
    CU_ASSERT_EQUAL_FATAL(gdl_load_file(GUIDELINE, &STDLIB, &p), GDL_OK);
    CU_ASSERT_STRING_EQUAL(gdl_program_error(p), "");
    gdl_evaluator *a, *b;
    CU_ASSERT_EQUAL_FATAL(gdl_evaluator_new(p, &a), GDL_OK);
    CU_ASSERT_EQUAL_FATAL(gdl_evaluator_new(p, &b), GDL_OK);
    check_like_gdl_run(a, "examples/lrs-conservative.json", GDL_FORMAT_JSON, "tests/golden/run/lrs-conservative.out");
    check_like_gdl_run(b, "examples/missing-findings.json", GDL_FORMAT_TEXT,
                       "tests/golden/run/missing-findings-text-nl.out");
    /* a second evaluator over the same program keeps its own case */
    check_like_gdl_run(a, "examples/missing-findings.json", GDL_FORMAT_TEXT,
                       "tests/golden/run/missing-findings-text-nl.out");
    gdl_evaluator_free(a);
    gdl_evaluator_free(b);
    gdl_program_free(p);
}

static void test_versions(void)
{
    int major = -1, minor = -1;
    CU_ASSERT_STRING_EQUAL(gdl_version(&major, &minor), GDL_VERSION_STRING);
    CU_ASSERT_EQUAL(major, 1);
    CU_ASSERT(minor >= 4);
    CU_ASSERT_PTR_NOT_NULL(gdl_version(NULL, NULL));
    CU_ASSERT_EQUAL(GDL_VERSION_NUMBER, GDL_VERSION_MAJOR * 10000 + GDL_VERSION_MINOR * 100 + GDL_VERSION_PATCH);
}

static void test_compile_error_located(void)
{
    static const char SRC[] = UNIT_HEADER "define x = nprs >= 3\n";
    gdl_program *p;
    CU_ASSERT_EQUAL(gdl_load_source(SRC, strlen(SRC), "t.gdl", NULL, &p), GDL_ERR_INPUT);
    CU_ASSERT_FATAL(p != NULL);
    const char *err = gdl_program_error(p);
    CU_ASSERT(strncmp(err, "t.gdl:2:12: error: ", 19) == 0);
    CU_ASSERT(strstr(err, "    2 | define x = nprs >= 3\n") != NULL);
    CU_ASSERT(err[strlen(err) - 1] == '^' || err[strlen(err) - 1] == '~');
    gdl_evaluator *e = (gdl_evaluator *)&e;
    CU_ASSERT_EQUAL(gdl_evaluator_new(p, &e), GDL_ERR_USAGE);   /* nothing runs from a failed load */
    CU_ASSERT_PTR_NULL(e);
    gdl_program_free(p);
}

/* Bytecode is verified on every load: a corrupt .gdlb names the place. */
static void test_bytecode_verified(void)
{
    size_t len;
    char *bytes = slurp("tests/golden/run/format-1.2.gdlb", &len);
    CU_ASSERT_FATAL(bytes != NULL);
    gdl_program *p;
    CU_ASSERT_EQUAL(gdl_load_bytecode(bytes, len, "f.gdlb", NULL, &p), GDL_OK);
    gdl_program_free(p);
    bytes[len / 2] ^= 0x40;
    CU_ASSERT_EQUAL(gdl_load_bytecode(bytes, len, "f.gdlb", NULL, &p), GDL_ERR_INPUT);
    CU_ASSERT(strncmp(gdl_program_error(p), "f.gdlb: error: ", 15) == 0);
    gdl_program_free(p);
    CU_ASSERT_EQUAL(gdl_load_bytecode("GDLB", 4, NULL, NULL, &p), GDL_ERR_INPUT);
    CU_ASSERT(strncmp(gdl_program_error(p), "<bytecode>: error: ", 19) == 0);
    gdl_program_free(p);
    CU_ASSERT_EQUAL(gdl_load_file("no/such/file.gdlb", NULL, &p), GDL_ERR_IO);
    CU_ASSERT(strstr(gdl_program_error(p), "no/such/file.gdlb: error: cannot open") != NULL);
    gdl_program_free(p);
    free(bytes);
}

static void test_case_and_param_errors(void)
{
    gdl_program *p;
    CU_ASSERT_EQUAL_FATAL(gdl_load_file(GUIDELINE, &STDLIB, &p), GDL_OK);
    gdl_evaluator *e;
    CU_ASSERT_EQUAL_FATAL(gdl_evaluator_new(p, &e), GDL_OK);
    const char *out;
    size_t len;
    static const char BAD[] = "{\"case_id\": \"x\", \"nprs\": 11}";
    CU_ASSERT_EQUAL(gdl_evaluate(e, BAD, strlen(BAD), GDL_FORMAT_JSON_LINE, "en", &out, &len), GDL_ERR_INPUT);
    CU_ASSERT_FATAL(out != NULL);
    CU_ASSERT(strstr(out, "\"status\": \"error\"") != NULL);
    CU_ASSERT(strncmp(gdl_evaluator_error(e), "field 'nprs': ", 14) == 0);
    CU_ASSERT_EQUAL(strchr(out, '\n'), out + len - 1);      /* one line */
    static const char BROKEN[] = "{\n  \"case_id\": }";
    CU_ASSERT_EQUAL(gdl_evaluate(e, BROKEN, strlen(BROKEN), GDL_FORMAT_JSON, "en", &out, &len), GDL_ERR_INPUT);
    CU_ASSERT(strncmp(gdl_evaluator_error(e), "2:14: ", 6) == 0);
    CU_ASSERT_EQUAL(gdl_evaluate(e, "{}", 2, 7, "en", &out, &len), GDL_ERR_USAGE);
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_EQUAL(gdl_evaluate(e, "{}", 2, GDL_FORMAT_JSON, "de", &out, &len), GDL_ERR_USAGE);
    CU_ASSERT(strstr(gdl_evaluator_error(e), "'de'") != NULL);
    CU_ASSERT_EQUAL(gdl_set_param(e, "no_such_param", "1"), GDL_ERR_INPUT);
    CU_ASSERT(strstr(gdl_evaluator_error(e), "no_such_param") != NULL);
    CU_ASSERT_EQUAL(gdl_set_param(e, "severe_pain_nprs", "11"), GDL_ERR_INPUT);
    CU_ASSERT_EQUAL(gdl_set_param(e, "severe_pain_nprs", "7"), GDL_OK);
    gdl_evaluator_free(e);
    gdl_program_free(p);
}

/* The language argument: nl, en, or a language the header declares (the
 * others are refused, naming the declared ones). */
static void test_languages(void)
{
    static const struct { const char *lang; int rc; const char *in_out, *in_error; } RUNS[] = {
        { "fr", GDL_OK, "\"text\": \"Repos.\"", "" },
        { "en", GDL_OK, "\"text\": \"Rest.\"", "" },
        { "de", GDL_ERR_USAGE, NULL, "language 'de' is not one of the guideline's (language nl, en, fr;" },
    };
    gdl_program *p;
    gdl_evaluator *e = NULL;
    CU_ASSERT_FATAL(gdl_load_file("tests/golden/semantics/languages.gdl", &STDLIB, &p) == GDL_OK
                    && gdl_evaluator_new(p, &e) == GDL_OK);
    for (size_t i = 0; i < sizeof RUNS / sizeof RUNS[0]; i++) {
        const char *out;
        size_t len;
        CU_ASSERT_EQUAL(gdl_evaluate(e, "{\"nprs\": 8}", 11, GDL_FORMAT_JSON_LINE, RUNS[i].lang, &out, &len), RUNS[i].rc);
        CU_ASSERT(RUNS[i].in_out ? out && strstr(out, RUNS[i].in_out) != NULL : out == NULL);
        CU_ASSERT(strstr(gdl_evaluator_error(e), RUNS[i].in_error) != NULL);
    }
    gdl_evaluator_free(e);
    gdl_program_free(p);
}

/* ---- out of memory ---------------------------------------------------- */

typedef struct {
    long calls;         /* allocations and reallocations so far */
    long fail_at;       /* the one that fails (1-based); 0: none */
    long live;          /* blocks not freed */
} FailingAlloc;

static void *failing_alloc(void *ud, void *ptr, size_t size)
{
    FailingAlloc *f = ud;
    if (size == 0) {
        if (ptr)
            f->live--;
        free(ptr);
        return NULL;
    }
    if (++f->calls == f->fail_at)
        return NULL;
    void *r = realloc(ptr, size);
    if (r && !ptr)
        f->live++;
    return r;
}

/* Load, evaluator, parameter, one case: GDL_OK all through with want as
 * the output, or the first failing call answers GDL_ERR_NOMEM. */
static int run_all(const gdl_options *opt, const char *src, size_t srclen, const char *kase, size_t caselen,
                   char **got, size_t *gotlen)
{
    gdl_program *p;
    gdl_evaluator *e = NULL;
    const char *out = NULL;
    size_t len = 0;
    int rc = gdl_load_source(src, srclen, GUIDELINE, opt, &p);
    if (rc == GDL_OK)
        rc = gdl_evaluator_new(p, &e);
    if (rc == GDL_OK)
        rc = gdl_set_param(e, "severe_pain_nprs", "7");
    if (rc == GDL_OK)
        rc = gdl_evaluate(e, kase, caselen, GDL_FORMAT_TEXT | GDL_DETAIL_FULL, "en", &out, &len);
    if (rc == GDL_OK)
        rc = gdl_evaluate(e, kase, caselen, GDL_FORMAT_JSON, "en", &out, &len);
    if (rc == GDL_OK && got) {
        *got = malloc(len);
        memcpy(*got, out, len);
        *gotlen = len;
    }
    gdl_evaluator_free(e);
    gdl_program_free(p);
    return rc;
}

static void test_every_allocation_failure(void)
{
    size_t srclen, caselen;
    char *src = slurp(GUIDELINE, &srclen), *kase = slurp("examples/missing-findings.json", &caselen);
    CU_ASSERT_FATAL(src && kase);
    FailingAlloc f = { 0 };
    gdl_options opt = { failing_alloc, &f, "stdlib" };
    char *want;
    size_t wantlen;
    CU_ASSERT_EQUAL_FATAL(run_all(&opt, src, srclen, kase, caselen, &want, &wantlen), GDL_OK);
    CU_ASSERT_EQUAL(f.live, 0);
    long total = f.calls;
    CU_ASSERT(total > 50);      /* a compile and a run allocate: the test reaches them */
    long wrong = 0;
    for (long n = 1; n <= total; n++) {
        f = (FailingAlloc){ 0, n, 0 };
        int rc = run_all(&opt, src, srclen, kase, caselen, NULL, NULL);
        if (rc != GDL_ERR_NOMEM || f.live != 0) {
            if (wrong++ < 5)
                fprintf(stderr, "\n    allocation %ld of %ld failing: status %d, %ld blocks leaked", n, total, rc, f.live);
        }
    }
    CU_ASSERT_EQUAL(wrong, 0);
    /* one past the last: nothing fails, the same output */
    f = (FailingAlloc){ 0, total + 1, 0 };
    char *again;
    size_t againlen;
    CU_ASSERT_EQUAL(run_all(&opt, src, srclen, kase, caselen, &again, &againlen), GDL_OK);
    CU_ASSERT(againlen == wantlen && memcmp(again, want, wantlen) == 0);
    free(again);
    free(want);
    free(src);
    free(kase);
}

/* Below the API's own check: the VM's set-up reports every failure itself
 * (the labels of "missing" came out empty when one of theirs failed). */
static void test_vm_init_reports_failures(void)
{
    gdl_program *p;
    CU_ASSERT_EQUAL_FATAL(gdl_load_file(GUIDELINE, &STDLIB, &p), GDL_OK);
    const GdlProgram *prog = p->prog;
    FailingAlloc f = { 0 };
    GdlMem mem = { failing_alloc, &f };
    GdlVm vm;
    CU_ASSERT_EQUAL_FATAL(gdl_vm_init_mem(&vm, prog, &mem), 0);
    gdl_vm_free(&vm);
    long total = f.calls, wrong = 0;
    for (long n = 1; n <= total; n++) {
        f = (FailingAlloc){ 0, n, 0 };
        if (gdl_vm_init_mem(&vm, prog, &mem) == 0) {
            wrong++;
            gdl_vm_free(&vm);
        }
        wrong += f.live != 0;
    }
    CU_ASSERT_EQUAL(wrong, 0);
    gdl_program_free(p);
}

void test_api_register(void)
{
    static const UnitTest tests[] = {
        { "run_like_cli", test_run_like_cli },
        { "versions", test_versions },
        { "compile_error_located", test_compile_error_located },
        { "bytecode_verified", test_bytecode_verified },
        { "case_and_param_errors", test_case_and_param_errors },
        { "languages", test_languages },
        { "every_allocation_failure", test_every_allocation_failure },
        { "vm_init_reports_failures", test_vm_init_reports_failures },
    };
    UNIT_REGISTER("api", tests);
}
