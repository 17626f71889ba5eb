/* explain.c - the answer to "why did it say that?" (docs/explain.md): the
 * targets of an explanation, and their trees (explain_tree.c) as text for
 * clinicians and auditors or as JSON for tools.
 *   fired / true          the whole condition, each part with its value;
 *   not fired / false     only what decided it: the first false part of an
 *                         'and', every part of an 'or';
 *   undecided / unknown   the unknown parts, then the missing findings;
 *   classification        each row above the chosen one with why it failed,
 *                         the chosen row whole, the rows below not reached.
 * Derived facts in a tree are expanded --depth levels deep; classifications
 * and the built-ins are shown with their value (each is a target of its own). */
#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "advice_query.h"
#include "date.h"
#include "opcodes.h"
#include "suggest.h"

typedef struct {
    const GdlVm *vm;
    const GdlProgram *p;
    const ExplainOptions *opt;
    ExplainIndex index;
    ExplainNode **trees;    /* per fact, built on first use */
    Arena arena;
    ByteBuf *b;
    bool en;
    bool failed;
    uint32_t openings;      /* derived facts opened for the current target */
    char *err;
    size_t errlen;
} Explainer;

static const char *L(const Explainer *x, const char *nl, const char *en)
{
    return x->en ? en : nl;
}

static const char *S(const Explainer *x, uint16_t s)
{
    return s == GDL_NONE ? "" : gdl_str(x->p, s);
}

/* The tree of derived fact f, evaluated on the run; NULL for inputs or
 * when it cannot be built (x->failed). */
static ExplainNode *tree_of(Explainer *x, uint32_t f)
{
    if (f < x->p->ninputs)
        return NULL;
    if (!x->trees[f]) {
        x->trees[f] = explain_build(&x->index, f, &x->arena, x->err, x->errlen);
        if (!x->trees[f]) {
            x->failed = true;
            return NULL;
        }
        explain_eval(x->vm, x->trees[f]);
        if (!explain_same_value(&x->trees[f]->value, &x->vm->facts[f])) {
            snprintf(x->err, x->errlen, "internal error: the explanation of '%s' disagrees with the run",
                     S(x, x->p->facts[f].name));
            x->failed = true;
        }
    }
    return x->trees[f];
}

/* ---- values and names in words ----------------------------------------- */

static void put_words_of_id(const Explainer *x, LabelKind kind, const char *id)
{
    report_put_label(x->b, kind, id, x->en);
}

static void put_ids(const Explainer *x, const char *kind, const char *id)
{
    if (x->opt->ids)
        buf_printf(x->b, " {%s%s%s}", kind, *kind ? ":" : "", id);
}

static const char *symbol(const Explainer *x, uint16_t sym_fact, double v)
{
    if (sym_fact == GDL_NONE || !(v >= 0 && v < x->p->facts[sym_fact].sym_count))
        return NULL;
    return S(x, x->p->syms[x->p->facts[sym_fact].sym_first + (uint32_t)v]);
}

static const char *truth_word(const Explainer *x, const GdlValue *v)
{
    return v->tag == VT_UNKNOWN ? L(x, "onbekend", "unknown") : gdl_is_true(v) ? L(x, "ja", "yes") : L(x, "nee", "no");
}

/* A value in words: yes/no, an enum symbol's label, a date, a number with
 * its unit, a text, a list; unknown as "onbekend". */
static void put_value(const Explainer *x, const GdlValue *v, uint8_t type, uint16_t sym_fact, uint16_t unit)
{
    if (v->tag == VT_UNKNOWN || type == GT_BOOL) {
        buf_puts(x->b, truth_word(x, v));
        return;
    }
    if (v->tag == VT_STR) {
        buf_putc(x->b, '"');
        for (uint32_t i = 0; i < v->len; i++)
            buf_putc(x->b, (unsigned char)v->as.str[i] < 0x20 ? '?' : v->as.str[i]);
        buf_putc(x->b, '"');
        return;
    }
    if (v->tag == VT_LIST) {
        buf_putc(x->b, '[');
        for (uint32_t i = 0; i < v->len; i++) {
            buf_puts(x->b, i ? ", " : "");
            buf_json_number(x->b, v->as.items[i]);
        }
        buf_putc(x->b, ']');
        return;
    }
    const char *sym = type == GT_ENUM ? symbol(x, sym_fact, v->as.num) : NULL;
    if (sym) {
        put_words_of_id(x, LABEL_VALUE, sym);
        return;
    }
    if (type == GT_DATE && v->as.num >= GDL_DAY_FIRST && v->as.num <= GDL_DAY_LAST) {
        char date[11];
        gdl_date_format((int32_t)v->as.num, date);
        buf_puts(x->b, date);
        return;
    }
    buf_json_number(x->b, v->as.num);
    if (unit != GDL_NONE) {
        bool one = v->as.num == 1 && report_label(LABEL_UNIT_ONE, S(x, unit), x->en);
        buf_putc(x->b, ' ');
        put_words_of_id(x, one ? LABEL_UNIT_ONE : LABEL_UNIT, S(x, unit));
    }
}

static void put_node_value(const Explainer *x, const ExplainNode *n)
{
    put_value(x, &n->value, n->type, n->sym_fact, n->unit);
}

