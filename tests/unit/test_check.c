/* test_check.c - CUnit tests for the static checks (resolve.c, check.c): bad
 * texts compiled in memory, their diagnostics captured with open_memstream and
 * compared line by line (file:line:col: severity: message). Lines and columns
 * are counted by hand; line 1 is always the guideline header. */
#include <CUnit/CUnit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compile.h"
#include "unit.h"
#include "suggest.h"

#define HEADER "guideline t { title \"t\" version \"1\" status draft language en }\n"
#define HEADER_NL_EN "guideline t { title \"t\" version \"1\" status draft language nl, en }\n"

enum {
    MAX_DIAG_LINES = 64,
    WATCHDOG_SECONDS = 10,      /* a compile that takes this long is hung */
};

typedef struct {
    char *out;              /* everything printed, split into lines in place */
    size_t len;
    char *raw;              /* an untouched copy of out */
    unsigned errors;
    char *lines[MAX_DIAG_LINES];  /* the "file:line:col: severity: message" lines */
    int n;
} Diags;

/* Runs load, resolve and check like compile_file, on text in memory. */
static void diags_collect(const char *src, Diags *d)
{
    memset(d, 0, sizeof *d);
    FILE *f = open_memstream(&d->out, &d->len);
    Compiler *c = malloc(sizeof *c);
    if (!f || !c) {
        free(c);
        return;
    }
    compiler_init(c, f);
    compile_load_text(c, "t.gdl", src, strlen(src));
    if (!c->import_failed) {
        resolve_declarations(c);
        check_program(c);
    }
    d->errors = c->diag.errors;
    compiler_free(c);
    free(c);
    fclose(f);
    d->raw = strdup(d->out ? d->out : "");
    /* Caret lines start with blanks ("%5u | ", "      | "); the rest are diagnostics. */
    for (char *p = d->out; p && *p && d->n < MAX_DIAG_LINES;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (*p != ' ')
            d->lines[d->n++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
}

/* The diagnostics must be exactly `want` (as a multiset: the order in which
 * passes report is not part of the contract), and the error count must
 * match the number of "error:" lines wanted. */
static bool diags_match(const char *src, const char *const *want, int nwant)
{
    Diags d;
    diags_collect(src, &d);
    bool used[MAX_DIAG_LINES] = { false };
    bool ok = d.n == nwant;
    unsigned want_errors = 0;
    for (int i = 0; i < nwant; i++) {
        want_errors += strstr(want[i], ": error: ") != NULL;
        /* A trailing '*' matches any message after the given prefix. */
        size_t wl = strlen(want[i]);
        bool prefix = wl > 0 && want[i][wl - 1] == '*';
        bool found = false;
        for (int j = 0; j < d.n && !found; j++)
            if (!used[j] && (prefix ? strncmp(d.lines[j], want[i], wl - 1) == 0 && d.lines[j][wl - 1] != '\0'
                                    : strcmp(d.lines[j], want[i]) == 0))
                used[j] = found = true;
        if (!found) {
            fprintf(stderr, "\n    missing: %s", want[i]);
            ok = false;
        }
    }
    for (int j = 0; j < d.n; j++)
        if (!used[j]) {
            fprintf(stderr, "\n    unexpected: %s", d.lines[j]);
            ok = false;
        }
    if (d.errors != want_errors) {
        fprintf(stderr, "\n    error count %u, want %u", d.errors, want_errors);
        ok = false;
    }
    if (!ok)
        fprintf(stderr, "\n");
    free(d.out);
    free(d.raw);
    return ok;
}

#define EXPECT_DIAGS(src, ...)                                               \
    do {                                                                     \
        static const char *const want_[] = { __VA_ARGS__ };                  \
        CU_ASSERT(diags_match((src), want_, (int)(sizeof want_ / sizeof want_[0]))); \
    } while (0)

static bool no_diags(const char *src)
{
    Diags d;
    diags_collect(src, &d);
    bool ok = d.n == 0 && d.errors == 0 && d.len == 0;
    if (!ok)
        fprintf(stderr, "\n    expected a clean compile, got:\n%s\n", d.raw ? d.raw : "");
    free(d.out);
    free(d.raw);
    return ok;
}

/* ---- tests ----------------------------------------------------------- */

/* The control: everything below is an error only because of its one flaw. */
static void test_clean(void)
{
    CU_ASSERT(no_diags(HEADER
                       "unit weeks, cm\n"
                       "input a: bool\ninput dur: number [0, 100] weeks\ninput ffd: number cm\n"
                       "input nprs: int [0, 10]\n"
                       "fn f(x, y) = x and y\n"
                       "define r = f(a, dur > 6 weeks) or ffd < 30 cm or nprs >= 10\n"
                       "classify k \"S\" {\n  when a -> yes\n  otherwise -> no\n}\n"
                       "exclude e1 \"A.1\" when a\n"
                       "red_flag r1 \"B.1\" in cl -> refer_gp when a\n"
                       "refer f1 \"B.1\" -> refer_gp when a\n"
                       "advice v1 do \"C.1\" when a\n  en \"Do.\"\n"
                       "schedule s1 \"B.2\" after 3 weeks when a\n"
                       "measure m1 \"B.3\" at intake, discharge\n"));
}

static void test_unknown_name(void)
{
    const char *src = HEADER
        "input symptom_weeks: number\n"                 /* 2 */
        "define long = symptom_week > 6\n"              /* 3 */
        "define z = qqqq_zz_top\n"                      /* 4 */
        "fn double(x) = x * 2\n"                        /* 5 */
        "define y = doubel(symptom_weeks) > 1\n";       /* 6 */
    EXPECT_DIAGS(src,
                 "t.gdl:3:15: error: unknown name 'symptom_week'; did you mean 'symptom_weeks'?",
                 "t.gdl:4:12: error: unknown name 'qqqq_zz_top'",
                 "t.gdl:6:12: error: unknown function 'doubel'; did you mean 'double'?");
    /* The source line and a caret under the whole name. */
    Diags d;
    diags_collect(src, &d);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.raw ? d.raw : "",
                                  "t.gdl:3:15: error: unknown name 'symptom_week'; did you mean 'symptom_weeks'?\n"
                                  "    3 | define long = symptom_week > 6\n"
                                  "      |               ^~~~~~~~~~~~\n"));
    free(d.out);
    free(d.raw);
}

