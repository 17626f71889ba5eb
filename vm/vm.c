/* vm.c - the dispatch loop and Kleene three-valued logic with provenance.
 * Loading cases and formatting results live in case_json.c and advice.c;
 * the program was checked by verify.c, so operands are in range here. */
#include "vm.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice_prep.h"
#include "json.h"
#include "mem.h"
#include "opcodes.h"
#include "suggest.h"

typedef struct {
    const char *name;
    uint16_t input;
} NamedInput;

static int cmp_named_inputs(const void *a, const void *b)
{
    return strcmp(((const NamedInput *)a)->name, ((const NamedInput *)b)->name);
}

/* The inputs in name order (for the case reader and the "missing" list):
 * qsort: a .gdlb may declare up to GDL_MAX_DEP_BITS of them. */
static int sort_input_names(GdlVm *vm)
{
    const GdlProgram *p = vm->p;
    NamedInput *names = mem_alloc(vm->mem, sizeof(NamedInput) * (p->ninputs + 1));
    if (!names)
        return -1;
    for (uint32_t f = 0; f < p->ninputs; f++)
        names[f] = (NamedInput){ gdl_str(p, p->facts[f].name), (uint16_t)f };
    qsort(names, p->ninputs, sizeof *names, cmp_named_inputs);
    for (uint32_t i = 0; i < p->ninputs; i++) {
        vm->input_order[i] = names[i].input;
        vm->input_rank[names[i].input] = (uint16_t)i;
    }
    mem_free(vm->mem, names);
    return 0;
}

int gdl_vm_init(GdlVm *vm, const GdlProgram *p)
{
    return gdl_vm_init_mem(vm, p, NULL);
}

int gdl_vm_init_mem(GdlVm *vm, const GdlProgram *p, const GdlMem *mem)
{
    memset(vm, 0, sizeof *vm);
    vm->p = p;
    vm->mem = mem;
    /* Provenance sets are padded to a multiple of four words, so their loops
     * run in whole blocks of 256 bits the compiler can keep in registers. */
    vm->words = ((p->ndep_bits + 63) / 64 + 3) & ~3u;
    if (vm->words == 0)
        vm->words = 4;
    size_t stack = (size_t)p->max_stack + 1;   /* + one scratch set for AT_LEAST / COUNT */
    size_t size = sizeof(GdlValue) * p->nfacts + sizeof(uint64_t) * p->nfacts * vm->words
                + sizeof(GdlValue) * stack + sizeof(uint64_t) * stack * vm->words
                + sizeof(GdlValue) * p->nparams + sizeof(uint16_t) * (3 * p->ninputs + p->ndep_bits + p->nfacts) + 64;
    uint32_t slots = 16;
    while (slots < 2 * p->ninputs)
        slots *= 2;
    size_t seen_words = (p->ninputs + 63) / 64 + 1;
    size += sizeof(uint64_t) * seen_words + sizeof(uint16_t) * slots;
    char *block = mem_calloc(mem, 1, size);
    if (!block)
        return -1;
    vm->block = block;
    /* Carve the arrays out of one block, largest alignment first. */
    vm->fact_deps = (uint64_t *)block;
    vm->stack_deps = vm->fact_deps + (size_t)p->nfacts * vm->words;
    vm->seen = vm->stack_deps + stack * vm->words;
    vm->params = (GdlValue *)(vm->seen + seen_words);
    vm->facts = vm->params + p->nparams;
    vm->stack = vm->facts + p->nfacts;
    vm->input_order = (uint16_t *)(vm->stack + stack);
    vm->input_rank = vm->input_order + p->ninputs;
    vm->dep_fact = vm->input_rank + p->ninputs;
    vm->self_bit = vm->dep_fact + p->ndep_bits;
    vm->required = vm->self_bit + p->nfacts;
    vm->name_slots = vm->required + p->ninputs;
    vm->name_mask = slots - 1;
    for (uint32_t f = 0; f < p->ninputs; f++) {
        uint32_t h = gdl_name_hash(p->strings[p->facts[f].name], p->string_lens[p->facts[f].name]) & vm->name_mask;
        while (vm->name_slots[h])
            h = (h + 1) & vm->name_mask;
        vm->name_slots[h] = (uint16_t)(f + 1);
    }
    for (uint32_t f = 0; f < p->ninputs; f++)
        if (p->facts[f].flags & IN_REQUIRED)
            vm->required[vm->nrequired++] = (uint16_t)f;
    for (uint32_t f = 0; f < p->nfacts; f++) {
        vm->self_bit[f] = p->facts[f].dep_bit;
        if (p->facts[f].dep_bit != GDL_NONE)
            vm->dep_fact[p->facts[f].dep_bit] = (uint16_t)f;
    }
    for (uint32_t i = 0; i < p->nparams; i++) {
        const GdlParam *pa = &p->params[i];
        if (pa->type == GT_STRING)
            vm->params[i] = (GdlValue){ VT_STR, p->string_lens[pa->text], { .str = p->strings[pa->text] } };
        else
            vm->params[i] = (GdlValue){ VT_NUM, 0, { .num = pa->value } };
    }
    if (sort_input_names(vm) != 0) {
        mem_free(mem, block);
        return -1;
    }
    vm->advice = advice_tables_new(p, vm->params, mem);
    if (!vm->advice) {
        mem_free(mem, block);
        return -1;
    }
    arena_init_mem(&vm->case_arena, 64 * 1024, mem);
    arena_init_mem(&vm->param_arena, 0, mem);
    /* Derived facts are all stored by every run before they are read (the
     * verifier checks it), so a new case only needs its inputs cleared. */
    memset(vm->facts, 0, sizeof(GdlValue) * p->nfacts);
    return 0;
}

