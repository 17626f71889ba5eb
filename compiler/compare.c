/* compare.c - gdl compare (see compare.h, docs/diff-compare.md): loads one
 * case (or each line of JSON Lines) into a VM per guideline, reads their
 * outputs by key (outputs.c) and writes them side by side, as text or
 * JSON, or counts the conflicts over a batch. */
#include "compare.h"

#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "arena.h"
#include "case_json.h"
#include "compare_dose.h"
#include "outputs.h"
#include "param_render.h"
#include "vm.h"

enum { CASE_MAX_BYTES = 1 << 20 };  /* as gdl run: one case file */

typedef struct {
    uint32_t n;
    const GdlProgram *const *p;
    char gkey[COMPARE_MAX_GUIDELINES][160];     /* "<id>@<version>" */
    GdlVm vm[COMPARE_MAX_GUIDELINES];
    OutputMap map[COMPARE_MAX_GUIDELINES];
    bool loaded[COMPARE_MAX_GUIDELINES];
    GdlCaseErrors errs[COMPARE_MAX_GUIDELINES];
    OutputKeys keys;
    const CompareOptions *o;
    Arena scratch;                              /* one intervention's doses */
    /* batch */
    uint32_t cases, failed, scope_differs;
    uint32_t *conflicts;                        /* per key */
    char (*examples)[COMPARE_MAX_EXAMPLES][64]; /* per key: case ids */
} Cmp;

/* The advice of intervention k that gives guideline g's verdict: its first
 * advice of that id that fires (program order), or GDL_NONE; *undecided
 * when none fires and one is unknown. */
static uint32_t deciding(const Cmp *c, uint32_t g, uint32_t k, bool *undecided)
{
    const OutputMap *m = &c->map[g];
    *undecided = false;
    if (!c->loaded[g])
        return GDL_NONE;
    for (uint32_t j = m->first[k]; j < m->first[k] + m->count[k]; j++) {
        int t = gdl_fact_truth(&c->vm[g], c->p[g]->outcomes[m->outcomes[j]].cond);
        if (t == 1)
            return m->outcomes[j];
        if (t < 0)
            *undecided = true;
    }
    return GDL_NONE;
}

/* A guideline's verdict on an intervention: the strength of its deciding advice, or NULL. */
static const char *verdict(const Cmp *c, uint32_t g, uint32_t k, bool *undecided)
{
    uint32_t o = deciding(c, g, k, undecided);
    return o == GDL_NONE ? NULL : gdl_strength_name((GdlStrength)c->p[g]->outcomes[o].strength);
}

/* Which way outcome o of guideline g goes (strengths.def): +1 recommends,
 * -1 advises against, 0 for no outcome (GDL_NONE). */
static int direction(const Cmp *c, uint32_t g, uint32_t o)
{
    return o == GDL_NONE ? 0 : gdl_strength_direction((GdlStrength)c->p[g]->outcomes[o].strength);
}

/* Strength conflict: one guideline recommends what another advises against;
 * a guideline that says nothing (or cannot decide) does not conflict. */
static bool strength_conflict(const Cmp *c, uint32_t k)
{
    bool pro = false, con = false, u;
    for (uint32_t g = 0; g < c->n; g++) {
        int d = direction(c, g, deciding(c, g, k, &u));
        pro |= d > 0;
        con |= d < 0;
    }
    return pro && con;
}

/* An advice text or dose with the run's parameter values, in the arena. */
static const char *rendered(const Cmp *c, uint32_t g, uint16_t s, bool dose, Arena *a)
{
    const GdlProgram *p = c->p[g];
    const char *raw = gdl_str(p, s);
    if (s == GDL_NONE || !(dose ? param_dose_is_template(raw) : param_text_is_template(raw)))
        return s == GDL_NONE ? NULL : raw;
    ByteBuf b = { 0 };
    if (dose)
        param_render_dose(&b, p, c->vm[g].params, raw);
    else
        param_render_text(&b, p, c->vm[g].params, raw, false);
    char *out = b.failed ? NULL : arena_strndup(a, (const char *)b.data, b.len);
    buf_free(&b);
    return out ? out : raw;
}