/* "Did you mean": an adjacent swap is one edit, so "wehn" finds "when" (plain
 * Levenshtein counts two, over the limit of 1 for a 4-letter name). */
static void test_edit_distance_and_suggestion(void)
{
    CU_ASSERT_EQUAL(gdl_edit_distance("wehn", 4, "when", 4), 1);
    CU_ASSERT_EQUAL(gdl_edit_distance("when", 4, "when", 4), 0);
    CU_ASSERT_EQUAL(gdl_edit_distance("kitten", 6, "sitting", 7), 3);
    CU_ASSERT_EQUAL(gdl_edit_distance("ab", 2, "ba", 2), 1);
    CU_ASSERT_EQUAL(gdl_edit_distance("abc", 3, "ca", 2), 3);      /* OSA: no edit of a swapped pair */
    static const char *const words[] = { "do", "consider", "preferably", "preferably_not", "do_not" };
    CU_ASSERT_STRING_EQUAL(gdl_suggest_word("cosnider", words, 5), "consider");
    CU_ASSERT_STRING_EQUAL(gdl_suggest_word("do_nto", words, 5), "do_not");
    CU_ASSERT_PTR_NULL(gdl_suggest_word("recommend", words, 5));
    CU_ASSERT_PTR_NULL(gdl_suggest_word("do", words, 5));            /* the word itself is no hint */
    static const char *const actions[] = { "refer_gp", "assess", "none" };
    CU_ASSERT_PTR_NULL(gdl_suggest_word("phone", actions, 3));       /* two edits, another first letter */
    CU_ASSERT_STRING_EQUAL(gdl_suggest_word("nnoe", actions, 3), "none");
    EXPECT_DIAGS(HEADER "advice a cosnider \"C.1\"\n  en \"x\"\n",
                 "t.gdl:2:10: error: unknown strength 'cosnider' (strengths: do, consider, preferably, preferably_not, do_not); did you mean 'consider'?");
    EXPECT_DIAGS(HEADER "defien x = true\n",
                 "t.gdl:2:1: error: unexpected name; did you mean 'define'?");
}

static void test_unit_mismatch(void)
{
    EXPECT_DIAGS(HEADER
                 "unit weeks, cm\n"                             /* 2 */
                 "input dur: number weeks\n"                    /* 3 */
                 "input ffd: number cm\n"                       /* 4 */
                 "define a = dur > 6\n"                         /* 5 */
                 "define b = ffd > 6 weeks\n"                   /* 6 */
                 "define c = dur + 2 cm > 1 weeks\n"            /* 7 */
                 "define d = dur > 6 weeks and ffd < 30 cm\n"   /* 8: fine */
                 "define e = dur * 2 > 1 weeks\n",              /* 9: fine */
                 "t.gdl:5:12: error: unit mismatch: cannot compare a number in weeks and a number without unit",
                 "t.gdl:6:12: error: unit mismatch: cannot compare a number in cm and a number in weeks",
                 "t.gdl:7:12: error: unit mismatch: cannot add a number in weeks and a number in cm");
}