void gdl_vm_free(GdlVm *vm)
{
    arena_free(&vm->case_arena);
    arena_free(&vm->param_arena);
    advice_tables_free(vm->advice);
    mem_free(vm->mem, vm->block);
    memset(vm, 0, sizeof *vm);
}

void gdl_vm_reset_case(GdlVm *vm)
{
    /* Inputs become unknown (VT_UNKNOWN is 0); their provenance is never read
     * (LOAD_FACT gives an input its own bit), and derived facts are rewritten
     * by the next run before anything reads them. */
    memset(vm->facts, 0, sizeof(GdlValue) * vm->p->ninputs);
    arena_reset(&vm->case_arena);
}

/* Field names are short: mixing the first and last eight bytes and the
 * length tells them apart without a loop over every byte (collisions only
 * cost a probe; lookups compare the whole name). */
uint32_t gdl_name_hash(const char *s, size_t len)
{
    uint64_t a = 0, b = 0;
    if (len >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + len - 8, 8);
    } else {
        memcpy(&a, s, len);
    }
    uint64_t h = (a * 0x9e3779b97f4a7c15ull) ^ (b + len);
    h *= 0xff51afd7ed558ccdull;
    return (uint32_t)(h >> 32);
}

int gdl_vm_find_input(const GdlVm *vm, const char *name, size_t len)
{
    const GdlProgram *p = vm->p;
    for (uint32_t h = gdl_name_hash(name, len) & vm->name_mask;; h = (h + 1) & vm->name_mask) {
        uint16_t slot = vm->name_slots[h];
        if (!slot)
            return -1;
        uint16_t name_str = p->facts[slot - 1].name;
        if (p->string_lens[name_str] == len && memcmp(p->strings[name_str], name, len) == 0)
            return slot - 1;
    }
}

/* A plain decimal as an editor writes it: -?digits(.digits)?. strtod alone
 * would also take hex, exponents, "inf" and leading blanks. */
static bool is_decimal(const char *s)
{
    if (*s == '-')
        s++;
    if (!(*s >= '0' && *s <= '9'))
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* A string parameter takes the rules of a string input's value: valid
 * UTF-8 (it reaches the advice and terminals), no control characters (a
 * command line cannot escape them). */
static int set_string_param(GdlVm *vm, uint32_t i, const char *text, char *err, size_t errlen)
{
    const char *name = gdl_str(vm->p, vm->p->params[i].name);
    size_t n = strlen(text);
    for (size_t k = 0; k < n;) {
        const char *why = "";
        unsigned char ch = (unsigned char)text[k];
        size_t len = json_utf8_seq((const unsigned char *)text, n, k, &why);
        if (len == 0) {
            snprintf(err, errlen, "parameter '%s': invalid UTF-8 at byte %zu (%s)", name, k + 1, why);
            return -1;
        }
        if (ch < 0x20 || ch == 0x7f) {
            snprintf(err, errlen, "parameter '%s': control character 0x%02x at byte %zu", name, ch, k + 1);
            return -1;
        }
        k += len;
    }
    const char *copy = arena_strndup(&vm->param_arena, text, n);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    vm->params[i] = (GdlValue){ VT_STR, (uint32_t)n, { .str = copy } };
    return 0;
}

static int set_param_value(GdlVm *vm, const char *name, const char *text, char *err, size_t errlen);

/* The advice tables hold the texts, doses and schedules that name a
 * parameter rendered with its value: a new value renders them again. */
int gdl_vm_set_param(GdlVm *vm, const char *name, const char *text, char *err, size_t errlen)
{
    if (set_param_value(vm, name, text, err, errlen) != 0)
        return -1;
    AdviceTables *t = advice_tables_new(vm->p, vm->params, vm->mem);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    advice_tables_free(vm->advice);
    vm->advice = t;
    return 0;
}

/* A parameter that sets a schedule's `after` is a whole number of its unit. */
static bool whole_for_schedules(const GdlProgram *p, uint32_t param, double v, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < p->noutcomes; i++)
        if (p->outcomes[i].after_param == param && v != floor(v)) {
            snprintf(err, errlen, "parameter '%s' sets when schedule '%s' falls: a whole number, not %g",
                     gdl_str(p, p->params[param].name), gdl_str(p, p->outcomes[i].id), v);
            return false;
        }
    return true;
}