static const char *kind_words(const Explainer *x, const char *kind, size_t len);

/* A name the guideline gave without words of its own (an outcome, a
 * define): its label (an outcome that shares an exclusion's id, as the
 * referral lrs_severe, means the same: the exclusion's label); else the
 * description of the input it is named after (an exclusion or red flag
 * named after its finding); else the id itself, shown as an id:
 * "rf_tumour_age", not words ("rf tumour age") that read as if the
 * guideline had written them. */
static void put_name_of_id(const Explainer *x, LabelKind kind, const char *id, bool outcome)
{
    if (report_label(kind, id, x->en)) {
        put_words_of_id(x, kind, id);
        return;
    }
    if (outcome && report_label(LABEL_EXCLUSION, id, x->en)) {
        put_words_of_id(x, LABEL_EXCLUSION, id);
        return;
    }
    for (uint32_t f = 0; f < x->p->ninputs; f++) {
        const GdlFact *in = &x->p->facts[f];
        uint16_t t = x->en ? in->text_en : in->text_nl;
        if (t == GDL_NONE)
            t = x->en ? in->text_nl : in->text_en;
        if (t != GDL_NONE && strcmp(S(x, in->name), id) == 0) {
            buf_puts(x->b, S(x, t));
            return;
        }
    }
    buf_puts(x->b, id);
}

static LabelKind outcome_label_kind(uint8_t kind)
{
    return kind == OK_EXCLUSION ? LABEL_EXCLUSION : kind == OK_SCHEDULE ? LABEL_SCHEDULE : LABEL_VALUE;
}

/* An outcome's condition, "kind:id", as "Kind: its name" (put_name_of_id). */
static void put_outcome_words(const Explainer *x, const char *name)
{
    const char *colon = strchr(name, ':');
    const char *kind = kind_words(x, name, (size_t)(colon - name));
    LabelKind label = strncmp(name, "exclusion:", 10) == 0 ? LABEL_EXCLUSION
                    : strncmp(name, "schedule:", 9) == 0 ? LABEL_SCHEDULE : LABEL_VALUE;
    buf_printf(x->b, "%s: ", kind);
    put_name_of_id(x, label, colon + 1, true);
}

/* A fact in words: an input's description, a classification's name, a
 * built-in's meaning, a define's name with spaces. */
static void put_fact_words(const Explainer *x, uint32_t f)
{
    const GdlFact *fact = &x->p->facts[f];
    const char *name = S(x, fact->name);
    uint16_t t = x->en ? fact->text_en : fact->text_nl;
    if (t == GDL_NONE)
        t = x->en ? fact->text_nl : fact->text_en;
    if (fact->kind == FK_INPUT && t != GDL_NONE)
        buf_puts(x->b, S(x, t));
    else if (fact->kind == FK_CLASSIFY)
        put_words_of_id(x, LABEL_CLASSIFICATION, name);
    else if (strcmp(name, "in_scope") == 0)
        buf_puts(x->b, L(x, "binnen de richtlijn", "in scope"));
    else if (strcmp(name, "red_flagged") == 0)
        buf_puts(x->b, L(x, "rode vlag", "red flag"));
    else if (fact->kind == FK_OUTCOME && strchr(name, ':'))
        put_outcome_words(x, name);
    else
        put_name_of_id(x, LABEL_VALUE, name, false);
    put_ids(x, "", name);
}

/* ---- text ---------------------------------------------------------------- */

/* A derived fact used many times over, in a chain of defines each using the
 * one before many times, would open exponentially often within the depth:
 * after this many openings per target, facts show with their value only. */
enum { STATE_WIDTH = 10, MAX_OPENINGS = 2000 };

static bool expandable(const Explainer *x, uint32_t f)
{
    uint8_t kind = x->p->facts[f].kind;
    return (kind == FK_DEFINE || kind == FK_OUTCOME || kind == FK_DATE) && x->openings < MAX_OPENINGS;
}

static bool is_block(const Explainer *x, const ExplainNode *n, uint32_t depth)
{
    switch ((ExplainNodeKind)n->kind) {
    case XN_TABLE: case XN_GUARD: return true;
    case XN_FACT: return depth > 0 && expandable(x, n->index);
    case XN_OP:
        if (n->op == OP_AND || n->op == OP_OR || n->op == OP_AT_LEAST)
            return true;
        if (n->op == OP_NOT || n->op == OP_COALESCE)
            for (uint32_t i = 0; i < n->nkids; i++)
                if (is_block(x, n->kids[i], depth))
                    return true;
        return false;
    default: return false;
    }
}

static const char *const CMP_SIGN[] = { [OP_EQ] = " = ", [OP_NE] = " ≠ ", [OP_LT] = " < ", [OP_LE] = " ≤ ",
                                        [OP_GT] = " > ", [OP_GE] = " ≥ ", [OP_STR_EQ] = " = ", [OP_ADD] = " + ",
                                        [OP_SUB] = " - ", [OP_MUL] = " × ", [OP_DIV] = " / " };

static void put_inline(const Explainer *x, const ExplainNode *n);

static void put_inline_list(const Explainer *x, const ExplainNode *n, uint32_t from, const char *sep)
{
    for (uint32_t i = from; i < n->nkids; i++) {
        buf_puts(x->b, i > from ? sep : "");
        put_inline(x, n->kids[i]);
    }
}

