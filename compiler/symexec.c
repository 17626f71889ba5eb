/* symexec.c - runs a verified program over every case at once (symexec.h).
 * Two passes over the code: the first finds, for each input, the constants
 * it is compared with and whether it takes part in arithmetic, and from that
 * its points; the second executes every instruction on guarded value sets,
 * with the same semantics as vm.c (Kleene logic, strict operators, division
 * by zero unknown, the first row of a table that is not false decides). */
#include "symexec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "opcodes.h"

#define FAIL(e, ...) (snprintf((e)->error, sizeof (e)->error, __VA_ARGS__), -1)

/* ---- pass 1: what each input is compared with ------------------------ */

typedef enum { ORG_NONE, ORG_CONST, ORG_PURE, ORG_ARITH, ORG_BETWEEN } OriginKind;
enum { ORG_MAX_SRC = 8 };

/* Where a value on the stack comes from. PURE: it is the value of one of its
 * sources; ARITH: computed from them; BETWEEN: weeks/days from src[0] to
 * src[1]. */
typedef struct {
    uint8_t kind, nsrc, days;
    double k;
    uint16_t src[ORG_MAX_SRC];
} Origin;

typedef struct {
    double *crit;           /* constants it is compared with */
    uint32_t ncrit, cap;
    double *bcrit;          /* from-date of a between: constants the result is compared with */
    uint32_t nbcrit, bcap;
    int partner;            /* the to-date of its between, -1 none */
    bool days;              /* days_between rather than weeks */
    bool enumerate;         /* in arithmetic or compared with another input */
    bool anchor;            /* the to-date of a between */
    bool two_partners;
    bool read;
    bool as_bool;           /* used as a truth value */
} ScanInput;

static int push_double(double **a, uint32_t *n, uint32_t *cap, double v)
{
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 8;
        double *na = realloc(*a, sizeof(double) * nc);
        if (!na)
            return -1;
        *a = na;
        *cap = nc;
    }
    (*a)[(*n)++] = v;
    return 0;
}

static void mark_enumerate(ScanInput *in, const Origin *o)
{
    for (uint32_t i = 0; i < o->nsrc; i++)
        in[o->src[i]].enumerate = true;
}

static int note_compare(ScanInput *in, const Origin *x, const Origin *y)
{
    if (x->kind == ORG_CONST && y->kind != ORG_CONST) {
        const Origin *t = x;
        x = y;
        y = t;
    }
    if (y->kind == ORG_CONST) {
        if (x->kind == ORG_PURE) {
            for (uint32_t i = 0; i < x->nsrc; i++)
                if (push_double(&in[x->src[i]].crit, &in[x->src[i]].ncrit, &in[x->src[i]].cap, y->k))
                    return -1;
        } else if (x->kind == ORG_BETWEEN) {
            ScanInput *a = &in[x->src[0]];
            if (push_double(&a->bcrit, &a->nbcrit, &a->bcap, y->k))
                return -1;
        } else {
            mark_enumerate(in, x);
        }
        return 0;
    }
    mark_enumerate(in, x);
    mark_enumerate(in, y);
    return 0;
}

static void merge_sources(ScanInput *in, Origin *r, const Origin *a, const Origin *b)
{
    r->nsrc = 0;
    const Origin *both[2] = { a, b };
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < both[k]->nsrc; i++) {
            bool dup = false;
            for (uint32_t j = 0; j < r->nsrc; j++)
                dup |= r->src[j] == both[k]->src[i];
            if (dup)
                continue;
            if (r->nsrc == ORG_MAX_SRC)     /* too many to follow: enumerate them all */
                in[both[k]->src[i]].enumerate = true;
            else
                r->src[r->nsrc++] = both[k]->src[i];
        }
}

static void use_as_bool(ScanInput *in, const Origin *o)
{
    if (o->kind == ORG_PURE)
        for (uint32_t i = 0; i < o->nsrc; i++)
            in[o->src[i]].as_bool = true;
    else if (o->kind == ORG_ARITH || o->kind == ORG_BETWEEN)
        mark_enumerate(in, o);
}

static uint16_t rd16(const uint8_t *c)
{
    return (uint16_t)(c[0] | c[1] << 8);
}

/* Pass 1 follows the fall-through path only: a table's jumps carry a row
 * value or unknown, which is no input's value. */