static void test_enum_value_shadowed(void)
{
    EXPECT_DIAGS(HEADER
                 "input level: enum { low, high }\n"                    /* 2 */
                 "define high = true\n"                                  /* 3 */
                 "define low = level\n"                                  /* 4 */
                 "define a = level == high\n"                            /* 5 */
                 "define b = low != level\n"                             /* 6 */
                 "define c = level in { low, high }\n"                   /* 7 */
                 "define d = level == level\n",                          /* 8: fine */
                 "t.gdl:5:21: error: 'high' is a value of 'level' and also a declared name; rename the declaration",
                 "t.gdl:3:8: note: 'high' declared here",
                 "t.gdl:6:12: error: 'low' is a value of 'level' and also a declared name; rename the declaration",
                 "t.gdl:4:8: note: 'low' declared here",
                 "t.gdl:7:23: error: 'low' is a value of 'level' and also a declared name; rename the declaration",
                 "t.gdl:4:8: note: 'low' declared here",
                 "t.gdl:7:28: error: 'high' is a value of 'level' and also a declared name; rename the declaration",
                 "t.gdl:3:8: note: 'high' declared here");
}

static void test_literal_out_of_range(void)
{
    EXPECT_DIAGS(HEADER
                 "input nprs: int [0, 10]\n"                    /* 2 */
                 "input frac: number [0, 1)\n"                  /* 3 */
                 "define high = nprs >= 11\n"                   /* 4 */
                 "define low = -1 == nprs\n"                    /* 5 */
                 "define f = frac == 1\n"                       /* 6 */
                 "define ok = nprs >= 10 or nprs <= 0 or frac > 0\n",  /* 7: fine */
                 "t.gdl:4:23: error: 11 is outside the declared range of 'nprs' [0, 10]",
                 "t.gdl:2:7: note: 'nprs' declared here",
                 "t.gdl:5:14: error: -1 is outside the declared range of 'nprs' [0, 10]",
                 "t.gdl:2:7: note: 'nprs' declared here",
                 "t.gdl:6:20: error: 1 is outside the declared range of 'frac' [0, 1)",
                 "t.gdl:3:7: note: 'frac' declared here");
}

/* The same mistake through a define, a function parameter, coalesce and
 * arithmetic (issue 14): the checker carries ranges through them. */
static void test_range_through_expressions(void)
{
    EXPECT_DIAGS(HEADER
                 "input nprs: int [0, 10]\n"                            /* 2 */
                 "define m = nprs\n"                                    /* 3 */
                 "define high = m >= 11\n"                              /* 4 */
                 "fn over(x) = x > 12\n"                                /* 5 */
                 "define f = over(nprs)\n"                              /* 6 */
                 "define c = coalesce(nprs, 3) >= 11\n"                 /* 7 */
                 "define d = nprs * 2 in {21, 20}\n"                    /* 8 */
                 "define e = -nprs < -11\n"                             /* 9 */
                 "define ok = m >= 10 or over(nprs * 2) or coalesce(nprs, 30) >= 11 or nprs / 0.5 == 20 "
                 "or nprs / (nprs - 5) > 100\n",                        /* 10: fine */
                 "t.gdl:4:20: error: 11 is outside the range of 'm' [0, 10]",
                 "t.gdl:3:8: note: 'm' declared here",
                 "t.gdl:5:18: error: 12 is outside the range of 'x' [0, 10]",
                 "t.gdl:6:17: note: 'x' is this argument",
                 "t.gdl:7:33: error: 11 is outside the range of 'coalesce(nprs, 3)' [0, 10]",
                 "t.gdl:8:25: error: 21 is outside the range of 'nprs * 2' [0, 20]",
                 "t.gdl:9:20: error: -11 is outside the range of '-nprs' [-10, 0]");
}

/* sum(l, i, j) must not read past the declared minimum length (issue 14). */
static void test_sum_past_min_length(void)
{
    EXPECT_DIAGS(HEADER
                 "input l: list of int [0, 5] length [0, 9]\n"          /* 2 */
                 "input m: list of int [0, 5]\n"                        /* 3 */
                 "input n: list of int [0, 5] length (2, 9]\n"          /* 4 */
                 "define a = sum(l, 2, 3)\n"                            /* 5 */
                 "define b = sum(m, 1, 1)\n"                            /* 6 */
                 "define c = sum(n, 1, 4)\n"                            /* 7 */
                 "define ok = sum(n, 1, 3) + sum(l) + sum(m)\n",        /* 8: fine */
                 "t.gdl:5:12: error: sum(l, 2, 3) reads item 3, but 'l' may have 0 items (length [0, 9])",
                 "t.gdl:6:12: error: sum(m, 1, 1) reads item 1, but 'm' may have 0 items (no length declared)",
                 "t.gdl:7:12: error: sum(n, 1, 4) reads item 4, but 'n' may have 3 items (length [3, 9])");
}