/* An expression on one line, each fact and parameter with its value. */
static void put_inline(const Explainer *x, const ExplainNode *n)
{
    switch ((ExplainNodeKind)n->kind) {
    case XN_CONST: put_node_value(x, n); return;
    case XN_FACT:
        put_fact_words(x, n->index);
        buf_puts(x->b, " (");
        if (n->value.tag == VT_UNKNOWN && n->index < x->p->ninputs)
            buf_puts(x->b, L(x, "ontbreekt", "missing"));
        else
            put_node_value(x, n);
        buf_putc(x->b, ')');
        return;
    case XN_PARAM:
        put_node_value(x, n);
        if (x->opt->ids)
            buf_printf(x->b, " {param:%s}", S(x, x->p->params[n->index].name));
        return;
    case XN_TABLE: case XN_GUARD:
        buf_puts(x->b, L(x, "tabel", "table"));
        return;
    case XN_OP: break;
    }
    switch ((Opcode)n->op) {
    case OP_AND: case OP_OR:
        buf_putc(x->b, '(');
        put_inline_list(x, n, 0, n->op == OP_AND ? L(x, " en ", " and ") : L(x, " of ", " or "));
        buf_putc(x->b, ')');
        return;
    case OP_NOT: buf_puts(x->b, L(x, "niet ", "not ")); put_inline(x, n->kids[0]); return;
    case OP_NEG: buf_putc(x->b, '-'); put_inline(x, n->kids[0]); return;
    case OP_KNOWN: put_inline(x, n->kids[0]); buf_puts(x->b, L(x, " is bekend", " is known")); return;
    case OP_COALESCE: put_inline_list(x, n, 0, L(x, ", anders ", ", else ")); return;
    case OP_AT_LEAST: case OP_COUNT:
        if (n->op == OP_AT_LEAST) {
            buf_puts(x->b, L(x, "ten minste ", "at least "));
            put_inline(x, n->kids[0]);
            buf_puts(x->b, L(x, " van (", " of ("));
        } else {
            buf_puts(x->b, L(x, "aantal van (", "number of ("));
        }
        put_inline_list(x, n, n->op == OP_AT_LEAST, "; ");
        buf_putc(x->b, ')');
        return;
    case OP_DAYS_BETWEEN: case OP_WEEKS_BETWEEN:
        buf_puts(x->b, n->op == OP_DAYS_BETWEEN ? L(x, "dagen van ", "days from ") : L(x, "weken van ", "weeks from "));
        put_inline_list(x, n, 0, L(x, " tot ", " to "));
        return;
    case OP_SUM_LIST: case OP_SUM_ITEMS:
        buf_puts(x->b, L(x, "som van ", "sum of "));
        put_inline(x, n->kids[0]);
        if (n->op == OP_SUM_ITEMS)
            buf_printf(x->b, L(x, " items %u-%u", " items %u-%u"), n->item_first, n->item_last);
        return;
    default:
        if (n->nkids == 2 && n->op < sizeof CMP_SIGN / sizeof CMP_SIGN[0] && CMP_SIGN[n->op]) {
            bool arith = n->op >= OP_ADD && n->op <= OP_DIV;
            buf_puts(x->b, arith ? "(" : "");
            put_inline_list(x, n, 0, CMP_SIGN[n->op]);
            buf_puts(x->b, arith ? ")" : "");
            return;
        }
        buf_puts(x->b, OP_INFO[n->op].name);
    }
}

/* One line: the state column (a truth value, or blank for other values),
 * the indentation, then the text the caller writes. */
static void put_line_start(const Explainer *x, const GdlValue *v, uint8_t type, uint32_t indent)
{
    const char *state = type == GT_BOOL || v->tag == VT_UNKNOWN ? truth_word(x, v) : "";
    buf_printf(x->b, "  %-*s", STATE_WIDTH, state);     /* pads by bytes: the words are ASCII */
    for (uint32_t i = 0; i < indent; i++)
        buf_puts(x->b, "  ");
}

/* Which kids explain a value when only what decided it is shown: for
 * 'and' false, the first false part; 'or' true, the first true part;
 * unknown, the unknown parts; otherwise all. */
static bool kid_shown(const ExplainNode *n, uint32_t i, bool full, uint32_t *first_seen)
{
    const GdlValue *v = &n->value, *k = &n->kids[i]->value;
    if (full || n->kind != XN_OP || (n->op != OP_AND && n->op != OP_OR && n->op != OP_AT_LEAST))
        return true;
    if (n->op == OP_AT_LEAST && i == 0)
        return false;   /* the threshold is in the heading */
    if (v->tag == VT_UNKNOWN)
        return k->tag == VT_UNKNOWN;
    bool deciding = n->op == OP_OR ? gdl_is_true(v) : n->op == OP_AND ? gdl_is_false(v) : false;
    if (!deciding)
        return n->op != OP_AT_LEAST || (gdl_is_true(v) ? gdl_is_true(k) : !gdl_is_true(k));
    if (k->tag != VT_NUM || (k->as.num != 0) != gdl_is_true(v) || (*first_seen)++)
        return false;
    return true;
}

static void put_block(Explainer *x, const ExplainNode *n, uint32_t indent, uint32_t depth, bool full);