static int scan(SxEngine *e, ScanInput *in, bool *has_str_eq)
{
    const GdlProgram *p = e->p;
    Origin *stack = calloc(p->max_stack + 2, sizeof(Origin));
    Origin *fact = calloc(p->nfacts + 1, sizeof(Origin));
    if (!stack || !fact) {
        free(stack);
        free(fact);
        return FAIL(e, "out of memory");
    }
    for (uint32_t f = 0; f < p->ninputs; f++)
        fact[f] = (Origin){ .kind = ORG_PURE, .nsrc = 1, .src = { (uint16_t)f } };
    int sp = -1, rc = 0;
    const Origin none = { 0 };
    for (uint32_t pc = 0; pc < p->ncode && rc == 0;) {
        Opcode op = (Opcode)p->code[pc];
        const uint8_t *a = p->code + pc + 1;
        Origin k = { .kind = ORG_CONST };
        switch (op) {
        case OP_PUSH_TRUE: case OP_PUSH_FALSE: case OP_PUSH_UNKNOWN: case OP_PUSH_STR:
            stack[++sp] = none;
            break;
        case OP_PUSH_NUM: case OP_OTHERWISE:
            k.k = p->numbers[rd16(a)];
            stack[++sp] = k;
            break;
        case OP_LOAD_PARAM:
            k.k = e->params[rd16(a)];
            stack[++sp] = k;
            break;
        case OP_LOAD_FACT:
            if (rd16(a) < p->ninputs)
                in[rd16(a)].read = true;
            stack[++sp] = fact[rd16(a)];
            break;
        case OP_STORE_FACT:
            fact[rd16(a)] = stack[sp--];
            break;
        case OP_COPY_FACT:
            if (rd16(a) < p->ninputs)
                in[rd16(a)].read = true;
            fact[rd16(a + 2)] = fact[rd16(a)];
            break;
        case OP_FACT_CMP_K: case OP_AND_CMP_K: case OP_OR_CMP_K:
            if (rd16(a) < p->ninputs)
                in[rd16(a)].read = true;
            k.k = p->numbers[rd16(a + 2)];
            rc = note_compare(in, &fact[rd16(a)], &k);
            if (op == OP_FACT_CMP_K)
                stack[++sp] = none;
            else
                use_as_bool(in, &stack[sp]), stack[sp] = none;
            break;
        case OP_AND_FACT: case OP_OR_FACT:
            if (rd16(a) < p->ninputs)
                in[rd16(a)].read = true;
            use_as_bool(in, &fact[rd16(a)]);
            use_as_bool(in, &stack[sp]);
            stack[sp] = none;
            break;
        case OP_AND_FACT_STORE: case OP_OR_FACT_STORE:
            if (rd16(a) < p->ninputs)
                in[rd16(a)].read = true;
            use_as_bool(in, &fact[rd16(a)]);
            use_as_bool(in, &stack[sp]);
            fact[rd16(a + 2)] = none;
            sp--;
            break;
        case OP_AND_STORE: case OP_OR_STORE:
            use_as_bool(in, &stack[sp]);
            use_as_bool(in, &stack[sp - 1]);
            fact[rd16(a)] = none;
            sp -= 2;
            break;
        case OP_NOT:
            use_as_bool(in, &stack[sp]);
            stack[sp] = none;
            break;
        case OP_AND: case OP_OR:
            use_as_bool(in, &stack[sp]);
            use_as_bool(in, &stack[sp - 1]);
            stack[--sp] = none;
            break;
        case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
            rc = note_compare(in, &stack[sp - 1], &stack[sp]);
            stack[--sp] = none;
            break;
        case OP_STR_EQ:
            *has_str_eq = true;
            stack[--sp] = none;
            break;
        case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: {
            Origin r = { .kind = ORG_ARITH };
            merge_sources(in, &r, &stack[sp - 1], &stack[sp]);
            if (stack[sp - 1].kind == ORG_CONST && stack[sp].kind == ORG_CONST)
                r = (Origin){ .kind = ORG_CONST, .k = 0 };    /* constants only: nothing to partition */
            mark_enumerate(in, &r);
            stack[--sp] = r;
            break;
        }
        case OP_NEG:
            if (stack[sp].kind != ORG_CONST) {
                mark_enumerate(in, &stack[sp]);
                stack[sp].kind = ORG_ARITH;
            } else {
                stack[sp].k = -stack[sp].k;
            }
            break;
        case OP_KNOWN:
            stack[sp] = none;
            break;
        case OP_COALESCE: {
            Origin r = { .kind = ORG_PURE };
            const Origin *x = &stack[sp - 1], *y = &stack[sp];
            if (x->kind == ORG_CONST && y->kind == ORG_CONST)
                r = *x;
            else if (x->kind == ORG_ARITH || y->kind == ORG_ARITH || x->kind == ORG_BETWEEN || y->kind == ORG_BETWEEN)
                r.kind = ORG_ARITH;
            merge_sources(in, &r, x, y);
            if (r.kind == ORG_ARITH)
                mark_enumerate(in, &r);
            stack[--sp] = r;
            break;
        }
        case OP_AT_LEAST: case OP_COUNT: {
            int n = p->code[pc + 1];
            int first = sp - n + 1;
            for (int i = first; i <= sp; i++)
                use_as_bool(in, &stack[i]);
            if (op == OP_AT_LEAST) {
                if (stack[first - 1].kind != ORG_CONST)
                    mark_enumerate(in, &stack[first - 1]);
                first--;
            }
            sp = first;
            stack[sp] = none;
            break;
        }
        case OP_DAYS_BETWEEN: case OP_WEEKS_BETWEEN: {
            const Origin *x = &stack[sp - 1], *y = &stack[sp];
            Origin r = { .kind = ORG_ARITH };
            if (x->kind == ORG_PURE && y->kind == ORG_PURE && x->nsrc == 1 && y->nsrc == 1 && x->src[0] != y->src[0]) {
                ScanInput *from = &in[x->src[0]];
                if (from->partner >= 0 && (from->partner != y->src[0] || from->days != (op == OP_DAYS_BETWEEN)))
                    from->two_partners = true;
                from->partner = y->src[0];
                from->days = op == OP_DAYS_BETWEEN;
                in[y->src[0]].anchor = true;
                r = (Origin){ .kind = ORG_BETWEEN, .nsrc = 2, .days = op == OP_DAYS_BETWEEN,
                              .src = { x->src[0], y->src[0] } };
            } else {
                merge_sources(in, &r, x, y);
                mark_enumerate(in, &r);
            }
            stack[--sp] = r;
            break;
        }
        case OP_SUM_LIST: case OP_SUM_ITEMS:
            stack[sp].kind = stack[sp].kind == ORG_CONST ? ORG_CONST : ORG_ARITH;
            mark_enumerate(in, &stack[sp]);
            break;
        case OP_CLASSIFY_ROW: case OP_GUARD:
            use_as_bool(in, &stack[sp]);
            sp--;
            break;
        case OP_HALT:
            break;
        default:
            rc = FAIL(e, "instruction %s at %u is not supported by gdl verify", OP_INFO[op].name, pc);
            break;
        }
        pc += OP_FORMAT_SIZE[OP_INFO[op].format];
    }
    free(stack);
    free(fact);
    return rc;
}

/* ---- domains --------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorted, without duplicates. */
static uint32_t sort_unique(double *v, uint32_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (m == 0 || v[i] != v[m - 1])
            v[m++] = v[i];
    return m;
}

/* One point in every class of values that the comparisons with crit[]
 * cannot tell apart, within [lo, hi] (has_lo/has_hi: bounded; lo_excl/
 * hi_excl: exclusive ends). Integral: whole numbers only. */
static uint32_t class_points(bool integral, bool has_lo, bool lo_excl, double lo, bool has_hi, bool hi_excl, double hi,
                             const double *crit, uint32_t ncrit, double *out)
{
    double cmin = 0, cmax = 0;
    for (uint32_t i = 0; i < ncrit; i++) {
        if (i == 0 || crit[i] < cmin) cmin = crit[i];
        if (i == 0 || crit[i] > cmax) cmax = crit[i];
    }
    if (!has_lo) { lo = (ncrit ? cmin : 0) - 1; lo_excl = false; }
    if (!has_hi) { hi = (ncrit ? cmax : 0) + 1; hi_excl = false; }
    uint32_t n = 0;
    if (integral) {
        double l = lo_excl ? floor(lo) + 1 : ceil(lo), h = hi_excl ? ceil(hi) - 1 : floor(hi);
        out[n++] = l;
        out[n++] = h;
        for (uint32_t i = 0; i < ncrit; i++) {
            out[n++] = floor(crit[i]) - 1;
            out[n++] = floor(crit[i]);
            out[n++] = floor(crit[i]) + 1;
            out[n++] = ceil(crit[i]) + 1;
        }
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++)
            if (out[i] >= l && out[i] <= h)
                out[m++] = out[i];
        return sort_unique(out, m);
    }
    /* Numbers: the bounds that belong to the range, the constants inside
     * it, and a point strictly between every two neighbours. */
    double *s = out + 0;
    uint32_t ns = 0;
    s[ns++] = lo;
    s[ns++] = hi;
    for (uint32_t i = 0; i < ncrit; i++)
        if (crit[i] > lo && crit[i] < hi)
            s[ns++] = crit[i];
    ns = sort_unique(s, ns);
    uint32_t total = ns;
    for (uint32_t i = 0; i + 1 < ns; i++)
        s[total++] = (s[i] + s[i + 1]) / 2;
    uint32_t m = 0;
    for (uint32_t i = 0; i < total; i++) {
        if ((s[i] == lo && lo_excl) || (s[i] == hi && hi_excl))
            continue;
        s[m++] = s[i];
    }
    return sort_unique(s, m);
}

static double *alloc_points(SxEngine *e, uint32_t n)
{
    return arena_alloc(&e->arena, sizeof(double) * (n ? n : 1));
}

/* The reference "to" date of a between: a fixed day, 2024-01-01. Only the
 * difference to the "from" date matters to the program. */
static double reference_day(void)
{
    double d = 0;
    gdl_date_parse_str("2024-01-01", &d);
    return d;
}