/* The doses of intervention k, of the guidelines whose verdict recommends it
 * (a dose of advice against is not a dose to follow): dose[g] the deciding
 * advice's dose text or NULL. -1 when out of memory. */
static int dose_comparison(Cmp *c, uint32_t k, const char **dose, DoseComparison *dc)
{
    bool given[COMPARE_MAX_GUIDELINES], u;
    arena_reset(&c->scratch);
    for (uint32_t g = 0; g < c->n; g++) {
        uint32_t o = deciding(c, g, k, &u);
        given[g] = direction(c, g, o) > 0;
        dose[g] = given[g] ? rendered(c, g, c->p[g]->outcomes[o].dose, true, &c->scratch) : NULL;
    }
    return compare_doses(dose, given, c->n, dc, &c->scratch);
}

/* Conflict: of strength, or of a dose key two recommendations share. */
static bool conflict(Cmp *c, uint32_t k)
{
    const char *dose[COMPARE_MAX_GUIDELINES];
    DoseComparison dc;
    return strength_conflict(c, k) || (dose_comparison(c, k, dose, &dc) == 0 && dc.nconflicts > 0);
}

static bool is_advice(const OutputKey *k)
{
    return k->what == OUT_OUTCOME && k->kind == OK_ADVICE;
}

/* Whether key k is worth a row: some guideline says something other than "-". */
static bool shown(const Cmp *c, uint32_t k)
{
    const OutputKey *key = &c->keys.keys[k];
    if (key->what == OUT_CLASSIFICATION)
        return true;
    for (uint32_t g = 0; g < c->n; g++) {
        char v[OUTPUT_VALUE_MAX];
        outputs_value(&c->vm[g], &c->map[g], &c->keys, k, c->loaded[g], v);
        if (strcmp(v, "-") != 0)
            return true;
    }
    return false;
}

static void run_all(Cmp *c, const char *text, size_t len)
{
    for (uint32_t g = 0; g < c->n; g++) {
        c->loaded[g] = gdl_case_load_json(&c->vm[g], text, len, &c->errs[g]) == 0;
        if (c->loaded[g])
            gdl_vm_run(&c->vm[g]);
    }
}

static const char *case_id(const Cmp *c)
{
    for (uint32_t g = 0; g < c->n; g++) {
        const char *id = gdl_case_id(&c->vm[g], NULL);
        if (id)
            return id;
    }
    return NULL;
}

static void put_jstr(ByteBuf *b, const char *s)
{
    if (s)
        buf_json_string(b, s, strlen(s));
    else
        buf_puts(b, "null");
}

/* ---- one case: JSON ------------------------------------------------------- */

static void json_values(ByteBuf *b, const Cmp *c, uint32_t k)
{
    buf_putc(b, '{');
    for (uint32_t g = 0; g < c->n; g++) {
        char v[OUTPUT_VALUE_MAX];
        outputs_value(&c->vm[g], &c->map[g], &c->keys, k, c->loaded[g], v);
        buf_puts(b, g ? ", " : "");
        put_jstr(b, c->gkey[g]);
        buf_puts(b, ": ");
        char *end;
        (void)strtod(v, &end);
        if (c->keys.keys[k].what == OUT_CLASSIFICATION && v[0] && !*end)
            buf_puts(b, v);     /* a numeric classification: a number, as in a result */
        else
            put_jstr(b, strcmp(v, "-") ? v : NULL);
    }
    buf_putc(b, '}');
}