static int set_param_value(GdlVm *vm, const char *name, const char *text, char *err, size_t errlen)
{
    const GdlProgram *p = vm->p;
    for (uint32_t i = 0; i < p->nparams; i++) {
        const GdlParam *pa = &p->params[i];
        if (strcmp(gdl_str(p, pa->name), name) != 0)
            continue;
        const char *unit = pa->unit != GDL_NONE ? gdl_str(p, pa->unit) : "";
        if (pa->type == GT_BOOL) {
            if (strcmp(text, "true") && strcmp(text, "false")) {
                snprintf(err, errlen, "parameter '%s' is true or false, not '%s'", name, text);
                return -1;
            }
            vm->params[i] = (GdlValue){ VT_NUM, 0, { .num = strcmp(text, "true") == 0 } };
            return 0;
        }
        if (pa->type == GT_STRING)
            return set_string_param(vm, i, text, err, errlen);
        if (pa->type != GT_INT && pa->type != GT_NUMBER) {
            snprintf(err, errlen, "parameter '%s' cannot be overridden (it is a %s)", name, gdl_type_name((GdlType)pa->type));
            return -1;
        }
        char *end;
        errno = 0;
        double v = strtod(text, &end);
        if (!is_decimal(text) || end == text || *end || errno == ERANGE || !isfinite(v)) {
            snprintf(err, errlen, "parameter '%s' needs a number%s%s, not '%s'", name, *unit ? " (in " : "", unit, text);
            if (*unit)
                strncat(err, ")", errlen - strlen(err) - 1);
            return -1;
        }
        if (!gdl_in_range(pa->flags, pa->min, pa->max, v)) {
            snprintf(err, errlen, "parameter '%s' = %s is outside its range %c%g, %g%c%s%s", name, text,
                     (pa->flags & IN_MIN_EXCL) ? '(' : '[', pa->min, pa->max, (pa->flags & IN_MAX_EXCL) ? ')' : ']',
                     *unit ? " " : "", unit);
            return -1;
        }
        if (!whole_for_schedules(p, i, v, err, errlen))
            return -1;
        vm->params[i] = (GdlValue){ VT_NUM, 0, { .num = v } };
        return 0;
    }
    GdlSuggest near;
    gdl_suggest_begin(&near, name, strlen(name));
    for (uint32_t i = 0; i < p->nparams; i++)
        gdl_suggest_offer(&near, gdl_str(p, p->params[i].name));
    if (near.best)
        snprintf(err, errlen, "no parameter '%s' in this guideline; did you mean '%s'?", name, near.best);
    else
        snprintf(err, errlen, "no parameter '%s' in this guideline", name);
    return -1;
}

int gdl_vm_set_param_arg(GdlVm *vm, const char *arg, char *err, size_t errlen)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        snprintf(err, errlen, "--param takes NAME=VALUE, not '%s'", arg);
        return -2;
    }
    /* any length: a name longer than any parameter's is simply not one */
    char *name = malloc((size_t)(eq - arg) + 1);
    if (!name) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = '\0';
    int rc = gdl_vm_set_param(vm, name, eq + 1, err, errlen);
    free(name);
    return rc;
}

const char *gdl_unknown_reason_text(uint32_t why, bool en)
{
    static const char *const EN[] = {
#define X(name, en, nl) en,
        GDL_UNKNOWN_REASONS(X)
#undef X
    };
    static const char *const NL[] = {
#define X(name, en, nl) nl,
        GDL_UNKNOWN_REASONS(X)
#undef X
    };
    if (why >= GDL_WHY__COUNT)
        why = GDL_WHY_OTHER;
    return en ? EN[why] : NL[why];
}