/* An empty section citation cites nothing: an error like a missing one. */
static void test_empty_citation(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                              /* 2 */
                 "exclude e1 \"\" when a\n"                      /* 3 */
                 "red_flag r1 \" \" in cl -> refer_gp when a\n"   /* 4 */
                 "classify k \"\" {\n"                           /* 5 */
                 "  otherwise -> 1\n"
                 "}\n",
                 "t.gdl:3:12: error: exclusion 'e1' has an empty section citation (write the guideline section, e.g. \"B.1.3\")",
                 "t.gdl:4:13: error: red_flag 'r1' has an empty section citation (write the guideline section, e.g. \"B.1.3\")",
                 "t.gdl:5:12: error: classification 'k' has an empty section citation (write the guideline section, e.g. \"B.2\")");
}

/* The literal unknown takes the type its context expects; without one it is
 * an error, never silently a boolean (issue 14). */
static void test_unknown_typing(void)
{
    EXPECT_DIAGS(HEADER
                 "unit kg\n"                                    /* 2 */
                 "input x_kg: number kg\n"                      /* 3 */
                 "input d: date\n"                              /* 4 */
                 "define d1 = unknown\n"                        /* 5 */
                 "define d2 = unknown == unknown\n"             /* 6 */
                 "define d3 = -unknown + unknown\n"             /* 7 */
                 "define ok1 = x_kg * unknown > 3 kg\n"         /* 8: fine */
                 "define ok2 = x_kg / unknown + unknown * x_kg\n"
                 "define ok3 = unknown / x_kg < 2 and at_least(unknown, ok1, true)\n"
                 "define ok4 = unknown or (d == unknown) or coalesce(unknown, x_kg) > 1 kg\n"
                 "schedule s \"B\" after 2 weeks from unknown\n",
                 "t.gdl:5:13: error: cannot infer the type of 'unknown' here; compare it or combine it with a typed value",
                 "t.gdl:6:13: error: cannot infer the type of 'unknown' here; compare it or combine it with a typed value",
                 "t.gdl:7:13: error: cannot infer the type of 'unknown' here; compare it or combine it with a typed value");
}

static void test_missing_citation(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                              /* 2 */
                 "exclude e1 when a\n"                          /* 3 */
                 "red_flag r1 in cl -> refer_gp when a\n"       /* 4 */
                 "refer f1 -> refer_gp when a\n"                /* 5 */
                 "advice v1 do when a\n"                        /* 6 */
                 "  en \"Do.\"\n"                               /* 7 */
                 "schedule s1 after 3 weeks when a\n"           /* 8 */
                 "measure m1 at intake when a\n"                /* 9 */
                 "classify k {\n"                               /* 10 */
                 "  otherwise -> 1\n"
                 "}\n",
                 "t.gdl:3:9: error: exclusion 'e1' has no section citation (write the guideline section after the id, e.g. \"B.1.3\")",
                 "t.gdl:4:10: error: red_flag 'r1' has no section citation (write the guideline section after the id, e.g. \"B.1.3\")",
                 "t.gdl:5:7: error: referral 'f1' has no section citation (write the guideline section after the id, e.g. \"B.1.3\")",
                 "t.gdl:6:8: error: advice 'v1' has no section citation (write the guideline section after the id, e.g. \"B.1.3\")",
                 "t.gdl:8:10: error: schedule 's1' has no section citation (write the guideline section after the id, e.g. \"B.1.3\")",
                 "t.gdl:9:9: error: measurement 'm1' has no section citation (write the guideline section after the id, e.g. \"B.1.3\")",
                 "t.gdl:10:10: error: classification 'k' has no section citation (write the guideline section after the name, e.g. \"B.2\")");
}

static void test_property_checks(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                                          /* 2 */
                 "input n: int [0, 10]\n"                                   /* 3 */
                 "red_flag r \"B\" in cl urgent -> refer_gp when a\n"        /* 4 */
                 "advice v do \"C\" when a\n"                               /* 5 */
                 "  en \"Do.\"\n"                                            /* 6 */
                 "property p \"B\" when a { expect red_flag r urgent }\n"    /* 7 */
                 "property p when n { expect missing a }\n"                 /* 8 */
                 "property q \"C\" { expect advice v urgent  expect n2 == 1 }\n" /* 9 */
                 "property e \"C\" when a { }\n"                             /* 10 */
                 "define d = advice v\n"                                     /* 11 */
                 "property f \"C\" when advice w or red_flag r { expect advice v }\n", /* 12 */
                 "t.gdl:8:10: error: property 'p' has no section citation (write the section it protects after the name, e.g. \"B.1.3\")",
                 "t.gdl:8:10: error: property 'p' is already declared",
                 "t.gdl:7:10: note: first declared here",
                 "t.gdl:8:17: error: a property premise needs a condition (true/false), but this is a number without unit",
                 "t.gdl:8:28: error: a property cannot expect 'missing' (it holds for every case; put known(a) in its premise instead)",
                 "t.gdl:9:34: error: only a red_flag or a referral is urgent",
                 "t.gdl:9:49: error: 'n2' is not a classification or fact that a property can check",
                 "t.gdl:10:10: error: property 'e' has no expectations (write at least one 'expect ...')",
                 "t.gdl:11:12: error: 'advice v' (whether an outcome fires) can only stand in a property premise",
                 "t.gdl:12:28: error: no advice 'w' in this guideline");
}