static int list_domain(SxEngine *e, SxDomain *d, const GdlFact *f, uint32_t input)
{
    uint32_t lmin = (f->flags & IN_HAS_LEN) ? f->len_min : 0, lmax = (f->flags & IN_HAS_LEN) ? f->len_max : 0;
    double imin = (f->flags & IN_HAS_MIN) ? f->min : 0, imax = (f->flags & IN_HAS_MAX) ? f->max : 0;
    if (f->flags & IN_MIN_EXCL) imin = floor(imin) + 1;
    if (f->flags & IN_MAX_EXCL) imax = ceil(imax) - 1;
    imin = ceil(imin);
    imax = floor(imax);
    double values = imax - imin + 1, total = 0;
    bool fits = (f->flags & IN_HAS_LEN) && (f->flags & IN_HAS_MIN) && (f->flags & IN_HAS_MAX) && values >= 1;
    for (uint32_t len = lmin; fits && len <= lmax && total <= SX_MAX_ENUMERATED; len++)
        total += pow(values, len);
    if (!fits || total > SX_MAX_ENUMERATED) {
        /* Too many lists: the shortest ones with all items at the low end, then at the high end. */
        d->inexact = "a list with too many possible values: only the shortest lists at both ends of the item range are tried";
        total = 2;
        values = 0;
    }
    uint32_t base = d->npoints;
    uint32_t n = base + (uint32_t)total;
    double *pts = alloc_points(e, n);
    double **lists = arena_zalloc(&e->arena, sizeof(double *) * n);
    uint32_t *lens = arena_zalloc(&e->arena, sizeof(uint32_t) * n);
    if (!pts || !lists || !lens)
        return FAIL(e, "out of memory");
    if (base)
        pts[0] = 0;
    uint32_t k = base;
    if (values == 0) {
        for (int end = 0; end < 2; end++, k++) {
            lens[k] = lmin;
            lists[k] = arena_alloc(&e->arena, sizeof(double) * (lmin + 1));
            if (!lists[k])
                return FAIL(e, "out of memory");
            for (uint32_t i = 0; i < lmin; i++)
                lists[k][i] = end ? imax : imin;
        }
    } else {
        for (uint32_t len = lmin; len <= lmax; len++) {
            uint32_t count = (uint32_t)pow(values, len);
            for (uint32_t c = 0; c < count; c++, k++) {
                lens[k] = len;
                lists[k] = arena_alloc(&e->arena, sizeof(double) * (len + 1));
                if (!lists[k])
                    return FAIL(e, "out of memory");
                uint32_t rest = c;
                for (uint32_t i = 0; i < len; i++) {
                    lists[k][len - 1 - i] = imin + rest % (uint32_t)values;
                    rest /= (uint32_t)values;
                }
            }
        }
    }
    for (uint32_t i = base; i < n; i++)
        pts[i] = (double)input * 65536.0 + i;   /* a list value: which input, which point */
    d->points = pts;
    d->lists = lists;
    d->list_lens = lens;
    d->npoints = n;
    return 0;
}

static int string_domain(SxEngine *e, SxDomain *d, const GdlFact *f, uint32_t input, bool with_constants)
{
    const GdlProgram *p = e->p;
    uint32_t nconst = 0;
    if (with_constants)
        for (uint32_t pc = 0; pc < p->ncode; pc += OP_FORMAT_SIZE[OP_INFO[p->code[pc]].format])
            nconst += p->code[pc] == OP_PUSH_STR;
    uint32_t n = d->npoints + 1 + nconst;
    d->points = alloc_points(e, n);
    d->strings = arena_zalloc(&e->arena, sizeof(char *) * n);
    if (!d->points || !d->strings)
        return FAIL(e, "out of memory");
    uint32_t k = d->npoints;
    /* A text equal to no constant of the program (and to no other input's). */
    uint32_t len = (f->flags & IN_HAS_LEN) && f->len_min > 8 ? f->len_min : 8;
    char *other = arena_alloc(&e->arena, len + 12);
    if (!other)
        return FAIL(e, "out of memory");
    snprintf(other, len + 12, "v%07u", input % 10000000u);
    for (uint32_t i = 8; i < len; i++)
        other[i] = 'x';
    other[len] = '\0';
    d->points[k] = -1.0 - input;
    d->strings[k++] = other;
    if (with_constants)
        for (uint32_t pc = 0; pc < p->ncode; pc += OP_FORMAT_SIZE[OP_INFO[p->code[pc]].format])
            if (p->code[pc] == OP_PUSH_STR) {
                uint16_t s = rd16(p->code + pc + 1);
                uint32_t sl = p->string_lens[s];
                if ((f->flags & IN_HAS_LEN) && (sl < f->len_min || sl > f->len_max))
                    continue;
                bool dup = false;
                for (uint32_t j = d->npoints + 1; j < k; j++)
                    dup |= d->points[j] == s;
                if (!dup) {
                    d->points[k] = s;
                    d->strings[k++] = p->strings[s];
                }
            }
    d->npoints = k;
    return 0;
}

static int numeric_domain(SxEngine *e, SxDomain *d, const GdlFact *f, ScanInput *si)
{
    bool integral = f->type == GT_INT || f->type == GT_DATE;
    bool has_lo = f->flags & IN_HAS_MIN, has_hi = f->flags & IN_HAS_MAX;
    double lo = f->min, hi = f->max;
    if (si->ncrit) {        /* the comparisons as written, for coverage */
        d->thresholds = alloc_points(e, si->ncrit);
        if (!d->thresholds)
            return FAIL(e, "out of memory");
        memcpy(d->thresholds, si->crit, sizeof(double) * si->ncrit);
        d->nthresholds = sort_unique(d->thresholds, si->ncrit);
    }
    if (si->as_bool && push_double(&si->crit, &si->ncrit, &si->cap, 0))
        return FAIL(e, "out of memory");
    if (f->type == GT_DATE && (si->anchor || si->partner >= 0)) {
        double ref = reference_day();
        if (si->enumerate || si->two_partners || si->ncrit || (si->anchor && si->partner >= 0))
            d->inexact = "a date used in more than one comparison or difference: only some dates are tried";
        if (si->partner < 0) {      /* the "to" date: the reference day */
            double *pts = alloc_points(e, d->npoints + 1);
            if (!pts)
                return FAIL(e, "out of memory");
            pts[0] = 0;
            pts[d->npoints++] = ref;
            d->points = pts;
            return 0;
        }
        /* The "from" date: one per class of the difference, in whole weeks or days. */
        double *w = alloc_points(e, 4 * si->nbcrit + 2);
        if (!w)
            return FAIL(e, "out of memory");
        uint32_t nw = class_points(true, false, false, 0, false, false, 0, si->bcrit, si->nbcrit, w);
        double *pts = alloc_points(e, d->npoints + nw);
        if (!pts)
            return FAIL(e, "out of memory");
        pts[0] = 0;
        for (uint32_t i = 0; i < nw; i++)
            pts[d->npoints++] = ref - w[i] * (si->days ? 1 : 7);
        d->points = pts;
        return 0;
    }
    if (si->enumerate) {
        double l = has_lo ? ((f->flags & IN_MIN_EXCL) ? floor(lo) + 1 : ceil(lo)) : 0;
        double h = has_hi ? ((f->flags & IN_MAX_EXCL) ? ceil(hi) - 1 : floor(hi)) : -1;
        if (integral && has_lo && has_hi && h - l + 1 <= SX_MAX_ENUMERATED && f->type != GT_DATE) {
            uint32_t n = (uint32_t)(h - l + 1);
            double *pts = alloc_points(e, d->npoints + n);
            if (!pts)
                return FAIL(e, "out of memory");
            pts[0] = 0;
            for (uint32_t i = 0; i < n; i++)
                pts[d->npoints++] = l + i;
            d->points = pts;
            return 0;
        }
        d->inexact = integral ? "an int in arithmetic with too wide a range: only the values at its comparisons are tried"
                              : "a number in arithmetic: only the values at its comparisons are tried";
    }
    double *pts = alloc_points(e, d->npoints + 4 * si->ncrit + 8);
    if (!pts)
        return FAIL(e, "out of memory");
    uint32_t n = class_points(integral, has_lo, f->flags & IN_MIN_EXCL, lo, has_hi, f->flags & IN_MAX_EXCL, hi,
                              si->crit, si->ncrit, pts + d->npoints);
    if (d->npoints)
        pts[0] = 0;
    d->npoints += n;
    d->points = pts;
    return 0;
}

