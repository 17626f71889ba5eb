/* bench_eval.c - in-process timings for `make bench`: what the gdl command's
 * wall clock cannot separate (process start, file I/O, JSON output piping).
 *   bench_eval compile REPEAT STDLIB GUIDELINE...   compile + serialize, per file
 *   bench_eval run GUIDELINE STDLIB CASES.jsonl [PASSES]
 *       per case: parse + load, evaluate, write the advice JSON (to memory)
 * Output is `key value` lines for tests/bench/bench.sh. It links the same
 * libraries as bin/gdl and changes nothing in them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advice.h"
#include "bcfile.h"
#include "case_json.h"
#include "compile.h"
#include "opcodes.h"
#include "verify.h"
#include "vm.h"

enum {
    BENCH_MAX_PASSES = 20,
    BENCH_EVAL_REPEAT = 10,     /* evaluations of each loaded case, for eval alone */
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* What `gdl build` does short of writing the file: 0 or -1. */
static int compile_once(const char *path, const char *stdlib, ByteBuf *bytes)
{
    Compiler c;
    compiler_init(&c, stderr);
    compiler_add_search_dir(&c, stdlib);
    Arena out;
    arena_init(&out, 0);
    GdlProgram *p = compile_file(&c, path, &out);
    int rc = p && gdlb_write(p, bytes) == 0 ? 0 : -1;
    arena_free(&out);
    compiler_free(&c);
    return rc;
}

static int cmd_compile(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    int repeat = atoi(argv[0]);
    const char *stdlib = argv[1];
    double total = 0;
    for (int i = 2; i < argc; i++) {
        double best = 1e9, sum = 0;
        for (int r = 0; r < repeat; r++) {
            ByteBuf bytes = { 0 };
            double t0 = now_s();
            int rc = compile_once(argv[i], stdlib, &bytes);
            double t = now_s() - t0;
            buf_free(&bytes);
            if (rc != 0) {
                fprintf(stderr, "bench_eval: %s does not compile\n", argv[i]);
                return 1;
            }
            sum += t;
            if (t < best)
                best = t;
        }
        printf("compile_ms %s %.3f %.3f\n", argv[i], 1e3 * sum / repeat, 1e3 * best);
        total += sum / repeat;
    }
    printf("compile_ms_total %.3f\n", 1e3 * total);
    return 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static int cmd_run(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const char *guideline = argv[0], *stdlib = argv[1], *cases = argv[2];
    int passes = argc > 3 ? atoi(argv[3]) : 3;
    if (passes < 1 || passes > BENCH_MAX_PASSES)
        passes = 3;
    ByteBuf bytes = { 0 };
    if (compile_once(guideline, stdlib, &bytes) != 0) {
        fprintf(stderr, "bench_eval: %s does not compile\n", guideline);
        return 1;
    }
    Arena arena;
    arena_init(&arena, 0);
    GdlProgram *p;
    char err[512];
    if (gdlb_read(bytes.data, bytes.len, &arena, &p, err, sizeof err) != 0 || gdl_verify(p, err, sizeof err) != 0) {
        fprintf(stderr, "bench_eval: %s\n", err);
        return 1;
    }
    GdlVm vm;
    if (gdl_vm_init(&vm, p) != 0)
        return 3;
    size_t len;
    char *text = read_file(cases, &len);
    if (!text) {
        perror(cases);
        return 3;
    }
    /* Split into lines once: the passes see the same memory. */
    size_t nlines = 0, cap = 1024;
    size_t *starts = malloc(sizeof *starts * cap), *lens = malloc(sizeof *lens * cap);
    for (size_t i = 0; i < len;) {
        char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (nlines == cap) {
            cap *= 2;
            starts = realloc(starts, sizeof *starts * cap);
            lens = realloc(lens, sizeof *lens * cap);
        }
        starts[nlines] = i;
        lens[nlines++] = end - i;
        i = end + 1;
    }
    AdviceOptions opt = { .format = ADVICE_JSON, .lang = "nl" };
    ByteBuf out = { 0 };
    GdlCaseErrors errs;
    double best_load = 1e30, best_run = 1e30, best_write = 1e30, best_total = 1e30, best_eval = 1e30;
    size_t out_bytes = 0;
    long errors = 0;
    for (int pass = 0; pass < passes; pass++) {
        double load = 0, run = 0, write = 0, eval = 0;
        double start = now_s();
        out_bytes = 0;
        errors = 0;
        for (size_t i = 0; i < nlines; i++) {
            double t0 = now_s();
            int bad = gdl_case_load_json(&vm, text + starts[i], lens[i], &errs);
            double t1 = now_s();
            if (!bad)
                gdl_vm_run(&vm);
            double t2 = now_s();
            out.len = 0;
            opt.batch_line = (long)i + 1;
            gdl_advice_write(&vm, bad ? &errs : NULL, &opt, &out);
            double t3 = now_s();
            out_bytes += out.len;
            errors += bad != 0;
            load += t1 - t0;
            run += t2 - t1;
            write += t3 - t2;
        }
        double total = now_s() - start;
        /* Evaluation alone: the case loaded once, evaluated BENCH_EVAL_REPEAT times. */
        for (size_t i = 0; i < nlines; i++) {
            if (gdl_case_load_json(&vm, text + starts[i], lens[i], &errs) != 0)
                continue;
            double t0 = now_s();
            for (int r = 0; r < BENCH_EVAL_REPEAT; r++)
                gdl_vm_run(&vm);
            eval += now_s() - t0;
        }
        eval /= BENCH_EVAL_REPEAT;
#define KEEP_MIN(best, x) do { if ((x) < (best)) (best) = (x); } while (0)
        KEEP_MIN(best_load, load);
        KEEP_MIN(best_run, run);
        KEEP_MIN(best_write, write);
        KEEP_MIN(best_total, total);
        KEEP_MIN(best_eval, eval);
    }
    double n = nlines ? (double)nlines : 1;
    printf("cases %zu\n", nlines);
    printf("errors %ld\n", errors);
    printf("input_bytes_per_case %.0f\n", (double)len / n);
    printf("output_bytes_per_case %.0f\n", (double)out_bytes / n);
    printf("load_us %.3f\n", 1e6 * best_load / n);
    printf("run_us %.3f\n", 1e6 * best_run / n);
    printf("write_us %.3f\n", 1e6 * best_write / n);
    printf("eval_repeat_us %.3f\n", 1e6 * best_eval / n);
    printf("in_memory_cases_per_s %.0f\n", n / best_total);
    printf("program_facts %u\n", p->nfacts);
    printf("program_code_bytes %u\n", p->ncode);
    uint32_t insns = 0;     /* straight-line code: each runs once per case, bar skipped classify rows */
    for (uint32_t pc = 0; pc < p->ncode; pc += OP_FORMAT_SIZE[OP_INFO[p->code[pc]].format])
        insns++;
    printf("program_instructions %u\n", insns);
    printf("provenance_words %u\n", vm.words);
    free(starts);
    free(lens);
    free(text);
    buf_free(&out);
    buf_free(&bytes);
    gdl_vm_free(&vm);
    arena_free(&arena);
    return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc >= 2 && strcmp(argv[1], "compile") == 0)
        rc = cmd_compile(argc - 2, argv + 2);
    else if (argc >= 2 && strcmp(argv[1], "run") == 0)
        rc = cmd_run(argc - 2, argv + 2);
    if (rc == 2)
        fprintf(stderr, "usage: bench_eval compile REPEAT STDLIB GUIDELINE...\n"
                        "       bench_eval run GUIDELINE STDLIB CASES.jsonl [PASSES]\n");
    return rc;
}