/* A schedule's units (after_units.def): every error names them from the list. */
static void test_schedule_units(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                                  /* 2 */
                 "schedule s1 \"B.2\" after 2.5 weeks\n"             /* 3 */
                 "schedule s2 \"B.2\" after 2 month\n"               /* 4 */
                 "schedule s3 \"B.2\" after 1.5 months\n"            /* 5 */
                 "schedule s4 \"B.2\" after 1 day\n"                 /* 6 */
                 "schedule s5 \"B.2\" after 1 month\n"               /* 7 */
                 "schedule s6 \"B.2\" after 3641 days\n",            /* 8 */
                 "t.gdl:3:1: error: a schedule is a whole number of weeks or days (at most 10 years)",
                 "t.gdl:4:27: error: 'month' is for 1 month: write 2 months",
                 "t.gdl:5:1: error: a schedule in months is a whole number of calendar months (at most 119)",
                 "t.gdl:6:27: error: a schedule counts in weeks, days or months, not 'day'",
                 "t.gdl:8:1: error: a schedule is a whole number of weeks or days (at most 10 years)");
}

static void test_closed_vocabularies(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                                  /* 2 */
                 "advice v1 maybe \"C.1\" when a\n"                 /* 3 */
                 "  en \"x\"\n"                                     /* 4 */
                 "refer f1 \"B.1\" -> call_gp when a\n"             /* 5 */
                 "red_flag r1 \"B.1\" in cl urgent -> phone when a\n" /* 6 */
                 "measure m1 \"B.3\" at intake, weekly\n"           /* 7 */
                 "schedule s1 \"B.2\" after 3 years\n"              /* 8 */
                 "test \"t\" { given { a: true } expect bogus v1 }\n", /* 9 */
                 "t.gdl:3:11: error: unknown strength 'maybe' (strengths: do, consider, preferably, preferably_not, do_not)",
                 "t.gdl:5:19: error: unknown action 'call_gp' (actions: refer_gp, contact_gp, advise_patient_contact_gp, refer_back_specialist, refer_specialist_with_gp, assess, none)",
                 "t.gdl:6:35: error: unknown action 'phone' (actions: refer_gp, contact_gp, advise_patient_contact_gp, refer_back_specialist, refer_specialist_with_gp, assess, none)",
                 "t.gdl:7:29: error: unknown moment 'weekly' (moments: intake, interim, discharge)",
                 "t.gdl:8:27: error: a schedule counts in weeks, days or months, not 'years'",
                 "t.gdl:9:37: error: unknown expectation 'bogus' (expect exclusion, red_flag, referral, advice, schedule, "
                 "measurement, missing, or NAME == value)");
}

/* Each header field's value and count, as header_fields.def gives them:
 * strings, a date, a status, and sources that may repeat. */
static void test_header_fields(void)
{
    EXPECT_DIAGS("guideline t {\n"                          /* 1 */
                 "  id x\n"                                 /* 2 */
                 "  title \"t\" title \"u\"\n"              /* 3 */
                 "  version 1\n"                            /* 4 */
                 "  published \"2021\"\n"                   /* 5 */
                 "  publisher \"p\"\n"                      /* 6 */
                 "  status final\n"                         /* 7 */
                 "  language en\n"                          /* 8 */
                 "  source \"a.txt\" source \"b.txt\"\n"    /* 9 */
                 "}\n",
                 "t.gdl:2:6: error: header field 'id' is a string",
                 "t.gdl:3:13: error: header field 'title' given twice",
                 "t.gdl:4:11: error: header field 'version' is a string",
                 "t.gdl:5:13: error: 'published' is a date (YYYY-MM-DD)",
                 "t.gdl:7:10: error: status is draft, active or retired");
}

/* A classification's 'when' is a condition like a row's. */
static void test_classify_when_is_a_condition(void)
{
    EXPECT_DIAGS(HEADER
                 "input n: int [0, 10]\n"                          /* 2 */
                 "classify k \"S\" when n + 1 {\n"                 /* 3 */
                 "  otherwise -> y\n}\n",
                 "t.gdl:3:21: error: a classification's 'when' needs a condition (true/false), but this is a number without unit");
}