static void put_kids(Explainer *x, const ExplainNode *n, uint32_t indent, uint32_t depth, bool full)
{
    uint32_t first_seen = 0, hidden = 0;
    for (uint32_t i = 0; i < n->nkids; i++) {
        if (kid_shown(n, i, full, &first_seen))
            put_block(x, n->kids[i], indent, depth, full);
        else
            hidden += !(n->op == OP_AT_LEAST && i == 0);
    }
    if (hidden) {
        put_line_start(x, &(GdlValue){ VT_NUM, 0, { 0 } }, 0, indent);
        if (hidden == 1)
            buf_puts(x->b, L(x, "(+ 1 ander deel, niet beslissend)\n", "(+ 1 other part, not deciding)\n"));
        else
            buf_printf(x->b, L(x, "(+ %u andere delen, niet beslissend)\n", "(+ %u other parts, not deciding)\n"), hidden);
    }
}

static void put_table(Explainer *x, const ExplainNode *n, uint32_t indent, uint32_t depth)
{
    uint32_t rows = n->nkids - 1;
    bool decided = false;
    for (uint32_t i = 0; i < rows && !decided; i++) {
        const ExplainNode *c = n->kids[i];
        decided = !gdl_is_false(&c->value);
        put_line_start(x, &c->value, GT_BOOL, indent);
        buf_printf(x->b, L(x, "rij %u → ", "row %u → "), i + 1);
        put_value(x, &(GdlValue){ VT_NUM, 0, { .num = n->row_values[i] } }, n->type, n->sym_fact, n->unit);
        buf_puts(x->b, gdl_is_true(&c->value) ? L(x, " (gekozen)", " (chosen)") : "");
        if (is_block(x, c, depth)) {
            buf_puts(x->b, ":\n");
            put_block(x, c, indent + 2, depth, gdl_is_true(&c->value));
        } else {
            buf_puts(x->b, ": ");
            put_inline(x, c);
            buf_putc(x->b, '\n');
        }
    }
    const ExplainNode *other = n->kids[rows];
    if (decided) {
        put_line_start(x, &(GdlValue){ VT_NUM, 0, { 0 } }, 0, indent);
        buf_puts(x->b, L(x, "(de rijen eronder zijn niet bereikt)\n", "(the rows below were not reached)\n"));
        return;
    }
    put_line_start(x, &other->value, other->type, indent);
    buf_puts(x->b, L(x, "anders → ", "otherwise → "));
    put_node_value(x, other);
    buf_puts(x->b, other->value.tag == VT_UNKNOWN ? "\n" : L(x, " (gekozen)\n", " (chosen)\n"));
}

/* A node on its own line, and its parts below it. `full`: every part (the
 * node is what fired); else only the parts that decided its value. */
static void put_block(Explainer *x, const ExplainNode *n, uint32_t indent, uint32_t depth, bool full)
{
    if (x->failed)
        return;
    put_line_start(x, &n->value, n->type, indent);
    if (!is_block(x, n, depth)) {
        put_inline(x, n);
        if (n->type != GT_BOOL && n->value.tag != VT_UNKNOWN && n->kind != XN_FACT && n->kind != XN_CONST
            && n->kind != XN_PARAM) {
            buf_puts(x->b, " = ");
            put_node_value(x, n);
        }
        buf_putc(x->b, '\n');
        return;
    }
    switch ((ExplainNodeKind)n->kind) {
    case XN_FACT: {
        ExplainNode *def = tree_of(x, n->index);
        x->openings++;
        put_fact_words(x, n->index);
        if (n->type != GT_BOOL) {
            buf_puts(x->b, " = ");
            put_node_value(x, n);
        }
        buf_puts(x->b, L(x, ", want:\n", ", because:\n"));
        if (def)
            put_block(x, def, indent + 1, depth - 1, full);
        return;
    }
    case XN_TABLE:
        buf_puts(x->b, L(x, "tabel:\n", "table:\n"));
        put_table(x, n, indent + 1, depth);
        return;
    case XN_GUARD:
        buf_puts(x->b, L(x, "alleen van toepassing als:\n", "applies only when:\n"));
        /* the condition's own fact (classify-applies:NAME) has no words: its definition */
        const ExplainNode *cond = n->kids[0];
        if (cond->kind == XN_FACT && expandable(x, cond->index) && tree_of(x, cond->index))
            cond = tree_of(x, cond->index);
        put_block(x, cond, indent + 1, depth, full);
        if (gdl_is_true(&n->kids[0]->value))
            put_block(x, n->kids[1], indent, depth, full);
        return;
    case XN_OP:
        break;
    default:
        return;
    }
    switch ((Opcode)n->op) {
    case OP_AND: buf_puts(x->b, L(x, "alle:\n", "all of:\n")); break;
    case OP_OR: buf_puts(x->b, L(x, "een van:\n", "any of:\n")); break;
    case OP_NOT: buf_puts(x->b, L(x, "niet:\n", "not:\n")); break;
    case OP_COALESCE: buf_puts(x->b, L(x, "de eerste bekende van:\n", "the first known of:\n")); break;
    default:
        buf_puts(x->b, L(x, "ten minste ", "at least "));
        put_inline(x, n->kids[0]);
        buf_puts(x->b, L(x, " van:\n", " of:\n"));
        break;
    }
    /* under a 'not', what decides is the opposite part */
    put_kids(x, n, indent + 1, depth, full);
}