const uint8_t *gdl_unknown_reason_order(void)
{
    /* by English phrase: "a classification...", "a list...", "division...", "no finding...",
     * "the literal..." */
    static const uint8_t ORDER[GDL_WHY__COUNT] = { GDL_WHY_NOT_APPLICABLE, GDL_WHY_SHORT_LIST, GDL_WHY_DIV_ZERO,
                                                   GDL_WHY_OTHER, GDL_WHY_LITERAL };
    return ORDER;
}

/* ---- provenance sets ------------------------------------------------- */

/* The helpers below run once or more per instruction: inline them even
 * where the compiler would call (they are used from several handlers). */
#if defined(__GNUC__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE static inline
#endif

#define DEPS(i) (sdeps + (size_t)(i) * W)

/* Sets are a few words (a multiple of four, see gdl_vm_init); loops over
 * blocks of four let the compiler unroll them, and beat calls to memset. */
static inline void deps_clear(uint64_t *d, uint32_t w)
{
    for (uint32_t i = 0; i < w; i += 4) {
        d[i] = 0;
        d[i + 1] = 0;
        d[i + 2] = 0;
        d[i + 3] = 0;
    }
}

static inline void deps_copy(uint64_t *d, const uint64_t *s, uint32_t w)
{
    for (uint32_t i = 0; i < w; i += 4) {
        d[i] = s[i];
        d[i + 1] = s[i + 1];
        d[i + 2] = s[i + 2];
        d[i + 3] = s[i + 3];
    }
}

static inline void deps_join(uint64_t *d, const uint64_t *a, const uint64_t *b, uint32_t w)
{
    for (uint32_t i = 0; i < w; i += 4) {
        d[i] = a[i] | b[i];
        d[i + 1] = a[i + 1] | b[i + 1];
        d[i + 2] = a[i + 2] | b[i + 2];
        d[i + 3] = a[i + 3] | b[i + 3];
    }
}

static inline void deps_union(uint64_t *d, const uint64_t *s, uint32_t w)
{
    for (uint32_t i = 0; i < w; i += 4) {
        d[i] |= s[i];
        d[i + 1] |= s[i + 1];
        d[i + 2] |= s[i + 2];
        d[i + 3] |= s[i + 3];
    }
}

/* a becomes unknown because a or b is: the reasons of the unknown ones,
 * joined like their provenance. */
ALWAYS_INLINE void join_reason(GdlValue *a, const GdlValue *b)
{
    if (a->tag != VT_UNKNOWN)
        a->len = b->len;
    else if (b->tag == VT_UNKNOWN)
        a->len |= b->len;
    a->tag = VT_UNKNOWN;
}

/* What a Kleene and/or does with the provenance of its result a. */
enum { KEEP_A, TAKE_B, JOIN };

/* Kleene and/or of a (the result) and b. For `and` the value that decides
 * is false, for `or` it is true; provenance follows the deciding operands,
 * or the unknown ones when nothing decides. Returns what to do with the
 * provenance sets, which the caller holds in whatever form it has them.
 * (Branches, not a lookup table: they are predicted well, and a table put
 * two dependent loads on every operator; measured 2.70 against 2.95 us.) */
ALWAYS_INLINE int kleene(GdlValue *a, const GdlValue *b, bool is_or)
{
    bool a_dec = a->tag == VT_NUM && (a->as.num != 0) == is_or;
    bool b_dec = b->tag == VT_NUM && (b->as.num != 0) == is_or;
    bool a_unk = a->tag == VT_UNKNOWN, b_unk = b->tag == VT_UNKNOWN;
    if (a_dec || b_dec) {
        a->tag = VT_NUM;
        a->as.num = is_or;
        return !a_dec ? TAKE_B : b_dec ? JOIN : KEEP_A;
    }
    if (a_unk || b_unk) {
        join_reason(a, b);
        return !a_unk ? TAKE_B : b_unk ? JOIN : KEEP_A;
    }
    a->as.num = !is_or;
    return JOIN;
}

ALWAYS_INLINE void kleene_sets(uint64_t *da, const uint64_t *db, uint32_t W, int action)
{
    if (action == TAKE_B)
        deps_copy(da, db, W);
    else if (action == JOIN)
        deps_union(da, db, W);
}

/* Strict operators: unknown in, unknown out (provenance: the unknowns). */
ALWAYS_INLINE bool strict2(GdlValue *a, uint64_t *da, const GdlValue *b, const uint64_t *db, uint32_t W)
{
    bool au = a->tag == VT_UNKNOWN, bu = b->tag == VT_UNKNOWN;
    if (au || bu) {
        if (!au)
            deps_copy(da, db, W);
        else if (bu)
            deps_union(da, db, W);
        join_reason(a, b);
        return false;
    }
    deps_union(da, db, W);
    return true;
}