static void json_case(Cmp *c, ByteBuf *b, bool one_line)
{
    const char *nl = one_line ? " " : "\n ";
    buf_puts(b, "{\"case_id\": ");
    put_jstr(b, case_id(c));
    buf_printf(b, ",%s\"guidelines\": [", nl);
    for (uint32_t g = 0; g < c->n; g++) {
        const GdlProgram *p = c->p[g];
        buf_puts(b, g ? ", {\"id\": " : "{\"id\": ");
        put_jstr(b, gdl_str(p, p->meta.id));
        buf_puts(b, ", \"version\": ");
        put_jstr(b, gdl_str(p, p->meta.version));
        buf_puts(b, ", \"status\": ");
        put_jstr(b, p->meta.status == GDL_NONE ? NULL : gdl_str(p, p->meta.status));
        int t = !c->loaded[g] || p->in_scope_fact == GDL_NONE ? -1 : gdl_fact_truth(&c->vm[g], p->in_scope_fact);
        buf_printf(b, ", \"in_scope\": %s", t < 0 ? "null" : t ? "true" : "false");
        buf_printf(b, ", \"result\": \"%s\", \"errors\": [", c->loaded[g] ? "ok" : "error");
        for (uint32_t e = 0; !c->loaded[g] && e < c->errs[g].count; e++) {
            buf_puts(b, e ? ", " : "");
            put_jstr(b, c->errs[g].items[e].message);
        }
        buf_puts(b, "]}");
    }
    static const struct { const char *name; OutputWhat what; uint8_t kind; } GROUPS[] = {
        { "exclusions", OUT_OUTCOME, OK_EXCLUSION }, { "red_flags", OUT_OUTCOME, OK_RED_FLAG },
        { "classifications", OUT_CLASSIFICATION, 0 }, { "referrals", OUT_OUTCOME, OK_REFERRAL },
    };
    for (size_t gi = 0; gi < sizeof GROUPS / sizeof GROUPS[0]; gi++) {
        buf_printf(b, "],%s\"%s\": [", nl, GROUPS[gi].name);
        bool first = true;
        for (uint32_t k = 0; k < c->keys.nkeys; k++) {
            const OutputKey *key = &c->keys.keys[k];
            if (key->what != GROUPS[gi].what || key->kind != GROUPS[gi].kind || !shown(c, k))
                continue;
            buf_puts(b, first ? "{\"id\": " : ", {\"id\": ");
            first = false;
            put_jstr(b, key->name);
            buf_puts(b, ", \"values\": ");
            json_values(b, c, k);
            buf_putc(b, '}');
        }
    }
    buf_printf(b, "],%s\"interventions\": [", nl);
    bool first = true;
    uint32_t nconflicts = 0;
    for (uint32_t k = 0; k < c->keys.nkeys; k++) {
        if (!is_advice(&c->keys.keys[k]) || !shown(c, k))
            continue;
        buf_printf(b, "%s%s{\"id\": ", first ? "" : ",", one_line ? (first ? "" : " ") : "\n  ");
        first = false;
        put_jstr(b, c->keys.keys[k].name);
        buf_puts(b, ", \"verdicts\": {");
        ByteBuf undecided = { 0 };
        for (uint32_t g = 0; g < c->n; g++) {
            bool u;
            const char *v = verdict(c, g, k, &u);
            buf_puts(b, g ? ", " : "");
            put_jstr(b, c->gkey[g]);
            buf_puts(b, ": ");
            put_jstr(b, v);
            if (u) {
                buf_puts(&undecided, undecided.len ? ", " : "");
                put_jstr(&undecided, c->gkey[g]);
            }
        }
        buf_puts(b, "}, \"undecided\": [");
        if (undecided.len)
            buf_put(b, undecided.data, undecided.len);
        buf_free(&undecided);
        const char *dose[COMPARE_MAX_GUIDELINES];
        DoseComparison dc;
        if (dose_comparison(c, k, dose, &dc) != 0)
            b->failed = true;
        bool sc = strength_conflict(c, k), cf = sc || dc.nconflicts;
        nconflicts += cf;
        buf_printf(b, "], \"conflict\": %s, \"strength_conflict\": %s, \"dose_conflicts\": [", cf ? "true" : "false",
                   sc ? "true" : "false");
        for (uint32_t i = 0; i < dc.nconflicts; i++) {
            buf_puts(b, i ? ", " : "");
            put_jstr(b, dc.conflicts[i]);
        }
        buf_printf(b, "], \"dose_differs\": %s, \"doses\": {", dc.differs ? "true" : "false");
        for (uint32_t g = 0; g < c->n; g++) {
            buf_puts(b, g ? ", " : "");
            put_jstr(b, c->gkey[g]);
            buf_puts(b, ": ");
            buf_puts(b, dose[g] ? dose[g] : "null");    /* a verified program's dose is a JSON object */
        }
        buf_puts(b, "}}");
    }
    buf_printf(b, "],%s\"conflicts\": %u}\n", nl, nconflicts);
}