static uint32_t bits_for(uint32_t n)
{
    uint32_t b = 0;
    while ((1u << b) < n)
        b++;
    return b;
}

/* ---- variable order --------------------------------------------------- */

/* The facts each derived fact reads directly (its code: the instructions
 * since the previous store), in the order of first read. */
typedef struct {
    uint32_t *start, *len;      /* per fact, into dep[] */
    uint32_t *dep;
} Reads;

static int collect_reads(const GdlProgram *p, Reads *r)
{
    r->start = calloc(p->nfacts + 1, sizeof(uint32_t));
    r->len = calloc(p->nfacts + 1, sizeof(uint32_t));
    r->dep = calloc(p->ncode + 1, sizeof(uint32_t));
    if (!r->start || !r->len || !r->dep)
        return -1;
    uint32_t n = 0, seg = 0;
    for (uint32_t pc = 0; pc < p->ncode;) {
        const OpInfo *info = &OP_INFO[p->code[pc]];
        const uint8_t *a = p->code + pc + 1;
        bool reads = info->format == FMT_FKC || info->format == FMT_FF || (info->format == FMT_F && !(info->flags & OPF_STORE));
        if (reads) {
            bool dup = false;
            for (uint32_t i = seg; i < n && !dup; i++)
                dup = r->dep[i] == rd16(a);
            if (!dup)
                r->dep[n++] = rd16(a);
        }
        if (info->flags & OPF_STORE) {
            uint32_t f = rd16(info->format == FMT_FF ? a + 2 : a);
            if (f < p->nfacts) {
                r->start[f] = seg;
                r->len[f] = n - seg;
            }
            seg = n;
        }
        pc += OP_FORMAT_SIZE[info->format];
    }
    return 0;
}

static void order_from(const GdlProgram *p, const Reads *r, uint32_t f, bool *seen, uint32_t *order, uint32_t *n)
{
    if (seen[f])
        return;
    seen[f] = true;
    if (f < p->ninputs) {
        order[(*n)++] = f;
        return;
    }
    for (uint32_t i = 0; i < r->len[f]; i++)
        order_from(p, r, r->dep[r->start[f] + i], seen, order, n);
}

/* The inputs in the order of their BDD variables: depth first over what
 * the facts read, from the last fact back, so that the inputs one fact
 * combines sit side by side. Inputs no fact reads come last. */
static int input_order(const GdlProgram *p, uint32_t *order)
{
    Reads r = { 0 };
    bool *seen = calloc(p->nfacts + 1, sizeof(bool));
    int rc = seen && collect_reads(p, &r) == 0 ? 0 : -1;
    uint32_t n = 0;
    for (uint32_t f = p->nfacts; rc == 0 && f-- > p->ninputs;)
        order_from(p, &r, f, seen, order, &n);
    for (uint32_t i = 0; rc == 0 && i < p->ninputs; i++)
        if (!seen[i])
            order[n++] = i;
    free(r.start);
    free(r.len);
    free(r.dep);
    free(seen);
    return rc;
}

static int build_domains(SxEngine *e)
{
    const GdlProgram *p = e->p;
    ScanInput *in = calloc(p->ninputs + 1, sizeof *in);
    if (!in)
        return FAIL(e, "out of memory");
    for (uint32_t i = 0; i < p->ninputs; i++)
        in[i].partner = -1;
    bool has_str_eq = false;
    int rc = scan(e, in, &has_str_eq);
    e->dom = arena_zalloc(&e->arena, sizeof(SxDomain) * (p->ninputs + 1));
    if (!e->dom && rc == 0)
        rc = FAIL(e, "out of memory");
    uint32_t var = 0;
    for (uint32_t i = 0; i < p->ninputs && rc == 0; i++) {
        const GdlFact *f = &p->facts[i];
        SxDomain *d = &e->dom[i];
        d->read = in[i].read;
        d->has_unknown = !(f->flags & IN_REQUIRED);
        d->npoints = d->has_unknown;
        if (!d->read && d->has_unknown) {
            d->points = alloc_points(e, 1);     /* never read: unknown is as good as any value */
            if (!d->points)
                rc = FAIL(e, "out of memory");
            else
                d->points[0] = 0;
        } else if (f->type == GT_BOOL || f->type == GT_ENUM) {
            uint32_t n = f->type == GT_BOOL ? 2 : f->sym_count;
            d->points = alloc_points(e, d->npoints + n);
            if (!d->points) {
                rc = FAIL(e, "out of memory");
                break;
            }
            d->points[0] = 0;
            for (uint32_t v = 0; v < n; v++)
                d->points[d->npoints++] = v;
        } else if (f->type == GT_STRING) {
            rc = string_domain(e, d, f, i, has_str_eq);
        } else if (f->type == GT_LIST_INT) {
            rc = list_domain(e, d, f, i);
        } else {
            rc = numeric_domain(e, d, f, &in[i]);
        }
        d->partner = in[i].partner;
        d->nbits = bits_for(d->npoints);
    }
    uint32_t *order = calloc(p->ninputs + 1, sizeof(uint32_t));
    if (rc == 0 && (!order || input_order(p, order)))
        rc = FAIL(e, "out of memory");
    for (uint32_t k = 0; k < p->ninputs && rc == 0; k++) {
        e->dom[order[k]].first_var = var;
        var += e->dom[order[k]].nbits;
    }
    free(order);
    e->nvars_inputs = var;
    for (uint32_t i = 0; i < p->ninputs; i++) {
        free(in[i].crit);
        free(in[i].bcrit);
    }
    free(in);
    return rc;
}

/* ---- guarded value sets ---------------------------------------------- */

typedef struct {
    SxItem *it;
    uint32_t n, cap;
    uint32_t *slot;         /* open addressing: item index + 1 */
    uint32_t mask;
    Bdd unk;
    bool oom;
} Build;