/* assess weighs one red-flag feature; a referral must say what to do. */
static void test_assess_only_on_red_flags(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                                   /* 2 */
                 "red_flag r1 \"B.1\" in cl -> assess when a\n"      /* 3: fine */
                 "refer f1 \"B.1\" -> assess when a\n",              /* 4 */
                 "t.gdl:4:19: error: action 'assess' is for red flags only (a referral names what to do: refer_gp, contact_gp, ...)");
}

static void test_advice_languages(void)
{
    EXPECT_DIAGS(HEADER_NL_EN
                 "input a: bool\n"                              /* 2 */
                 "advice v1 do \"C.1\" when a\n"                /* 3 */
                 "  en \"Do.\"\n"                               /* 4 */
                 "advice v2 do \"C.2\" when a\n"                /* 5: fine */
                 "  nl \"Doe.\" en \"Do.\"\n"
                 "advice v3 consider \"C.3\"\n"                 /* 7 */
                 "  nl \"Doe.\"\n",
                 "t.gdl:3:8: error: advice 'v1' has no 'nl' text (the header lists language nl)",
                 "t.gdl:7:8: error: advice 'v3' has no 'en' text (the header lists language en)");
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                              /* 2 */
                 "advice v1 do \"C.1\" when a\n"                /* 3 */
                 "  nl \"Doe.\"\n",                             /* 4 */
                 "t.gdl:3:8: error: advice 'v1' has no 'en' text (the header lists language en)",
                 "t.gdl:4:3: error: text in 'nl', which the guideline header does not list under 'language'");
}

static void test_cycle(void)
{
    EXPECT_DIAGS(HEADER
                 "input x: bool\n"                              /* 2 */
                 "define a = b and x\n"                         /* 3 */
                 "define b = not a\n"                           /* 4 */
                 "define c = c or x\n"                          /* 5 */
                 "define d = x and not x\n",                    /* 6: fine */
                 "t.gdl:3:8: error: 'a' depends on itself",
                 "t.gdl:5:8: error: 'c' depends on itself");
}

static void test_classify_rows(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                              /* 2 */
                 "classify k \"S\" {\n"                         /* 3 */
                 "  when a -> yes\n"                            /* 4 */
                 "}\n"
                 "classify m \"S\" {\n"                         /* 6 */
                 "  otherwise -> no\n"                          /* 7 */
                 "  when a -> yes\n"                            /* 8 */
                 "}\n"
                 "classify n \"S\" {\n"                         /* 10 */
                 "  when a -> 1\n"                              /* 11 */
                 "  otherwise -> no\n"                          /* 12 */
                 "}\n",
                 "t.gdl:4:3: error: classification 'k' must end with 'otherwise -> VALUE' so that every case is classified (or declare it 'unique': exactly one row holds, which gdl verify checks)",
                 "t.gdl:7:3: error: 'otherwise' must be the last row",
                 "t.gdl:8:3: error: classification 'm' must end with 'otherwise -> VALUE' so that every case is classified (or declare it 'unique': exactly one row holds, which gdl verify checks)",
                 "t.gdl:12:16: error: classification values must be all names or all numbers");
}

static void test_duplicate(void)
{
    EXPECT_DIAGS(HEADER
                 "define k = true\n"                           /* 2 */
                 "classify k \"S\" {\n  otherwise -> 1\n}\n"    /* 3 */
                 "define in_scope = true\n",                   /* 6 */
                 "t.gdl:3:10: error: 'k' is already declared as a define",
                 "t.gdl:2:8: note: 'k' declared here",
                 "t.gdl:6:8: error: 'in_scope' is a built-in fact and cannot be declared");
    /* Outcomes: one id per kind and section. */
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                              /* 2 */
                 "exclude e1 \"A.1\" when a\n"                  /* 3 */
                 "exclude e1 \"A.1\" when not a\n"              /* 4 */
                 "exclude e1 \"A.2\" when a\n",                 /* 5: other section, fine */
                 "t.gdl:4:9: error: exclusion 'e1' is already declared for section A.1",
                 "t.gdl:3:9: note: first declared here");
}

/* BUG (compiler/resolve.c sym_declare, lines 58-59): the article is chosen
 * by the first letter, so a unit reads "'cm' is already declared as an
 * unit" ("a unit": the word starts with a consonant sound). (The earlier
 * "as a input" is fixed.) */