/* ---- one case: text ------------------------------------------------------- */

enum { LABEL_WIDTH = 34, MIN_COLUMN = 18 };

static int column_width(const Cmp *c)
{
    size_t w = MIN_COLUMN;
    for (uint32_t g = 0; g < c->n; g++)
        if (strlen(c->gkey[g]) + 2 > w)
            w = strlen(c->gkey[g]) + 2;
    return (int)w;
}

static void text_row(ByteBuf *b, const Cmp *c, const char *label, const char *const *cells, const char *note)
{
    int w = column_width(c);
    buf_printf(b, "%-*s", LABEL_WIDTH, label);
    for (uint32_t g = 0; g < c->n; g++)
        buf_printf(b, "%-*s", g + 1 < c->n || note ? w : 0, cells[g]);
    if (note) {
        if (c->o->colour)
            buf_puts(b, "\033[1;31m");
        buf_puts(b, note);
        if (c->o->colour)
            buf_puts(b, "\033[0m");
    }
    /* no blanks at the end of a line */
    while (b->len && b->data[b->len - 1] == ' ')
        b->len--;
    buf_putc(b, '\n');
}

/* Under an intervention whose doses differ: each recommending guideline's
 * dose, and its advice text where its dose lacks a key another has (a dose
 * given only in words stays in the text). */
static void text_doses(ByteBuf *b, Cmp *c, uint32_t k, const char *const *dose, const DoseComparison *dc)
{
    for (uint32_t g = 0; g < c->n; g++) {
        bool u;
        uint32_t o = deciding(c, g, k, &u);
        if (direction(c, g, o) <= 0)
            continue;
        buf_printf(b, "      %s: %s%s\n", c->gkey[g], dose[g] ? "dose " : "no dose", dose[g] ? dose[g] : "");
        const GdlOutcome *out = &c->p[g]->outcomes[o];
        const char *text = rendered(c, g, out->text_nl != GDL_NONE ? out->text_nl : out->text_en, false, &c->scratch);
        if (dc->lacks[g] && text)
            buf_printf(b, "        \"%s\"\n", text);
    }
}