/* ---- targets --------------------------------------------------------------- */

typedef struct {
    uint32_t fact;          /* the fact explained */
    const GdlOutcome *o;    /* the outcome, or NULL */
    const char *kind;       /* as in "missing": scope, red_flag, ..., classification, define */
    const char *id;
} Target;

/* The kinds of target, with their words, in the order the error for an
 * unknown kind lists them: the scope, the outcome kinds (outcome_kinds.def
 * names them; a row gives the kind), the classifications and the defines. */
typedef struct {
    OutcomeKind outcome;    /* OK__NONE: not an outcome, named by name */
    const char *name, *nl, *en;
} TargetKind;
static const TargetKind TARGET_KINDS[] = {
    { OK__NONE, "scope", "Binnen de richtlijn", "In scope" }, { OK_EXCLUSION, NULL, "Uitsluiting", "Exclusion" },
    { OK_RED_FLAG, NULL, "Rode vlag", "Red flag" }, { OK_REFERRAL, NULL, "Verwijzing", "Referral" },
    { OK__NONE, "classification", "Classificatie", "Classification" }, { OK_ADVICE, NULL, "Advies", "Advice" },
    { OK_SCHEDULE, NULL, "Planning", "Schedule" }, { OK_MEASUREMENT, NULL, "Meting", "Measurement" },
    { OK__NONE, "define", "Afgeleid gegeven", "Derived fact" },
};
enum { TARGET_KIND_COUNT = sizeof TARGET_KINDS / sizeof TARGET_KINDS[0] };
_Static_assert(TARGET_KIND_COUNT == OK__COUNT - 1 + 3, "a row for each outcome kind, and scope, classification, define");

static const char *target_kind_name(const TargetKind *k)
{
    return k->outcome == OK__NONE ? k->name : gdl_outcome_kind_name(k->outcome);
}

/* Resolves "kind:id" (or "scope") to targets: every outcome of that kind
 * and id. Returns how many, 0 when none, -1 when the kind is unknown. */
static int resolve(const GdlProgram *p, const char *text, Target *out, uint32_t max)
{
    const char *colon = strchr(text, ':');
    size_t klen = colon ? (size_t)(colon - text) : strlen(text);
    const char *id = colon ? colon + 1 : "";
    if (klen == 5 && strncmp(text, "scope", 5) == 0 && !colon) {
        if (p->in_scope_fact == GDL_NONE)
            return 0;
        out[0] = (Target){ p->in_scope_fact, NULL, "scope", "" };
        return 1;
    }
    uint32_t n = 0;
    for (uint32_t k = OK_EXCLUSION; k < OK__COUNT; k++) {
        const char *name = gdl_outcome_kind_name((OutcomeKind)k);
        if (strlen(name) != klen || strncmp(text, name, klen) != 0)
            continue;
        for (uint32_t i = 0; i < p->noutcomes && n < max; i++)
            if (p->outcomes[i].kind == k && strcmp(gdl_str(p, p->outcomes[i].id), id) == 0)
                out[n++] = (Target){ p->outcomes[i].cond, &p->outcomes[i], name, id };
        return (int)n;
    }
    bool classification = klen == 14 && strncmp(text, "classification", 14) == 0;
    if (!classification && !(klen == 6 && strncmp(text, "define", 6) == 0))
        return -1;
    for (uint32_t f = p->ninputs; f < p->nfacts; f++)
        if (p->facts[f].kind == (classification ? FK_CLASSIFY : FK_DEFINE) && strcmp(gdl_str(p, p->facts[f].name), id) == 0) {
            out[0] = (Target){ f, NULL, classification ? "classification" : "define", id };
            return 1;
        }
    return 0;
}

/* The nearest id of a kind to a misspelled one, or NULL. */
static const char *nearest(const GdlProgram *p, const char *kind, const char *id)
{
    const char *best = NULL;
    unsigned best_d = gdl_suggest_limit(strlen(id)) + 1;
    for (uint32_t i = 0; i < p->noutcomes + p->nfacts; i++) {
        const char *name, *k;
        if (i < p->noutcomes) {
            k = gdl_outcome_kind_name((OutcomeKind)p->outcomes[i].kind);
            name = gdl_str(p, p->outcomes[i].id);
        } else {
            const GdlFact *f = &p->facts[i - p->noutcomes];
            k = f->kind == FK_CLASSIFY ? "classification" : f->kind == FK_DEFINE ? "define" : "";
            name = gdl_str(p, f->name);
        }
        if (strcmp(k, kind) != 0)
            continue;
        unsigned d = gdl_edit_distance(id, strlen(id), name, strlen(name));
        if (d < best_d) {
            best_d = d;
            best = name;
        }
    }
    return best;
}