static uint64_t dbits(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

static void b_init(Build *b)
{
    memset(b, 0, sizeof *b);
}

static void b_add(SxEngine *e, Build *b, double v, Bdd g)
{
    if (g == BDD_FALSE || b->oom)
        return;
    if (v == 0)
        v = 0;      /* -0 and 0 are one value */
    if (b->n * 2 >= b->mask) {
        uint32_t mask = b->mask ? b->mask * 2 + 1 : 15;
        uint32_t *slot = calloc((size_t)mask + 1, sizeof(uint32_t));
        SxItem *it = realloc(b->it, sizeof(SxItem) * (mask + 1) / 2);
        if (!slot || !it) {
            free(slot);
            if (it)
                b->it = it;
            b->oom = true;
            return;
        }
        b->it = it;
        for (uint32_t i = 0; i < b->n; i++) {
            uint32_t h = (uint32_t)(dbits(b->it[i].v) * 0x9E3779B97F4A7C15ull >> 40) & mask;
            while (slot[h])
                h = (h + 1) & mask;
            slot[h] = i + 1;
        }
        free(b->slot);
        b->slot = slot;
        b->mask = mask;
    }
    uint32_t h = (uint32_t)(dbits(v) * 0x9E3779B97F4A7C15ull >> 40) & b->mask;
    for (; b->slot[h]; h = (h + 1) & b->mask) {
        SxItem *x = &b->it[b->slot[h] - 1];
        if (x->v == v) {
            x->g = bdd_or(&e->bdd, x->g, g);
            return;
        }
    }
    b->it[b->n] = (SxItem){ v, g };
    b->slot[h] = ++b->n;
}

static SxVal b_finish(SxEngine *e, Build *b)
{
    SxVal r = { b->unk, 0, NULL };
    if (!b->oom && b->n) {
        r.it = arena_alloc(&e->arena, sizeof(SxItem) * b->n);
        if (r.it) {
            memcpy(r.it, b->it, sizeof(SxItem) * b->n);
            r.n = b->n;
        } else {
            b->oom = true;
        }
    }
    if (b->oom)
        snprintf(e->error, sizeof e->error, "out of memory");
    free(b->it);
    free(b->slot);
    return r;
}

static SxVal v_const(SxEngine *e, double v)
{
    SxItem *it = arena_alloc(&e->arena, sizeof *it);
    if (!it) {
        snprintf(e->error, sizeof e->error, "out of memory");
        return (SxVal){ BDD_FALSE, 0, NULL };
    }
    *it = (SxItem){ v == 0 ? 0 : v, BDD_TRUE };
    return (SxVal){ BDD_FALSE, 1, it };
}

static SxVal v_unknown(void)
{
    return (SxVal){ BDD_TRUE, 0, NULL };
}

Bdd sx_true(SxEngine *e, const SxVal *v)
{
    Bdd t = BDD_FALSE;
    for (uint32_t i = 0; i < v->n; i++)
        if (v->it[i].v != 0)
            t = bdd_or(&e->bdd, t, v->it[i].g);
    return t;
}

Bdd sx_false(SxEngine *e, const SxVal *v)
{
    (void)e;
    for (uint32_t i = 0; i < v->n; i++)
        if (v->it[i].v == 0)
            return v->it[i].g;
    return BDD_FALSE;
}

Bdd sx_equals(SxEngine *e, const SxVal *v, double x)
{
    (void)e;
    for (uint32_t i = 0; i < v->n; i++)
        if (v->it[i].v == x)
            return v->it[i].g;
    return BDD_FALSE;
}

static SxVal v_bool(SxEngine *e, Bdd t, Bdd f, Bdd u)
{
    Build b;
    b_init(&b);
    b_add(e, &b, 0, f);
    b_add(e, &b, 1, t);
    b.unk = u;
    return b_finish(e, &b);
}

static SxVal v_not(SxEngine *e, const SxVal *a)
{
    return v_bool(e, sx_false(e, a), sx_true(e, a), a->unk);
}

/* Kleene and/or: the deciding value wins, then unknown. */
static SxVal v_logic(SxEngine *e, const SxVal *a, const SxVal *b, bool is_or)
{
    BddMgr *m = &e->bdd;
    Bdd ta = sx_true(e, a), fa = sx_false(e, a), tb = sx_true(e, b), fb = sx_false(e, b);
    Bdd dec_a = is_or ? ta : fa, dec_b = is_or ? tb : fb;
    Bdd dec = bdd_or(m, dec_a, dec_b);
    Bdd other = bdd_and(m, is_or ? fa : ta, is_or ? fb : tb);
    Bdd unk = bdd_or(m, bdd_and_not(m, a->unk, dec_b), bdd_and_not(m, b->unk, dec_a));
    return is_or ? v_bool(e, dec, other, unk) : v_bool(e, other, dec, unk);
}

typedef double (*BinOp)(double x, double y, bool *unknown, void *ctx);

/* A strict binary operator: unknown when either operand is, else op of
 * every pair of values. */
static SxVal v_binary(SxEngine *e, const SxVal *a, const SxVal *b, BinOp op, void *ctx)
{
    BddMgr *m = &e->bdd;
    Build r;
    b_init(&r);
    r.unk = bdd_or(m, a->unk, b->unk);
    if ((uint64_t)a->n * b->n > SX_MAX_PAIRS) {
        snprintf(e->error, sizeof e->error, "too large to verify exactly: an operation combines %u by %u values "
                 "(limit %u pairs; see docs/verify.md, Limits)", a->n, b->n, SX_MAX_PAIRS);
        return b_finish(e, &r);
    }
    for (uint32_t i = 0; i < a->n; i++)
        for (uint32_t j = 0; j < b->n; j++) {
            Bdd g = bdd_and(m, a->it[i].g, b->it[j].g);
            if (g == BDD_FALSE)
                continue;
            bool unknown = false;
            double v = op(a->it[i].v, b->it[j].v, &unknown, ctx);
            if (unknown)
                r.unk = bdd_or(m, r.unk, g);
            else
                b_add(e, &r, v, g);
        }
    return b_finish(e, &r);
}

static double op_cmp(double x, double y, bool *unknown, void *ctx)
{
    (void)unknown;
    switch (*(const int *)ctx) {
    case CMP_EQ: return x == y;
    case CMP_NE: return x != y;
    case CMP_LT: return x < y;
    case CMP_LE: return x <= y;
    case CMP_GT: return x > y;
    default: return x >= y;
    }
}

static double op_arith(double x, double y, bool *unknown, void *ctx)
{
    switch (*(const int *)ctx) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV:
        if (y == 0)
            *unknown = true;
        return y == 0 ? 0 : x / y;
    case OP_DAYS_BETWEEN: return y - x;
    default: return trunc((y - x) / 7);    /* OP_WEEKS_BETWEEN */
    }
}

static SxVal v_compare(SxEngine *e, const SxVal *a, const SxVal *b, int cmp)
{
    return v_binary(e, a, b, op_cmp, &cmp);
}

static SxVal v_map(SxEngine *e, const SxVal *a, double (*f)(SxEngine *, double, bool *, void *), void *ctx)
{
    Build r;
    b_init(&r);
    r.unk = a->unk;
    for (uint32_t i = 0; i < a->n; i++) {
        bool unknown = false;
        double v = f(e, a->it[i].v, &unknown, ctx);
        if (unknown)
            r.unk = bdd_or(&e->bdd, r.unk, a->it[i].g);
        else
            b_add(e, &r, v, a->it[i].g);
    }
    return b_finish(e, &r);
}

static double map_neg(SxEngine *e, double x, bool *unknown, void *ctx)
{
    (void)e; (void)unknown; (void)ctx;
    return -x;
}