static void text_case(Cmp *c, ByteBuf *b)
{
    const char *cells[COMPARE_MAX_GUIDELINES];
    char vals[COMPARE_MAX_GUIDELINES][OUTPUT_VALUE_MAX];
    const char *id = case_id(c);
    buf_printf(b, "gdl compare: case %s\n\n", id ? id : "(no case_id)");
    for (uint32_t g = 0; g < c->n; g++)
        cells[g] = c->gkey[g];
    text_row(b, c, "", cells, NULL);
    for (uint32_t g = 0; g < c->n; g++)
        cells[g] = c->p[g]->meta.status == GDL_NONE ? "-" : gdl_str(c->p[g], c->p[g]->meta.status);
    text_row(b, c, "status", cells, NULL);
    for (uint32_t g = 0; g < c->n; g++) {
        if (!c->loaded[g])
            snprintf(vals[g], sizeof vals[g], "error: %s", c->errs[g].count ? c->errs[g].items[0].message : "");
        else
            snprintf(vals[g], sizeof vals[g], "ok");
        cells[g] = vals[g];
    }
    text_row(b, c, "case", cells, NULL);
    static const struct { const char *title; OutputWhat what; uint8_t kind; } GROUPS[] = {
        { "in scope", OUT_IN_SCOPE, 0 }, { "exclusions", OUT_OUTCOME, OK_EXCLUSION },
        { "red flags", OUT_OUTCOME, OK_RED_FLAG }, { "classifications", OUT_CLASSIFICATION, 0 },
        { "interventions", OUT_OUTCOME, OK_ADVICE }, { "referrals", OUT_OUTCOME, OK_REFERRAL },
    };
    uint32_t nconflicts = 0;
    ByteBuf names = { 0 };
    for (size_t gi = 0; gi < sizeof GROUPS / sizeof GROUPS[0]; gi++) {
        bool titled = GROUPS[gi].what == OUT_IN_SCOPE;
        for (uint32_t k = 0; k < c->keys.nkeys; k++) {
            const OutputKey *key = &c->keys.keys[k];
            if (key->what != GROUPS[gi].what || key->kind != GROUPS[gi].kind || !shown(c, k))
                continue;
            if (!titled) {
                buf_printf(b, "%s\n", GROUPS[gi].title);
                titled = true;
            }
            bool advice = is_advice(key);
            for (uint32_t g = 0; g < c->n; g++) {
                bool u = false;
                const char *v = advice ? verdict(c, g, k, &u) : NULL;
                if (advice)
                    snprintf(vals[g], sizeof vals[g], "%s", v ? v : u ? "unknown" : "-");
                else
                    outputs_value(&c->vm[g], &c->map[g], &c->keys, k, c->loaded[g], vals[g]);
                cells[g] = vals[g];
            }
            const char *dose[COMPARE_MAX_GUIDELINES];
            DoseComparison dc = { 0 };
            if (advice && dose_comparison(c, k, dose, &dc) != 0)
                b->failed = true;
            bool sc = advice && strength_conflict(c, k), cf = sc || dc.nconflicts;
            if (cf) {
                nconflicts++;
                buf_puts(&names, names.len ? ", " : "");
                buf_puts(&names, key->name);
            }
            char label[LABEL_WIDTH + 64], note[160] = "";
            snprintf(label, sizeof label, "%s%s", key->what == OUT_IN_SCOPE ? "" : "  ", key->what == OUT_IN_SCOPE ? "in scope" : key->name);
            size_t at = sc ? (size_t)snprintf(note, sizeof note, "CONFLICT") : 0;
            for (uint32_t i = 0; i < dc.nconflicts && at < sizeof note; i++)
                at += (size_t)snprintf(note + at, sizeof note - at, "%s%s", i ? ", " : at ? " (dose: " : "CONFLICT (dose: ",
                                       dc.conflicts[i]);
            if (dc.nconflicts && at < sizeof note)
                snprintf(note + at, sizeof note - at, ")");
            else if (!cf && dc.differs)
                snprintf(note, sizeof note, "dose differs");
            text_row(b, c, label, cells, note[0] ? note : NULL);
            if (dc.differs)
                text_doses(b, c, k, dose, &dc);
        }
    }
    buf_printf(b, "\nconflicts: %u", nconflicts);
    if (names.len) {
        buf_puts(b, " (");
        buf_put(b, names.data, names.len);
        buf_putc(b, ')');
    }
    buf_putc(b, '\n');
    buf_free(&names);
}

/* ---- batch ---------------------------------------------------------------- */