/* The provenance of a fact as read: inputs and named classifications stand
 * for themselves when known; defines pass on what they were derived from,
 * and an unknown fact passes on the inputs it waits for. Returns the bit
 * when the fact stands for itself, else NO_BIT and the set in *set. */
#define NO_BIT UINT32_MAX

ALWAYS_INLINE uint32_t fact_source(const GdlVm *vm, uint16_t f, const uint64_t **set)
{
    uint32_t bit = vm->self_bit[f];
    if (bit != GDL_NONE && (f < vm->p->ninputs || vm->facts[f].tag != VT_UNKNOWN))
        return bit;
    *set = vm->fact_deps + (size_t)f * vm->words;
    return NO_BIT;
}

static inline void fact_provenance(const GdlVm *vm, uint16_t f, uint64_t *d)
{
    const uint64_t *set = NULL;
    uint32_t bit = fact_source(vm, f, &set);
    if (bit != NO_BIT) {
        deps_clear(d, vm->words);
        d[bit >> 6] |= 1ull << (bit & 63);
    } else {
        deps_copy(d, set, vm->words);
    }
}

/* kleene_sets with b's provenance read straight from fact f: a single bit
 * needs no set of its own. */
ALWAYS_INLINE void kleene_fact_sets(const GdlVm *vm, uint64_t *da, uint16_t f, int action)
{
    if (action == KEEP_A)
        return;
    const uint64_t *set = NULL;
    uint32_t bit = fact_source(vm, f, &set);
    if (bit == NO_BIT) {
        kleene_sets(da, set, vm->words, action);
        return;
    }
    if (action == TAKE_B)
        deps_clear(da, vm->words);
    da[bit >> 6] |= 1ull << (bit & 63);
}

/* fact f <c> y: unknown when f is. */
ALWAYS_INLINE GdlValue compare_fact(const GdlValue *v, double y, uint8_t c)
{
    if (v->tag == VT_UNKNOWN)
        return (GdlValue){ VT_UNKNOWN, v->len, { 0 } };
    double x = v->as.num;
    bool r = c == CMP_EQ ? x == y : c == CMP_NE ? x != y : c == CMP_LT ? x < y
           : c == CMP_LE ? x <= y : c == CMP_GT ? x > y : x >= y;
    return (GdlValue){ VT_NUM, 0, { .num = r } };
}

static inline uint16_t rd16(const uint8_t *c)
{
    return (uint16_t)(c[0] | c[1] << 8);
}

/* The Kleene and/or instructions, each written once for both operators
 * and used with a constant is_or, so each handler gets its own code with
 * the deciding value folded in. */
ALWAYS_INLINE void logic_fact(const GdlVm *vm, GdlValue *a, uint64_t *da, uint16_t f, bool is_or)
{
    kleene_fact_sets(vm, da, f, kleene(a, &vm->facts[f], is_or));
}

ALWAYS_INLINE void logic_cmp_k(const GdlVm *vm, GdlValue *a, uint64_t *da, const uint8_t *operands, bool is_or)
{
    uint16_t f = rd16(operands);
    GdlValue b = compare_fact(&vm->facts[f], vm->p->numbers[rd16(operands + 2)], operands[4]);
    kleene_fact_sets(vm, da, f, kleene(a, &b, is_or));
}

ALWAYS_INLINE void logic_store(GdlVm *vm, GdlValue *a, const uint64_t *da, const GdlValue *b, const uint64_t *db,
                               uint16_t to, bool is_or)
{
    uint32_t W = vm->words;
    uint64_t *d = vm->fact_deps + (size_t)to * W;
    int action = kleene(a, b, is_or);
    if (action == JOIN)
        deps_join(d, da, db, W);
    else
        deps_copy(d, action == KEEP_A ? da : db, W);
    vm->facts[to] = *a;
}

ALWAYS_INLINE void logic_fact_store(GdlVm *vm, GdlValue *a, const uint64_t *da, uint16_t f, uint16_t to, bool is_or)
{
    uint64_t *d = vm->fact_deps + (size_t)to * vm->words;
    int action = kleene(a, &vm->facts[f], is_or);
    if (action != TAKE_B)
        deps_copy(d, da, vm->words);
    kleene_fact_sets(vm, d, f, action);
    vm->facts[to] = *a;
}

/* Dispatch: computed goto where the compiler has it (one indirect jump per
 * instruction, from a table built from opcodes.def), a switch elsewhere.
 * Handlers are written once with CASE/NEXT (Wren's scheme). */