/* SUM_LIST / SUM_ITEMS on a list value (input * 65536 + point). */
static double map_sum(SxEngine *e, double x, bool *unknown, void *ctx)
{
    const uint32_t *range = ctx;    /* from, to (0 to: the whole list) */
    uint32_t input = (uint32_t)(x / 65536.0), point = (uint32_t)(x - input * 65536.0);
    if (input >= e->p->ninputs || !e->dom[input].lists || point >= e->dom[input].npoints) {
        *unknown = true;
        return 0;
    }
    const double *items = e->dom[input].lists[point];
    uint32_t len = e->dom[input].list_lens[point];
    uint32_t from = range[1] ? range[0] : 0, to = range[1] ? range[1] : len;
    if (to > len) {
        *unknown = true;
        return 0;
    }
    double s = 0;
    for (uint32_t i = from; i < to; i++)
        s += items[i];
    return s;
}

static SxVal v_known(SxEngine *e, const SxVal *a)
{
    Bdd t = BDD_FALSE;
    for (uint32_t i = 0; i < a->n; i++)
        t = bdd_or(&e->bdd, t, a->it[i].g);
    return v_bool(e, t, a->unk, BDD_FALSE);
}

/* The values of a, and those of b in the cases of b_where; unknown in unk. */
static SxVal v_join(SxEngine *e, const SxVal *a, const SxVal *b, Bdd b_where, Bdd unk)
{
    Build r;
    b_init(&r);
    for (uint32_t i = 0; i < a->n; i++)
        b_add(e, &r, a->it[i].v, a->it[i].g);
    for (uint32_t i = 0; i < b->n; i++)
        b_add(e, &r, b->it[i].v, bdd_and(&e->bdd, b_where, b->it[i].g));
    r.unk = unk;
    return b_finish(e, &r);
}

static SxVal v_coalesce(SxEngine *e, const SxVal *a, const SxVal *b)
{
    return v_join(e, a, b, a->unk, bdd_and(&e->bdd, a->unk, b->unk));
}

/* COUNT / AT_LEAST: the distribution of (true, unknown) counts over the
 * operands, built one operand at a time. */
static SxVal v_count(SxEngine *e, const SxVal *ops, uint32_t n, const SxVal *need)
{
    BddMgr *m = &e->bdd;
    uint32_t side = n + 1;
    Bdd *dist = calloc((size_t)side * side, sizeof(Bdd)), *next = calloc((size_t)side * side, sizeof(Bdd));
    if (!dist || !next) {
        free(dist);
        free(next);
        snprintf(e->error, sizeof e->error, "out of memory");
        return v_unknown();
    }
    dist[0] = BDD_TRUE;     /* [t * side + u] */
    for (uint32_t k = 0; k < n; k++) {
        Bdd t = sx_true(e, &ops[k]), f = sx_false(e, &ops[k]), u = ops[k].unk;
        memset(next, 0, sizeof(Bdd) * side * side);
        for (uint32_t ti = 0; ti <= k; ti++)
            for (uint32_t ui = 0; ti + ui <= k; ui++) {
                Bdd g = dist[ti * side + ui];
                if (g == BDD_FALSE)
                    continue;
                next[ti * side + ui] = bdd_or(m, next[ti * side + ui], bdd_and(m, g, f));
                next[(ti + 1) * side + ui] = bdd_or(m, next[(ti + 1) * side + ui], bdd_and(m, g, t));
                next[ti * side + ui + 1] = bdd_or(m, next[ti * side + ui + 1], bdd_and(m, g, u));
            }
        Bdd *tmp = dist;
        dist = next;
        next = tmp;
    }
    Build r;
    b_init(&r);
    r.unk = need ? need->unk : BDD_FALSE;
    for (uint32_t ti = 0; ti <= n; ti++)
        for (uint32_t ui = 0; ti + ui <= n; ui++) {
            Bdd g = dist[ti * side + ui];
            if (g == BDD_FALSE)
                continue;
            if (!need) {
                if (ui)
                    r.unk = bdd_or(m, r.unk, g);
                else
                    b_add(e, &r, ti, g);
                continue;
            }
            for (uint32_t j = 0; j < need->n; j++) {
                Bdd h = bdd_and(m, g, need->it[j].g);
                double want = need->it[j].v;
                if (ti >= want) b_add(e, &r, 1, h);
                else if (ti + ui < want) b_add(e, &r, 0, h);
                else r.unk = bdd_or(m, r.unk, h);
            }
        }
    free(dist);
    free(next);
    return b_finish(e, &r);
}

/* v limited to the cases in g (the rest: no value at all). */
static SxVal v_restrict(SxEngine *e, const SxVal *v, Bdd g)
{
    Build r;
    b_init(&r);
    for (uint32_t i = 0; i < v->n; i++)
        b_add(e, &r, v->it[i].v, bdd_and(&e->bdd, v->it[i].g, g));
    r.unk = bdd_and(&e->bdd, v->unk, g);
    return b_finish(e, &r);
}

static SxVal v_union(SxEngine *e, const SxVal *a, const SxVal *b)
{
    return v_join(e, a, b, BDD_TRUE, bdd_or(&e->bdd, a->unk, b->unk));
}

/* ---- variables ------------------------------------------------------- */

static Bdd code_guard(SxEngine *e, uint32_t first_var, uint32_t nbits, uint32_t code)
{
    Bdd g = BDD_TRUE;
    for (uint32_t b = nbits; b-- > 0;) {     /* build bottom-up: the last variable first */
        Bdd v = bdd_var(&e->bdd, first_var + b);
        g = (code >> (nbits - 1 - b)) & 1 ? bdd_and(&e->bdd, v, g) : bdd_and_not(&e->bdd, g, v);
    }
    return g;
}

Bdd sx_point_guard(SxEngine *e, uint32_t input, uint32_t point)
{
    return code_guard(e, e->dom[input].first_var, e->dom[input].nbits, point);
}

static SxVal input_value(SxEngine *e, uint32_t i)
{
    const SxDomain *d = &e->dom[i];
    Build r;
    b_init(&r);
    r.unk = d->has_unknown ? sx_point_guard(e, i, 0) : BDD_FALSE;
    for (uint32_t k = d->has_unknown; k < d->npoints; k++)
        b_add(e, &r, d->points[k], sx_point_guard(e, i, k));
    return b_finish(e, &r);
}

/* A fresh variable over the values a fact can take, or unknown (local
 * mode): values[] as declared, not as computed, so that a value no case
 * reaches is still free. */
static SxVal free_value(SxEngine *e, const SxVal *v, const double *values, uint32_t nvalues, uint32_t *next_var)
{
    uint32_t n = nvalues + 1, nbits = bits_for(n);
    if (*next_var + nbits > e->bdd.nvars)
        return *v;
    uint32_t first = *next_var;
    *next_var += nbits;
    Build r;
    b_init(&r);
    r.unk = code_guard(e, first, nbits, 0);
    Bdd valid = r.unk;
    for (uint32_t k = 0; k < nvalues; k++) {
        Bdd g = code_guard(e, first, nbits, k + 1);
        b_add(e, &r, values[k], g);
        valid = bdd_or(&e->bdd, valid, g);
    }
    e->valid = bdd_and(&e->bdd, e->valid, valid);
    return b_finish(e, &r);
}

/* ---- pass 2: execution ----------------------------------------------- */

static int add_row(SxEngine *e, SxRow row)
{
    if (e->nrows == e->cap_rows) {
        uint32_t cap = e->cap_rows ? e->cap_rows * 2 : 64;
        SxRow *r = arena_alloc(&e->arena, sizeof(SxRow) * cap);
        if (!r)
            return FAIL(e, "out of memory");
        if (e->nrows)
            memcpy(r, e->rows, sizeof(SxRow) * e->nrows);
        e->rows = r;
        e->cap_rows = cap;
    }
    e->rows[e->nrows++] = row;
    return 0;
}