static void batch_count(Cmp *c)
{
    c->cases++;
    bool all_loaded = true;
    int scope = -2;
    bool differs = false;
    for (uint32_t g = 0; g < c->n; g++) {
        all_loaded &= c->loaded[g];
        const GdlProgram *p = c->p[g];
        int t = !c->loaded[g] || p->in_scope_fact == GDL_NONE ? -1 : gdl_fact_truth(&c->vm[g], p->in_scope_fact);
        if (scope != -2 && t != scope)
            differs = true;
        scope = t;
    }
    c->failed += !all_loaded;
    c->scope_differs += differs;
    const char *id = case_id(c);
    for (uint32_t k = 0; k < c->keys.nkeys; k++) {
        if (!is_advice(&c->keys.keys[k]) || !conflict(c, k))
            continue;
        if (c->conflicts[k] < COMPARE_MAX_EXAMPLES)
            snprintf(c->examples[k][c->conflicts[k]], sizeof c->examples[k][0], "%s", id ? id : "");
        c->conflicts[k]++;
    }
}

static void batch_summary(const Cmp *c, ByteBuf *b)
{
    if (c->o->json) {
        buf_printf(b, "{\"summary\": {\"cases\": %u, \"errors\": %u, \"in_scope_differs\": %u, \"conflicts\": [",
                   c->cases, c->failed, c->scope_differs);
        bool first = true;
        for (uint32_t k = 0; k < c->keys.nkeys; k++) {
            if (!c->conflicts[k])
                continue;
            buf_puts(b, first ? "{\"id\": " : ", {\"id\": ");
            first = false;
            put_jstr(b, c->keys.keys[k].name);
            buf_printf(b, ", \"cases\": %u, \"examples\": [", c->conflicts[k]);
            for (uint32_t e = 0; e < c->conflicts[k] && e < COMPARE_MAX_EXAMPLES; e++) {
                buf_puts(b, e ? ", " : "");
                put_jstr(b, c->examples[k][e]);
            }
            buf_puts(b, "]}");
        }
        buf_puts(b, "]}}\n");
        return;
    }
    buf_puts(b, "gdl compare:");
    for (uint32_t g = 0; g < c->n; g++)
        buf_printf(b, " %s", c->gkey[g]);
    buf_printf(b, "\n%u case%s, %u with errors, %u where the scope differs\n", c->cases, c->cases == 1 ? "" : "s",
               c->failed, c->scope_differs);
    buf_puts(b, "conflicts (one recommends, another advises against; or two recommend with another value of one dose key):\n");
    bool any = false;
    for (uint32_t k = 0; k < c->keys.nkeys; k++) {
        if (!c->conflicts[k])
            continue;
        any = true;
        buf_printf(b, "  %-32s %6u case%s (e.g.", c->keys.keys[k].name, c->conflicts[k], c->conflicts[k] == 1 ? "" : "s");
        for (uint32_t e = 0; e < c->conflicts[k] && e < COMPARE_MAX_EXAMPLES; e++)
            buf_printf(b, " %s", c->examples[k][e][0] ? c->examples[k][e] : "(no case_id)");
        buf_puts(b, ")\n");
    }
    if (!any)
        buf_puts(b, "  none\n");
}

/* ---- the command ---------------------------------------------------------- */

static int read_case(FILE *in, ByteBuf *text)
{
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, in)) > 0) {
        if (text->len + got > CASE_MAX_BYTES)
            return 1;
        buf_put(text, chunk, got);
    }
    return ferror(in) || text->failed ? 3 : 0;
}

static int flush(ByteBuf *b, FILE *out)
{
    if (b->failed) {
        fprintf(stderr, "gdl: compare: out of memory\n");
        return 3;
    }
    fwrite(b->data, 1, b->len, out);
    b->len = 0;
    return 0;
}