static void test_duplicate_article(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                              /* 2 */
                 "define a = true\n",                           /* 3 */
                 "t.gdl:3:8: error: 'a' is already declared as an input",
                 "t.gdl:2:7: note: 'a' declared here");
    EXPECT_DIAGS(HEADER
                 "unit cm\n"                                    /* 2 */
                 "param cm = 3\n",                              /* 3 */
                 "t.gdl:3:7: error: 'cm' is already declared as a unit",
                 "t.gdl:2:6: note: 'cm' declared here");
}

static void test_argument_count(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                              /* 2 */
                 "fn f(x, y) = x and y\n"                       /* 3 */
                 "define r = f(a)\n"                            /* 4 */
                 "define s = at_least(a)\n"                     /* 5 */
                 "fn g(x) = not x\n"                            /* 6 */
                 "define u = g(a, a)\n"                         /* 7 */
                 "define v = f(a, a) and g(a)\n",               /* 8: fine */
                 "t.gdl:4:12: error: 'f' takes 2 arguments, not 1",
                 "t.gdl:5:12: error: 'at_least' takes at least 2 arguments, not 1",
                 "t.gdl:7:12: error: 'g' takes 1 argument, not 2");
}

/* A built-in with a fixed arity words it like a user function ("takes 1
 * argument"), not "takes 1 to 1 arguments" as it once did. */
static void test_builtin_fixed_arity_message(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                              /* 2 */
                 "input d: date\n"                              /* 3 */
                 "define k = known(a, a)\n"                     /* 4 */
                 "define w = weeks_between(d) > 1\n",           /* 5 */
                 "t.gdl:4:12: error: 'known' takes 1 argument, not 2",
                 "t.gdl:5:12: error: 'weeks_between' takes 2 arguments, not 1");
}

static void test_type_mismatch(void)
{
    EXPECT_DIAGS(HEADER
                 "input a: bool\n"                              /* 2 */
                 "input x: number\n"                            /* 3 */
                 "define r = a == x\n"                          /* 4 */
                 "define s = a and x\n"                         /* 5 */
                 "define u = x + a > 1\n"                       /* 6 */
                 "exclude e \"A.1\" when x\n",                  /* 7 */
                 "t.gdl:4:12: error: type mismatch: cannot compare a boolean and a number without unit",
                 "t.gdl:5:18: error: 'and' needs a condition (true/false), but this is a number without unit",
                 "t.gdl:6:12: error: arithmetic needs numbers, not a number without unit and a boolean",
                 "t.gdl:7:22: error: exclusion needs a condition (true/false), but this is a number without unit");
}

/* A string parameter is a string (issue 14, decision 1): compared with a
 * number, or ordered, it is an error; with a string it is fine. */
static void test_string_param_types(void)
{
    EXPECT_DIAGS(HEADER
                 "input s: string\n"                            /* 2 */
                 "param ps = \"abc\"\n"                         /* 3 */
                 "define a = ps == 3\n"                         /* 4 */
                 "define b = ps < s\n"                          /* 5 */
                 "define ok = ps == s or ps != \"x\" or ps == ps\n",   /* 6: fine */
                 "t.gdl:4:12: error: type mismatch: cannot compare a string and a number without unit",
                 "t.gdl:5:12: error: 'a string' values have no order");
}

static void test_enum_values(void)
{
    EXPECT_DIAGS(HEADER
                 "input s: enum { red, green, blue }\n"        /* 2 */
                 "define r = s == purple\n"                    /* 3 */
                 "define q = s in { red, pink }\n"             /* 4 */
                 "define z = s == 1\n"                         /* 5 */
                 "define ok = s >= green and s in { blue }\n", /* 6: fine */
                 "t.gdl:3:17: error: 'purple' is not a value of 's' (values: red, green, blue)",
                 "t.gdl:4:24: error: 'pink' is not a value of 's' (values: red, green, blue)",
                 "t.gdl:5:12: error: type mismatch: cannot compare a value of 's' (red, green, ...) and a number without unit");
}

/* A guideline with input x, the function fn, and define r = NAME(NAME(...
 * NAME(x)...)) > 1, depth calls deep. */
static void nested_calls(char *src, size_t size, const char *fn, const char *name, int depth)
{
    size_t n = (size_t)snprintf(src, size, HEADER "input x: number\n%s\ndefine r = ", fn);
    for (int i = 0; i < depth; i++)
        n += (size_t)snprintf(src + n, size - n, "%s(", name);
    n += (size_t)snprintf(src + n, size - n, "x");
    for (int i = 0; i < depth; i++)
        n += (size_t)snprintf(src + n, size - n, ")");
    snprintf(src + n, size - n, " > 1\n");
}

/* BUG (compiler/check.c check_user_call, lines 524-526): the guard against
 * recursion counts nesting depth, so 40 nested calls of a function that
 * does not call itself are reported as "function 'inc' calls itself". */