int explain_check_targets(const GdlProgram *p, const char *const *targets, uint32_t ntargets, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < ntargets; i++) {
        Target t;
        int n = resolve(p, targets[i], &t, 1);
        if (n > 0)
            continue;
        if (n < 0) {
            char kinds[192];
            size_t used = 0;
            for (size_t k = 0; k < TARGET_KIND_COUNT && used < sizeof kinds; k++)
                used += (size_t)snprintf(kinds + used, sizeof kinds - used, "%s%s", k ? ", " : "",
                                         target_kind_name(&TARGET_KINDS[k]));
            snprintf(err, errlen, "'%s' is not KIND:ID with KIND one of %s", targets[i], kinds);
            return -1;
        }
        const char *colon = strchr(targets[i], ':');
        if (!colon) {
            snprintf(err, errlen, "this guideline has no scope to explain");
            return -1;
        }
        char kind[32];
        snprintf(kind, sizeof kind, "%.*s", (int)(colon - targets[i]), targets[i]);
        const char *near = nearest(p, kind, colon + 1);
        snprintf(err, errlen, "no %s '%s' in this guideline%s%s%s", kind, colon + 1, near ? "; did you mean '" : "",
                 near ? near : "", near ? "'?" : "");
        return -1;
    }
    return 0;
}

/* The default targets: the scope when it is undecided, the exclusions, red
 * flags and referrals that fired, in output order, then every
 * classification in the result. */
static uint32_t default_targets(const GdlVm *vm, Target *out)
{
    const GdlProgram *p = vm->p;
    static const OutcomeKind KINDS_SHOWN[] = { OK_EXCLUSION, OK_RED_FLAG, OK_REFERRAL };
    uint32_t n = 0;
    if (p->in_scope_fact != GDL_NONE && vm->facts[p->in_scope_fact].tag == VT_UNKNOWN)
        out[n++] = (Target){ p->in_scope_fact, NULL, "scope", "" };
    for (size_t k = 0; k < sizeof KINDS_SHOWN / sizeof KINDS_SHOWN[0]; k++) {
        uint16_t *list;
        uint32_t count = advice_fired(vm, KINDS_SHOWN[k], &list);
        for (uint32_t i = 0; i < count; i++) {
            const GdlOutcome *o = &p->outcomes[list[i]];
            out[n++] = (Target){ o->cond, o, gdl_outcome_kind_name((OutcomeKind)o->kind), gdl_str(p, o->id) };
        }
    }
    for (uint32_t f = p->ninputs; f < p->nfacts; f++)
        if (p->facts[f].kind == FK_CLASSIFY && advice_classification_applies(vm, f))
            out[n++] = (Target){ f, NULL, "classification", gdl_str(p, p->facts[f].name) };
    return n;
}

/* A kind of target (its first len bytes) in words. */
static const char *kind_words(const Explainer *x, const char *kind, size_t len)
{
    for (size_t i = 0; i < TARGET_KIND_COUNT; i++) {
        const char *name = target_kind_name(&TARGET_KINDS[i]);
        if (strlen(name) == len && strncmp(name, kind, len) == 0)
            return x->en ? TARGET_KINDS[i].en : TARGET_KINDS[i].nl;
    }
    return "?";
}


/* The inputs and classifications an undecided fact waits for (its provenance). */
static void put_missing_text(Explainer *x, uint32_t f)
{
    const uint64_t *d = gdl_fact_deps(x->vm, f);
    bool first = true;
    FOR_EACH_BIT(d, x->vm->words, bit) {
        if (bit >= x->p->ndep_bits)
            continue;
        buf_puts(x->b, first ? L(x, "  Ontbreekt: ", "  Missing: ") : "; ");
        put_fact_words(x, x->vm->dep_fact[bit]);
        first = false;
    }
    if (first)
        buf_puts(x->b, L(x, "  Geen bevinding beslist het", "  No finding would decide it"));
    buf_putc(x->b, '\n');
}

static void explain_text(Explainer *x, const Target *t)
{
    x->openings = 0;
    ExplainNode *root = tree_of(x, t->fact);
    if (!root)
        return;
    const GdlValue *v = &x->vm->facts[t->fact];
    const GdlFact *fact = &x->p->facts[t->fact];
    buf_puts(x->b, kind_words(x, t->kind, strlen(t->kind)));
    if (*t->id) {
        buf_puts(x->b, ": ");
        if (t->o)
            put_name_of_id(x, outcome_label_kind(t->o->kind), t->id, true);
        else if (fact->kind == FK_CLASSIFY)
            put_words_of_id(x, LABEL_CLASSIFICATION, t->id);
        else
            put_name_of_id(x, LABEL_VALUE, t->id, false);
    }
    uint16_t section = t->o ? t->o->section : fact->section;
    if (section != GDL_NONE && *S(x, section))
        buf_printf(x->b, " (%s)", S(x, section));
    if (fact->kind == FK_OUTCOME)
        buf_puts(x->b, v->tag == VT_UNKNOWN ? L(x, " — onbeslist", " — undecided")
                     : gdl_is_true(v) ? L(x, " — van toepassing", " — applies")
                     : L(x, " — niet van toepassing", " — does not apply"));
    else {
        buf_puts(x->b, " = ");
        put_value(x, v, fact->type, fact->type == GT_ENUM ? (uint16_t)t->fact : GDL_NONE, fact->unit);
    }
    if (x->opt->ids)
        buf_printf(x->b, " {%s%s%s}", t->kind, *t->id ? ":" : "", t->id);
    buf_putc(x->b, '\n');
    bool full = gdl_is_true(v) && fact->type == GT_BOOL;
    put_block(x, root, 0, x->opt->depth, full || fact->kind == FK_CLASSIFY);
    if (v->tag == VT_UNKNOWN)
        put_missing_text(x, t->fact);
    if (!x->opt->bare)
        buf_putc(x->b, '\n');
}