static int run_cases(Cmp *c, FILE *in, FILE *out)
{
    ByteBuf b = { 0 };
    int rc = 0;
    if (!c->o->batch) {
        ByteBuf text = { 0 };
        rc = read_case(in, &text);
        if (rc == 1)
            fprintf(stderr, "%s: error: case file larger than %d bytes\n", c->o->case_path, CASE_MAX_BYTES);
        else if (rc == 3)
            fprintf(stderr, "%s: error: cannot read the case\n", c->o->case_path);
        if (rc == 0) {
            run_all(c, (const char *)text.data, text.len);
            if (c->o->json)
                json_case(c, &b, false);
            else
                text_case(c, &b);
            for (uint32_t g = 0; g < c->n; g++)
                rc |= !c->loaded[g];
            rc = flush(&b, out) ? 3 : rc;
        }
        buf_free(&text);
        buf_free(&b);
        return rc;
    }
    ByteBuf line = { 0 };
    int got;
    while ((got = outputs_read_line(in, &line)) == 1) {
        if (outputs_blank((const char *)line.data, line.len))
            continue;
        run_all(c, (const char *)line.data, line.len);
        batch_count(c);
        if (c->o->json)
            json_case(c, &b, true);
        if (b.len > 65536 && flush(&b, out))
            rc = 3;
    }
    if (got < 0) {
        fprintf(stderr, "%s: error: cannot read the cases\n", c->o->case_path);
        rc = 3;
    }
    if (rc == 0) {
        batch_summary(c, &b);
        rc = flush(&b, out);
        if (rc == 0 && c->failed)
            rc = 1;
    }
    buf_free(&line);
    buf_free(&b);
    return rc;
}

int compare_run(const GdlProgram *const *progs, uint32_t n, const CompareOptions *o, FILE *out)
{
    Cmp *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "gdl: compare: out of memory\n");
        return 3;
    }
    c->n = n;
    c->p = progs;
    c->o = o;
    arena_init(&c->scratch, 0);
    int rc = 0;
    for (uint32_t g = 0; g < n; g++) {
        outputs_guideline_key(progs[g], c->gkey[g], sizeof c->gkey[g]);
        for (uint32_t h = 0; h < g; h++)
            if (strcmp(c->gkey[g], c->gkey[h]) == 0) {
                fprintf(stderr, "gdl: compare: two guidelines are both %s\n", c->gkey[g]);
                rc = 2;
            }
    }
    uint32_t inited = 0;
    if (rc == 0 && outputs_collect(progs, n, &c->keys) != 0)
        rc = 3;
    for (; rc == 0 && inited < n; inited++) {
        if (gdl_vm_init(&c->vm[inited], progs[inited]) != 0) {
            rc = 3;
            break;
        }
        if (outputs_map(&c->keys, progs[inited], &c->map[inited]) != 0) {
            gdl_vm_free(&c->vm[inited]);
            rc = 3;
            break;
        }
    }
    if (rc == 3)
        fprintf(stderr, "gdl: compare: out of memory\n");
    if (rc == 0) {
        size_t nk = c->keys.nkeys ? c->keys.nkeys : 1;
        c->conflicts = calloc(nk, sizeof *c->conflicts);
        c->examples = calloc(nk, sizeof *c->examples);
        FILE *in = strcmp(o->case_path, "-") == 0 ? stdin : fopen(o->case_path, "rb");
        if (!c->conflicts || !c->examples) {
            fprintf(stderr, "gdl: compare: out of memory\n");
            rc = 3;
        } else if (!in) {
            fprintf(stderr, "%s: error: cannot read the case\n", o->case_path);
            rc = 3;
        } else {
            rc = run_cases(c, in, out);
        }
        if (in && in != stdin)
            fclose(in);
    }
    for (uint32_t g = 0; g < inited; g++) {
        gdl_vm_free(&c->vm[g]);
        outputs_map_free(&c->map[g]);
    }
    outputs_free(&c->keys);
    free(c->conflicts);
    free(c->examples);
    arena_free(&c->scratch);
    free(c);
    return rc;
}