static void test_nested_calls_are_not_recursion(void)
{
    char src[2048];
    nested_calls(src, sizeof src, "fn inc(y) = y + 1", "inc", 40);
    Diags d;
    diags_collect(src, &d);
    if (strstr(d.raw ? d.raw : "", "calls itself"))
        fprintf(stderr, "\n    %s", d.lines[0]);
    CU_ASSERT_PTR_NULL(strstr(d.raw ? d.raw : "", "calls itself"));
    free(d.out);
    free(d.raw);
    /* Real recursion, direct or mutual, is that error. */
    EXPECT_DIAGS(HEADER
                 "input x: number\n"                           /* 2 */
                 "fn f(y) = f(y) + 1\n"                        /* 3 */
                 "fn g(y) = h(y)\n"                            /* 4 */
                 "fn h(y) = g(y)\n"                            /* 5 */
                 "define r = f(x) > 1\n"
                 "define s = g(x)\n",
                 "t.gdl:3:11: error: function 'f' calls itself (functions are expanded, so they cannot recurse)",
                 "t.gdl:5:11: error: function 'g' calls itself (functions are expanded, so they cannot recurse)");
}

/* BUG (compiler/check.c check_name, lines 291-296): a parameter used twice
 * re-checks its argument at each use, so sq(sq(...sq(x)...)) with
 * fn sq(v) = v * v costs 2^depth: 30 nested calls (a 150-byte line) keep
 * the compiler busy for minutes (measured: 0.5 s at 22, x4 per +2).
 * The compile runs in a child process under a watchdog; this is a hang
 * guard, not a timing test: a linear check takes milliseconds. */
static void test_fn_expansion_not_exponential(void)
{
    char src[2048];
    nested_calls(src, sizeof src, "fn sq(v) = v * v", "sq", 30);
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        alarm(WATCHDOG_SECONDS);
        Diags d;
        diags_collect(src, &d);
        _exit(0);
    }
    int status = 0;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    bool finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!finished)
        fprintf(stderr, "\n    the check of 30 nested sq() calls did not finish in %d s\n", WATCHDOG_SECONDS);
    CU_ASSERT(finished);
}

/* One run reports a syntax error, an unknown name and a unit mismatch,
 * each at its own place: parsing goes on after the bad declaration and the
 * later passes still run. */
static void test_three_errors_one_run(void)
{
    EXPECT_DIAGS(HEADER
                 "unit weeks\n"                                 /* 2 */
                 "input dur: number weeks\n"                    /* 3 */
                 "define a = dur > > 6\n"                       /* 4 */
                 "define b = durr > 6 weeks\n"                  /* 5 */
                 "define c = dur > 6\n",                        /* 6 */
                 "t.gdl:4:18: error: *",      /* the parser's wording is its own business */
                 "t.gdl:5:12: error: unknown name 'durr'; did you mean 'dur'?",
                 "t.gdl:6:12: error: unit mismatch: cannot compare a number in weeks and a number without unit");
}

void test_check_register(void);
void test_check_register(void)
{
    static const UnitTest tests[] = {
        {"clean", test_clean},
        {"unknown_name", test_unknown_name},
        {"edit_distance_and_suggestion", test_edit_distance_and_suggestion},
        {"unit_mismatch", test_unit_mismatch},
        {"enum_value_shadowed", test_enum_value_shadowed},
        {"literal_out_of_range", test_literal_out_of_range},
        {"range_through_expressions", test_range_through_expressions},
        {"sum_past_min_length", test_sum_past_min_length},
        {"empty_citation", test_empty_citation},
        {"unknown_typing", test_unknown_typing},
        {"missing_citation", test_missing_citation},
        {"property_checks", test_property_checks},
        {"closed_vocabularies", test_closed_vocabularies},
        {"schedule_units", test_schedule_units},
        {"header_fields", test_header_fields},
        {"assess_only_on_red_flags", test_assess_only_on_red_flags},
        {"classify_when_is_a_condition", test_classify_when_is_a_condition},
        {"advice_languages", test_advice_languages},
        {"cycle", test_cycle},
        {"classify_rows", test_classify_rows},
        {"duplicate", test_duplicate},
        {"duplicate_article", test_duplicate_article},
        {"argument_count", test_argument_count},
        {"builtin_fixed_arity_message", test_builtin_fixed_arity_message},
        {"type_mismatch", test_type_mismatch},
        {"string_param_types", test_string_param_types},
        {"enum_values", test_enum_values},
        {"nested_calls_are_not_recursion", test_nested_calls_are_not_recursion},
        {"fn_expansion_not_exponential", test_fn_expansion_not_exponential},
        {"three_errors_one_run", test_three_errors_one_run},
    };
    UNIT_REGISTER("check", tests);
}