#if defined(__GNUC__) && !defined(GDL_NO_COMPUTED_GOTO)
#define GDL_COMPUTED_GOTO 1
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"   /* labels as values are a GNU extension, on purpose */
#define CASE(name) L_##name
#define NEXT(n) do { pc += (n); op = code[pc]; goto *LABELS[op]; } while (0)
#define DISPATCH_START op = code[pc]; goto *LABELS[op]; {
#define DISPATCH_END }
#else
#define GDL_COMPUTED_GOTO 0
#define CASE(name) case OP_##name
#define NEXT(n) do { pc += (n); goto next; } while (0)
#define DISPATCH_START for (;;) { next: op = code[pc]; switch ((Opcode)op) {
#define DISPATCH_END default: return; } }
#endif

void gdl_vm_run(GdlVm *vm)
{
    const GdlProgram *p = vm->p;
    const uint8_t *code = p->code;
    const uint32_t W = vm->words;
    GdlValue *stack = vm->stack;
    uint64_t *sdeps = vm->stack_deps;
    uint32_t pc = 0;
    int sp = -1;    /* index of the top value */
    uint8_t op;
#if GDL_COMPUTED_GOTO
    static const void *const LABELS[NUM_OPCODES] = {
#define OP(name, fmt, pop, push, brpush, flags, doc) &&L_##name,
#include "opcodes.def"
#undef OP
    };
#endif

    DISPATCH_START
        CASE(PUSH_TRUE):
        CASE(PUSH_FALSE):
            sp++;
            stack[sp] = (GdlValue){ VT_NUM, 0, { .num = op == OP_PUSH_TRUE } };
            deps_clear(DEPS(sp), W);
            NEXT(1);
        CASE(PUSH_UNKNOWN):
            sp++;
            stack[sp] = (GdlValue){ VT_UNKNOWN, GDL_WHY_BIT(GDL_WHY_LITERAL), { 0 } };
            deps_clear(DEPS(sp), W);
            NEXT(1);
        CASE(PUSH_NUM):
            sp++;
            stack[sp] = (GdlValue){ VT_NUM, 0, { .num = p->numbers[rd16(code + pc + 1)] } };
            deps_clear(DEPS(sp), W);
            NEXT(3);
        CASE(OTHERWISE):
            sp++;
            stack[sp] = (GdlValue){ VT_NUM, GDL_FROM_OTHERWISE, { .num = p->numbers[rd16(code + pc + 1)] } };
            deps_clear(DEPS(sp), W);
            NEXT(3);
        CASE(PUSH_STR): {
            uint16_t s = rd16(code + pc + 1);
            sp++;
            stack[sp] = (GdlValue){ VT_STR, p->string_lens[s], { .str = p->strings[s] } };
            deps_clear(DEPS(sp), W);
            NEXT(3);
        }
        CASE(LOAD_FACT): {
            uint16_t f = rd16(code + pc + 1);
            sp++;
            stack[sp] = vm->facts[f];
            fact_provenance(vm, f, DEPS(sp));
            NEXT(3);
        }
        CASE(FACT_CMP_K): {
            uint16_t f = rd16(code + pc + 1);
            sp++;
            fact_provenance(vm, f, DEPS(sp));
            stack[sp] = compare_fact(&vm->facts[f], p->numbers[rd16(code + pc + 3)], code[pc + 5]);
            NEXT(6);
        }
        CASE(AND_CMP_K):
            logic_cmp_k(vm, &stack[sp], DEPS(sp), code + pc + 1, false);
            NEXT(6);
        CASE(OR_CMP_K):
            logic_cmp_k(vm, &stack[sp], DEPS(sp), code + pc + 1, true);
            NEXT(6);
        CASE(LOAD_PARAM):
            sp++;
            stack[sp] = vm->params[rd16(code + pc + 1)];
            deps_clear(DEPS(sp), W);
            NEXT(3);
        CASE(STORE_FACT): {
            uint16_t f = rd16(code + pc + 1);
            vm->facts[f] = stack[sp];
            deps_copy(vm->fact_deps + (size_t)f * W, DEPS(sp), W);
            sp--;
            NEXT(3);
        }
        CASE(COPY_FACT): {
            uint16_t f = rd16(code + pc + 1), to = rd16(code + pc + 3);
            vm->facts[to] = vm->facts[f];
            fact_provenance(vm, f, vm->fact_deps + (size_t)to * W);
            NEXT(5);
        }
        CASE(NOT):
            if (stack[sp].tag == VT_NUM)
                stack[sp].as.num = stack[sp].as.num == 0;
            NEXT(1);
        CASE(AND_FACT):
            logic_fact(vm, &stack[sp], DEPS(sp), rd16(code + pc + 1), false);
            NEXT(3);
        CASE(OR_FACT):
            logic_fact(vm, &stack[sp], DEPS(sp), rd16(code + pc + 1), true);
            NEXT(3);
        CASE(AND):
            kleene_sets(DEPS(sp - 1), DEPS(sp), W, kleene(&stack[sp - 1], &stack[sp], false));
            sp--;
            NEXT(1);
        CASE(OR):
            kleene_sets(DEPS(sp - 1), DEPS(sp), W, kleene(&stack[sp - 1], &stack[sp], true));
            sp--;
            NEXT(1);
        CASE(AND_STORE):
            logic_store(vm, &stack[sp - 1], DEPS(sp - 1), &stack[sp], DEPS(sp), rd16(code + pc + 1), false);
            sp -= 2;
            NEXT(3);
        CASE(OR_STORE):
            logic_store(vm, &stack[sp - 1], DEPS(sp - 1), &stack[sp], DEPS(sp), rd16(code + pc + 1), true);
            sp -= 2;
            NEXT(3);
        CASE(AND_FACT_STORE):
            logic_fact_store(vm, &stack[sp], DEPS(sp), rd16(code + pc + 1), rd16(code + pc + 3), false);
            sp--;
            NEXT(5);
        CASE(OR_FACT_STORE):
            logic_fact_store(vm, &stack[sp], DEPS(sp), rd16(code + pc + 1), rd16(code + pc + 3), true);
            sp--;
            NEXT(5);
        CASE(EQ): CASE(NE): CASE(LT): CASE(LE): CASE(GT): CASE(GE): {
            GdlValue *a = &stack[sp - 1], *b = &stack[sp];
            if (strict2(a, DEPS(sp - 1), b, DEPS(sp), W)) {
                double x = a->as.num, y = b->as.num;
                bool r = op == OP_EQ ? x == y : op == OP_NE ? x != y : op == OP_LT ? x < y
                       : op == OP_LE ? x <= y : op == OP_GT ? x > y : x >= y;
                *a = (GdlValue){ VT_NUM, 0, { .num = r } };
            }
            sp--;
            NEXT(1);
        }
        CASE(STR_EQ): {
            GdlValue *a = &stack[sp - 1], *b = &stack[sp];
            if (strict2(a, DEPS(sp - 1), b, DEPS(sp), W)) {
                bool r = a->tag == VT_STR && b->tag == VT_STR && a->len == b->len && memcmp(a->as.str, b->as.str, a->len) == 0;
                *a = (GdlValue){ VT_NUM, 0, { .num = r } };
            }
            sp--;
            NEXT(1);
        }
        CASE(ADD): CASE(SUB): CASE(MUL): CASE(DIV): {
            GdlValue *a = &stack[sp - 1], *b = &stack[sp];
            if (strict2(a, DEPS(sp - 1), b, DEPS(sp), W)) {
                double x = a->as.num, y = b->as.num, r;
                if (op == OP_DIV && y == 0) {
                    *a = (GdlValue){ VT_UNKNOWN, GDL_WHY_BIT(GDL_WHY_DIV_ZERO), { 0 } };  /* no finding would give one */
                    deps_clear(DEPS(sp - 1), W);
                } else {
                    r = op == OP_ADD ? x + y : op == OP_SUB ? x - y : op == OP_MUL ? x * y : x / y;
                    *a = (GdlValue){ VT_NUM, 0, { .num = r } };
                }
            }
            sp--;
            NEXT(1);
        }
        CASE(NEG):
            if (stack[sp].tag == VT_NUM)
                stack[sp].as.num = -stack[sp].as.num;
            NEXT(1);
        CASE(KNOWN):
            stack[sp] = (GdlValue){ VT_NUM, 0, { .num = stack[sp].tag != VT_UNKNOWN } };
            NEXT(1);
        CASE(COALESCE): {
            GdlValue *a = &stack[sp - 1], *b = &stack[sp];
            if (a->tag == VT_UNKNOWN) {
                if (b->tag != VT_UNKNOWN) {
                    *a = *b;
                    deps_copy(DEPS(sp - 1), DEPS(sp), W);
                } else {
                    deps_union(DEPS(sp - 1), DEPS(sp), W);
                    join_reason(a, b);
                }
            }
            sp--;
            NEXT(1);
        }
        CASE(AT_LEAST):
        CASE(COUNT): {
            uint32_t n = code[pc + 1];
            int first = sp - (int)n + 1;
            uint32_t t = 0, u = 0;
            for (int i = first; i <= sp; i++) {
                t += gdl_is_true(&stack[i]);
                u += stack[i].tag == VT_UNKNOWN;
            }
            int dst = op == OP_AT_LEAST ? first - 1 : first;
            uint64_t *dd = DEPS(p->max_stack);     /* scratch: operands are read while it fills */
            GdlValue result;
            /* Which operands explain the result: 1 true, 0 false, 2 unknown. */
            int pick;
            if (op == OP_COUNT) {
                pick = u ? 2 : -1;      /* -1: all of them */
                result = (GdlValue){ u ? VT_UNKNOWN : VT_NUM, 0, { .num = t } };
            } else if (stack[dst].tag == VT_UNKNOWN) {
                pick = 2;
                result = stack[dst];
            } else {
                double need = stack[dst].as.num;
                if (t >= need) { pick = 1; result = (GdlValue){ VT_NUM, 0, { .num = 1 } }; }
                else if (t + u < need) { pick = 0; result = (GdlValue){ VT_NUM, 0, { .num = 0 } }; }
                else { pick = 2; result = (GdlValue){ VT_UNKNOWN, 0, { 0 } }; }
            }
            deps_clear(dd, W);
            if (op == OP_AT_LEAST && stack[dst].tag == VT_UNKNOWN)
                deps_copy(dd, DEPS(dst), W);        /* the threshold itself is missing */
            for (int i = first; i <= sp; i++) {
                int kind = stack[i].tag == VT_UNKNOWN ? 2 : gdl_is_true(&stack[i]) ? 1 : 0;
                if (pick == -1 || kind == pick)
                    deps_union(dd, DEPS(i), W);
                if (kind == 2 && result.tag == VT_UNKNOWN)
                    join_reason(&result, &stack[i]);
            }
            deps_copy(DEPS(dst), dd, W);
            stack[dst] = result;
            sp = dst;
            NEXT(2);
        }
        CASE(DAYS_BETWEEN):
        CASE(WEEKS_BETWEEN): {
            GdlValue *a = &stack[sp - 1], *b = &stack[sp];
            if (strict2(a, DEPS(sp - 1), b, DEPS(sp), W)) {
                double d = b->as.num - a->as.num;
                *a = (GdlValue){ VT_NUM, 0, { .num = op == OP_DAYS_BETWEEN ? d : trunc(d / 7) } };
            }
            sp--;
            NEXT(1);
        }
        CASE(SUM_LIST):
        CASE(SUM_ITEMS): {
            GdlValue *a = &stack[sp];
            uint32_t from = 0, to = a->len;
            if (op == OP_SUM_ITEMS) {
                from = code[pc + 1] - 1u;
                to = code[pc + 2];
            }
            if (a->tag == VT_UNKNOWN) {
                /* stays unknown, for the reason it is */
            } else if (a->tag != VT_LIST || to > a->len) {
                /* only hand-made bytecode: the compiler checks i..j against
                 * the declared minimum length; the list is present, so it
                 * is not what is missing */
                *a = (GdlValue){ VT_UNKNOWN, GDL_WHY_BIT(GDL_WHY_SHORT_LIST), { 0 } };
                deps_clear(DEPS(sp), W);
            } else {
                double s = 0;
                for (uint32_t i = from; i < to; i++)
                    s += a->as.items[i];
                *a = (GdlValue){ VT_NUM, 0, { .num = s } };
            }
            NEXT(op == OP_SUM_LIST ? 1 : 3);
        }
        CASE(CLASSIFY_ROW): {
            GdlValue *c = &stack[sp];
            if (gdl_is_false(c)) {
                sp--;
                NEXT(5);
            }
            if (c->tag != VT_UNKNOWN)
                *c = (GdlValue){ VT_NUM, 0, { .num = p->numbers[rd16(code + pc + 3)] } };
            pc = rd16(code + pc + 1);
            NEXT(0);
        }
        CASE(GUARD): {
            GdlValue *c = &stack[sp];
            if (gdl_is_true(c)) {
                sp--;
                NEXT(3);
            }
            if (c->tag != VT_UNKNOWN) {     /* false: the classification does not apply */
                *c = (GdlValue){ VT_UNKNOWN, GDL_WHY_BIT(GDL_WHY_NOT_APPLICABLE), { 0 } };
                deps_clear(DEPS(sp), W);
            }
            pc = rd16(code + pc + 1);
            NEXT(0);
        }
        CASE(JUMP):
            pc = rd16(code + pc + 1);
            NEXT(0);
        CASE(HALT):
            return;
        CASE(INVALID):
            return;     /* unreachable: the verifier rejects these */
    DISPATCH_END
}
#if GDL_COMPUTED_GOTO
#pragma GCC diagnostic pop
#endif