enum { SX_MAX_FREE_VALUES = 64 };

/* The values a derived fact is declared to take: booleans, enum symbols,
 * a numeric table's row values (table[]). 0 when not one of those. */
static uint32_t declared_values(const GdlFact *fact, const double *table, uint32_t ntable, double *out)
{
    uint32_t n = 0;
    if (fact->type == GT_BOOL) {
        out[n++] = 0;
        out[n++] = 1;
    } else if (fact->type == GT_ENUM && fact->sym_count <= SX_MAX_FREE_VALUES) {
        for (uint32_t k = 0; k < fact->sym_count; k++)
            out[n++] = k;
    } else if (fact->kind == FK_CLASSIFY) {
        for (uint32_t k = 0; k < ntable && n < SX_MAX_FREE_VALUES; k++) {
            bool dup = false;
            for (uint32_t j = 0; j < n; j++)
                dup |= out[j] == table[k];
            if (!dup)
                out[n++] = table[k];
        }
    }
    return n;
}

static void store(SxEngine *e, uint32_t f, SxVal v, uint32_t *next_var, uint32_t first_row, const double *table,
                  uint32_t ntable)
{
    const GdlFact *fact = &e->p->facts[f];
    e->computed[f] = v;
    double values[SX_MAX_FREE_VALUES + 2];
    uint32_t n = fact->kind == FK_INPUT || fact->kind == FK_DATE ? 0 : declared_values(fact, table, ntable, values);
    e->facts[f] = e->local && n ? free_value(e, &v, values, n, next_var) : v;
    for (uint32_t i = first_row; i < e->nrows; i++)
        if (e->rows[i].fact == UINT32_MAX)
            e->rows[i].fact = f;
}

static void mark_value(BddMgr *m, const SxVal *v)
{
    bdd_mark(m, v->unk);
    for (uint32_t i = 0; i < v->n; i++)
        bdd_mark(m, v->it[i].g);
}

/* Between two facts (the stack is empty, no table is open): frees the nodes
 * that no fact, row, the domain constraint or reach needs any more, once the
 * nodes in use reach *next (then twice those kept). */
static void collect_garbage(SxEngine *e, uint32_t *next, Bdd reach)
{
    BddMgr *m = &e->bdd;
    if (bdd_nodes_in_use(m) < *next)
        return;
    bdd_mark(m, e->valid);
    bdd_mark(m, reach);
    for (uint32_t f = 0; f < e->p->nfacts; f++) {
        mark_value(m, &e->facts[f]);
        mark_value(m, &e->computed[f]);
    }
    for (uint32_t i = 0; i < e->nrows; i++) {
        bdd_mark(m, e->rows[i].chosen);
        bdd_mark(m, e->rows[i].cond_true);
    }
    uint32_t live = bdd_sweep(m);
    *next = live > SX_GC_MIN_NODES / 2 ? 2 * live : SX_GC_MIN_NODES;
}