/* ---- JSON ------------------------------------------------------------------ */

static void put_json_str(Explainer *x, const char *s)
{
    buf_json_string(x->b, s, strlen(s));
}

static void put_json_value(Explainer *x, const GdlValue *v, uint8_t type, uint16_t sym_fact)
{
    if (v->tag == VT_UNKNOWN) {
        buf_puts(x->b, "null");
    } else if (v->tag == VT_STR) {
        buf_json_string(x->b, v->as.str, v->len);
    } else if (v->tag == VT_LIST) {
        buf_putc(x->b, '[');
        for (uint32_t i = 0; i < v->len; i++) {
            buf_puts(x->b, i ? ", " : "");
            buf_json_number(x->b, v->as.items[i]);
        }
        buf_putc(x->b, ']');
    } else if (type == GT_BOOL) {
        buf_puts(x->b, v->as.num != 0 ? "true" : "false");
    } else if (type == GT_ENUM && symbol(x, sym_fact, v->as.num)) {
        put_json_str(x, symbol(x, sym_fact, v->as.num));
    } else if (type == GT_DATE && v->as.num >= GDL_DAY_FIRST && v->as.num <= GDL_DAY_LAST) {
        char date[11];
        gdl_date_format((int32_t)v->as.num, date);
        put_json_str(x, date);
    } else {
        buf_json_number(x->b, v->as.num);
    }
}

static const char *json_op(uint8_t op)
{
    switch ((Opcode)op) {
    case OP_AND: return "and";
    case OP_OR: return "or";
    case OP_NOT: return "not";
    case OP_EQ: case OP_STR_EQ: return "==";
    case OP_NE: return "!=";
    case OP_LT: return "<";
    case OP_LE: return "<=";
    case OP_GT: return ">";
    case OP_GE: return ">=";
    case OP_ADD: return "+";
    case OP_SUB: return "-";
    case OP_MUL: return "*";
    case OP_DIV: return "/";
    case OP_NEG: return "neg";
    case OP_KNOWN: return "known";
    case OP_COALESCE: return "coalesce";
    case OP_AT_LEAST: return "at_least";
    case OP_COUNT: return "count";
    case OP_DAYS_BETWEEN: return "days_between";
    case OP_WEEKS_BETWEEN: return "weeks_between";
    case OP_SUM_LIST: case OP_SUM_ITEMS: return "sum";
    default: return OP_INFO[op].name;
    }
}

static void put_json_node(Explainer *x, const ExplainNode *n, uint32_t depth);

static void put_json_kids(Explainer *x, const ExplainNode *n, uint32_t from, uint32_t to, uint32_t depth)
{
    buf_putc(x->b, '[');
    for (uint32_t i = from; i < to; i++) {
        buf_puts(x->b, i > from ? ", " : "");
        put_json_node(x, n->kids[i], depth);
    }
    buf_putc(x->b, ']');
}

/* {"op": ..., "value": ..., "args": [...]}; a fact {"fact": name, "kind":
 * ..., "value": ..., "definition": {...} while depth lasts}; a parameter
 * {"param": name, "value": ...}; a literal {"const": value}; a table
 * {"op": "table", "value", "rows": [{"when", "then"}], "otherwise"}; a
 * guard {"op": "applies_when", "value", "when", "then"}. */
static void put_json_node(Explainer *x, const ExplainNode *n, uint32_t depth)
{
    if (x->failed)
        return;
    buf_putc(x->b, '{');
    switch ((ExplainNodeKind)n->kind) {
    case XN_CONST:
        buf_puts(x->b, "\"const\": ");
        put_json_value(x, &n->value, n->type, n->sym_fact);
        break;
    case XN_FACT:
        buf_puts(x->b, "\"fact\": ");
        put_json_str(x, S(x, x->p->facts[n->index].name));
        buf_puts(x->b, ", \"kind\": ");
        put_json_str(x, gdl_fact_kind_name(x->p->facts[n->index].kind));
        buf_puts(x->b, ", \"value\": ");
        put_json_value(x, &n->value, n->type, n->sym_fact);
        if (depth > 0 && expandable(x, n->index)) {
            ExplainNode *def = tree_of(x, n->index);
            x->openings++;
            buf_puts(x->b, ", \"definition\": ");
            if (def)
                put_json_node(x, def, depth - 1);
        }
        break;
    case XN_PARAM:
        buf_puts(x->b, "\"param\": ");
        put_json_str(x, S(x, x->p->params[n->index].name));
        buf_puts(x->b, ", \"value\": ");
        put_json_value(x, &n->value, n->type, n->sym_fact);
        break;
    case XN_TABLE:
        buf_puts(x->b, "\"op\": \"table\", \"value\": ");
        put_json_value(x, &n->value, n->type, n->sym_fact);
        buf_puts(x->b, ", \"rows\": [");
        for (uint32_t i = 0; i + 1 < n->nkids; i++) {
            buf_puts(x->b, i ? ", {\"when\": " : "{\"when\": ");
            put_json_node(x, n->kids[i], depth);
            buf_puts(x->b, ", \"then\": ");
            put_json_value(x, &(GdlValue){ VT_NUM, 0, { .num = n->row_values[i] } }, n->type, n->sym_fact);
            buf_putc(x->b, '}');
        }
        buf_puts(x->b, "], \"otherwise\": ");
        put_json_node(x, n->kids[n->nkids - 1], depth);
        break;
    case XN_GUARD:
        buf_puts(x->b, "\"op\": \"applies_when\", \"value\": ");
        put_json_value(x, &n->value, n->type, n->sym_fact);
        buf_puts(x->b, ", \"when\": ");
        put_json_node(x, n->kids[0], depth);
        buf_puts(x->b, ", \"then\": ");
        put_json_node(x, n->kids[1], depth);
        break;
    case XN_OP:
        buf_puts(x->b, "\"op\": ");
        put_json_str(x, json_op(n->op));
        buf_puts(x->b, ", \"value\": ");
        put_json_value(x, &n->value, n->type, n->sym_fact);
        if (n->op == OP_SUM_ITEMS)
            buf_printf(x->b, ", \"items\": [%u, %u]", n->item_first, n->item_last);
        buf_puts(x->b, ", \"args\": ");
        put_json_kids(x, n, 0, n->nkids, depth);
        break;
    }
    buf_putc(x->b, '}');
}

static void explain_json(Explainer *x, const Target *t, bool first)
{
    x->openings = 0;
    ExplainNode *root = tree_of(x, t->fact);
    if (!root)
        return;
    const GdlFact *fact = &x->p->facts[t->fact];
    buf_puts(x->b, first ? "\n    {\"target\": " : ",\n    {\"target\": ");
    buf_printf(x->b, "\"%s%s%s\"", t->kind, *t->id ? ":" : "", t->id);
    uint16_t section = t->o ? t->o->section : fact->section;
    buf_puts(x->b, ", \"section\": ");
    if (section != GDL_NONE)
        put_json_str(x, S(x, section));
    else
        buf_puts(x->b, "null");
    buf_puts(x->b, ", \"value\": ");
    put_json_value(x, &x->vm->facts[t->fact], fact->type, fact->type == GT_ENUM ? (uint16_t)t->fact : GDL_NONE);
    buf_puts(x->b, ", \"missing\": [");
    if (x->vm->facts[t->fact].tag == VT_UNKNOWN) {
        const uint64_t *d = gdl_fact_deps(x->vm, t->fact);
        bool any = false;
        FOR_EACH_BIT(d, x->vm->words, bit) {
            if (bit >= x->p->ndep_bits)
                continue;
            buf_puts(x->b, any ? ", " : "");
            put_json_str(x, S(x, x->p->facts[x->vm->dep_fact[bit]].name));
            any = true;
        }
    }
    buf_puts(x->b, "],\n     \"condition\": ");
    put_json_node(x, root, x->opt->depth);
    buf_putc(x->b, '}');
}

/* ---- entry ----------------------------------------------------------------- */

int explain_write(const GdlVm *vm, const char *const *targets, uint32_t ntargets, const ExplainOptions *opt,
                  ByteBuf *out, char *err, size_t errlen)
{
    const GdlProgram *p = vm->p;
    Explainer x = { .vm = vm, .p = p, .opt = opt, .b = out, .en = gdl_labels_en(opt->lang), .err = err,
                    .errlen = errlen };
    uint32_t max = p->noutcomes + p->nfacts + 1;
    x.trees = calloc(p->nfacts + 1u, sizeof *x.trees);
    Target *list = calloc(max, sizeof *list);
    if (!x.trees || !list || explain_index_init(&x.index, p) != 0) {
        free(x.trees);
        free(list);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    arena_init(&x.arena, 0);
    uint32_t n = 0;
    if (ntargets == 0)
        n = default_targets(vm, list);
    for (uint32_t i = 0; i < ntargets; i++) {
        int got = resolve(p, targets[i], list + n, max - n);
        n += got > 0 ? (uint32_t)got : 0;
    }
    if (opt->json) {
        int case_id = gdl_vm_find_input(vm, "case_id", 7);
        buf_puts(out, "{\"case_id\": ");
        if (case_id >= 0 && vm->facts[case_id].tag == VT_STR)
            buf_json_string(out, vm->facts[case_id].as.str, vm->facts[case_id].len);
        else
            buf_puts(out, "null");
        buf_puts(out, ",\n  \"explanations\": [");
        for (uint32_t i = 0; i < n && !x.failed; i++)
            explain_json(&x, &list[i], i == 0);
        buf_puts(out, n ? "\n  ]}\n" : "]}\n");
    } else {
        if (!opt->bare)
            buf_puts(out, L(&x, "Waarom\n\n", "Why\n\n"));
        if (n == 0)
            buf_puts(out, L(&x, "  (niets gevonden om uit te leggen)\n", "  (nothing fired to explain)\n"));
        for (uint32_t i = 0; i < n && !x.failed; i++)
            explain_text(&x, &list[i]);
    }
    bool failed = x.failed || out->failed;
    if (out->failed && !x.failed)
        snprintf(err, errlen, "out of memory");
    arena_free(&x.arena);
    explain_index_free(&x.index);
    free(x.trees);
    free(list);
    return failed ? -1 : 0;
}