static int execute(SxEngine *e)
{
    const GdlProgram *p = e->p;
    BddMgr *m = &e->bdd;
    SxVal *stack = arena_zalloc(&e->arena, sizeof(SxVal) * (p->max_stack + 2));
    if (!stack)
        return FAIL(e, "out of memory");
    for (uint32_t f = 0; f < p->ninputs; f++)
        e->facts[f] = e->computed[f] = input_value(e, f);
    uint32_t next_var = e->nvars_inputs, table_row = 0, first_row = 0, ntable = 0, gc_at = SX_GC_MIN_NODES;
    double table_values[SX_MAX_FREE_VALUES];    /* the row values of the table being run */
    int sp = -1;
    Bdd reach = BDD_TRUE;               /* inside a table: the cases no row has decided yet */
    bool pending = false;
    uint32_t pending_at = 0;
    SxVal pending_val = { BDD_FALSE, 0, NULL };
    /* A GUARD ('classify ... when') jumps past its table with unknown where
     * its condition is not true; the table's value counts where it is. */
    bool guarded = false;
    uint32_t guard_at = 0;
    Bdd guard_pass = BDD_TRUE, guard_jump = BDD_FALSE;
    for (uint32_t pc = 0; pc < p->ncode;) {
        if (m->overflow)
            return FAIL(e, "the decision diagrams grew past %u nodes", m->limit);
        if (e->error[0])
            return -1;
        if (pending && pc == pending_at) {      /* end of a table: join the rows' values */
            for (uint32_t i = 0; i < stack[sp].n && ntable < SX_MAX_FREE_VALUES; i++)
                table_values[ntable++] = stack[sp].it[i].v;     /* the otherwise row's value */
            if (add_row(e, (SxRow){ UINT32_MAX, table_row, true, reach, BDD_TRUE }))
                return -1;
            SxVal fall = v_restrict(e, &stack[sp], reach);
            stack[sp] = v_union(e, &fall, &pending_val);
            pending = false;
            reach = BDD_TRUE;
            table_row = 0;
        }
        if (guarded && pc == guard_at) {        /* past a guarded table: join the guard's unknown */
            SxVal table = v_restrict(e, &stack[sp], guard_pass);
            SxVal skipped = { guard_jump, 0, NULL };
            stack[sp] = v_union(e, &table, &skipped);
            guarded = false;
            reach = BDD_TRUE;   /* also when the table had no row to reset it (only otherwise) */
        }
        Opcode op = (Opcode)p->code[pc];
        const uint8_t *a = p->code + pc + 1;
        if (sp < 0 && !pending && !guarded)
            collect_garbage(e, &gc_at, reach);
        switch (op) {
        case OP_PUSH_TRUE: stack[++sp] = v_const(e, 1); break;
        case OP_PUSH_FALSE: stack[++sp] = v_const(e, 0); break;
        case OP_PUSH_UNKNOWN: stack[++sp] = v_unknown(); break;
        case OP_PUSH_NUM: case OP_OTHERWISE: stack[++sp] = v_const(e, p->numbers[rd16(a)]); break;
        case OP_PUSH_STR: stack[++sp] = v_const(e, rd16(a)); break;
        case OP_LOAD_PARAM: stack[++sp] = v_const(e, e->params[rd16(a)]); break;
        case OP_LOAD_FACT: stack[++sp] = e->facts[rd16(a)]; break;
        case OP_STORE_FACT:
            store(e, rd16(a), stack[sp--], &next_var, first_row, table_values, ntable);
            ntable = 0;
            first_row = e->nrows;
            break;
        case OP_COPY_FACT:
            store(e, rd16(a + 2), e->facts[rd16(a)], &next_var, first_row, NULL, 0);
            first_row = e->nrows;
            break;
        case OP_NOT: stack[sp] = v_not(e, &stack[sp]); break;
        case OP_AND: case OP_OR:
            stack[sp - 1] = v_logic(e, &stack[sp - 1], &stack[sp], op == OP_OR);
            sp--;
            break;
        case OP_AND_FACT: case OP_OR_FACT:
            stack[sp] = v_logic(e, &stack[sp], &e->facts[rd16(a)], op == OP_OR_FACT);
            break;
        case OP_AND_STORE: case OP_OR_STORE:
            store(e, rd16(a), v_logic(e, &stack[sp - 1], &stack[sp], op == OP_OR_STORE), &next_var, first_row, NULL, 0);
            first_row = e->nrows;
            sp -= 2;
            break;
        case OP_AND_FACT_STORE: case OP_OR_FACT_STORE:
            store(e, rd16(a + 2), v_logic(e, &stack[sp], &e->facts[rd16(a)], op == OP_OR_FACT_STORE), &next_var, first_row,
                  NULL, 0);
            first_row = e->nrows;
            sp--;
            break;
        case OP_FACT_CMP_K: case OP_AND_CMP_K: case OP_OR_CMP_K: {
            SxVal k = v_const(e, p->numbers[rd16(a + 2)]);
            SxVal c = v_compare(e, &e->facts[rd16(a)], &k, p->code[pc + 5]);
            if (op == OP_FACT_CMP_K)
                stack[++sp] = c;
            else
                stack[sp] = v_logic(e, &stack[sp], &c, op == OP_OR_CMP_K);
            break;
        }
        case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
            stack[sp - 1] = v_compare(e, &stack[sp - 1], &stack[sp], (int)(op - OP_EQ));
            sp--;
            break;
        case OP_STR_EQ:
            stack[sp - 1] = v_compare(e, &stack[sp - 1], &stack[sp], CMP_EQ);
            sp--;
            break;
        case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_DAYS_BETWEEN: case OP_WEEKS_BETWEEN: {
            int o = op;
            stack[sp - 1] = v_binary(e, &stack[sp - 1], &stack[sp], op_arith, &o);
            sp--;
            break;
        }
        case OP_NEG: stack[sp] = v_map(e, &stack[sp], map_neg, NULL); break;
        case OP_KNOWN: stack[sp] = v_known(e, &stack[sp]); break;
        case OP_COALESCE:
            stack[sp - 1] = v_coalesce(e, &stack[sp - 1], &stack[sp]);
            sp--;
            break;
        case OP_AT_LEAST: case OP_COUNT: {
            uint32_t n = p->code[pc + 1];
            int first = sp - (int)n + 1;
            int dst = op == OP_AT_LEAST ? first - 1 : first;
            SxVal r = v_count(e, &stack[first], n, op == OP_AT_LEAST ? &stack[dst] : NULL);
            sp = dst;
            stack[sp] = r;
            break;
        }
        case OP_SUM_LIST: case OP_SUM_ITEMS: {
            uint32_t range[2] = { 0, 0 };
            if (op == OP_SUM_ITEMS) {
                range[0] = p->code[pc + 1] - 1u;
                range[1] = p->code[pc + 2];
            }
            stack[sp] = v_map(e, &stack[sp], map_sum, range);
            break;
        }
        case OP_GUARD: {
            if (guarded || pending)
                return FAIL(e, "a GUARD inside a table or another guard at %u", pc);
            SxVal c = stack[sp--];
            guard_pass = sx_true(e, &c);
            guard_jump = bdd_or(m, sx_false(e, &c), c.unk);
            guard_at = rd16(a);
            guarded = true;
            reach = guard_pass;     /* the rows decide only where the table applies */
            break;
        }
        case OP_CLASSIFY_ROW: {
            uint32_t target = rd16(a);
            if (pending && target != pending_at)
                return FAIL(e, "table rows at %u jump to different places", pc);
            SxVal c = stack[sp];
            Bdd t = sx_true(e, &c), f = sx_false(e, &c);
            Bdd chosen = bdd_and(m, reach, t);
            if (add_row(e, (SxRow){ UINT32_MAX, table_row++, false, chosen, t }))
                return -1;
            Build b;
            b_init(&b);
            if (pending)
                for (uint32_t i = 0; i < pending_val.n; i++)
                    b_add(e, &b, pending_val.it[i].v, pending_val.it[i].g);
            b_add(e, &b, p->numbers[rd16(a + 2)], chosen);
            if (ntable < SX_MAX_FREE_VALUES)
                table_values[ntable++] = p->numbers[rd16(a + 2)];
            b.unk = bdd_or(m, pending ? pending_val.unk : BDD_FALSE, bdd_and(m, reach, c.unk));
            pending_val = b_finish(e, &b);
            pending = true;
            pending_at = target;
            reach = bdd_and(m, reach, f);
            sp--;
            break;
        }
        case OP_HALT:
            return e->error[0] ? -1 : 0;
        default:
            return FAIL(e, "instruction %s at %u is not supported by gdl verify", OP_INFO[op].name, pc);
        }
        pc += OP_FORMAT_SIZE[OP_INFO[op].format];
    }
    return FAIL(e, "the code does not end in HALT");
}

int sx_domains(SxEngine *e, const GdlProgram *p, const double *params)
{
    memset(e, 0, sizeof *e);
    e->p = p;
    e->params = params;
    arena_init(&e->arena, 1 << 20);
    return build_domains(e);
}

int sx_run(SxEngine *e, const GdlProgram *p, const double *params, bool local)
{
    if (sx_domains(e, p, params))
        return -1;
    e->local = local;
    /* Local mode: a fresh variable (up to 7 bits) per derived fact. */
    uint32_t nvars = e->nvars_inputs + (local ? 7 * p->nfacts : 0);
    if (bdd_init(&e->bdd, nvars ? nvars : 1, 0))
        return FAIL(e, "out of memory");
    e->facts = arena_zalloc(&e->arena, sizeof(SxVal) * (p->nfacts + 1));
    e->computed = arena_zalloc(&e->arena, sizeof(SxVal) * (p->nfacts + 1));
    if (!e->facts || !e->computed)
        return FAIL(e, "out of memory");
    e->valid = BDD_TRUE;
    for (uint32_t i = 0; i < p->ninputs; i++) {
        const SxDomain *d = &e->dom[i];
        if (d->npoints == (1u << d->nbits))
            continue;
        Bdd any = BDD_FALSE;
        for (uint32_t k = 0; k < d->npoints; k++)
            any = bdd_or(&e->bdd, any, sx_point_guard(e, i, k));
        e->valid = bdd_and(&e->bdd, e->valid, any);
    }
    return execute(e);
}

void sx_free(SxEngine *e)
{
    bdd_free(&e->bdd);
    arena_free(&e->arena);
}

bool sx_pick(SxEngine *e, Bdd f, uint32_t *point)
{
    uint8_t *bits = calloc(e->bdd.nvars + 1, 1);
    if (!bits)
        return false;
    bool ok = bdd_sat_one(&e->bdd, bdd_and(&e->bdd, f, e->valid), bits);
    for (uint32_t i = 0; ok && i < e->p->ninputs; i++) {
        const SxDomain *d = &e->dom[i];
        uint32_t code = 0;
        for (uint32_t b = 0; b < d->nbits; b++)
            code = code << 1 | bits[d->first_var + b];
        point[i] = code < d->npoints ? code : 0;
    }
    free(bits);
    return ok;
}

bool sx_holds_at(const SxEngine *e, Bdd g, const uint32_t *point)
{
    const BddMgr *m = &e->bdd;
    while (g > BDD_TRUE) {
        const BddNode *n = &m->nodes[g];
        bool bit = false;
        for (uint32_t i = 0; i < e->p->ninputs; i++) {
            const SxDomain *d = &e->dom[i];
            if (n->var >= d->first_var && n->var < d->first_var + d->nbits) {
                bit = (point[i] >> (d->nbits - 1 - (n->var - d->first_var))) & 1;
                break;
            }
        }
        g = bit ? n->hi : n->lo;
    }
    return g == BDD_TRUE;
}
