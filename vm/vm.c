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
#include "opcodes.h"

static inline uint16_t rd16(const uint8_t *c)
{
    return (uint16_t)(c[0] | c[1] << 8);
}

/* One allocation holds every array: carve() is run once to measure (base
 * NULL) and once to hand out, each array at its own alignment. */
typedef struct {
    char *base;
    size_t used;
} Carver;

static void *carve(Carver *c, size_t count, size_t size, size_t align)
{
    c->used = (c->used + align - 1) & ~(align - 1);
    void *at = c->base ? c->base + c->used : NULL;
    c->used += count * size;
    return at;
}

#define CARVE(c, n, type) ((type *)carve((c), (n), sizeof(type), _Alignof(type)))

static size_t carve_arrays(GdlVm *vm, Carver *c, size_t stack, size_t seen_words, uint32_t slots, size_t max_reads)
{
    const GdlProgram *p = vm->p;
    vm->fact_deps = CARVE(c, (size_t)p->nfacts * vm->words, uint64_t);
    vm->stack_deps = CARVE(c, stack * vm->words, uint64_t);
    vm->seen = CARVE(c, seen_words, uint64_t);
    vm->params = CARVE(c, p->nparams, double);
    vm->facts = CARVE(c, p->nfacts, GdlValue);
    vm->stack = CARVE(c, stack, GdlValue);
    vm->deps_gen = CARVE(c, p->nfacts, uint32_t);
    vm->want_gen = CARVE(c, p->nfacts, uint32_t);
    vm->reads_off = CARVE(c, (size_t)p->nfacts + 1, uint32_t);
    vm->input_order = CARVE(c, p->ninputs, uint16_t);
    vm->input_rank = CARVE(c, p->ninputs, uint16_t);
    vm->dep_fact = CARVE(c, p->ndep_bits, uint16_t);
    vm->name_slots = CARVE(c, slots, uint16_t);
    vm->code_start = CARVE(c, p->nfacts, uint16_t);
    vm->code_rank = CARVE(c, p->nfacts, uint16_t);
    vm->code_fact = CARVE(c, p->nfacts, uint16_t);
    vm->work = CARVE(c, p->nfacts, uint16_t);
    vm->reads = CARVE(c, max_reads, uint16_t);
    return c->used;
}

/* Each derived fact's code runs from the end of the previous STORE_FACT
 * through its own (the verifier checks that no jump crosses a store and
 * that each starts on an empty stack). Recorded per fact, in code order:
 * where it starts and which derived facts it reads. */
static void index_fact_code(GdlVm *vm)
{
    const GdlProgram *p = vm->p;
    uint32_t start = 0, rank = 0, nreads = 0;
    for (uint32_t pc = 0; pc < p->ncode; pc += OP_FORMAT_SIZE[OP_INFO[p->code[pc]].format]) {
        uint8_t op = p->code[pc];
        uint8_t format = OP_INFO[op].format;
        if (op == OP_STORE_FACT) {
            uint16_t f = rd16(p->code + pc + 1);
            vm->code_start[f] = (uint16_t)start;
            vm->code_rank[f] = (uint16_t)rank;
            vm->code_fact[rank++] = f;
            vm->reads_off[rank] = nreads;
            start = pc + OP_FORMAT_SIZE[format];
        } else if (format == FMT_F || format == FMT_FKC) {
            uint16_t f = rd16(p->code + pc + 1);
            if (f >= p->ninputs)
                vm->reads[nreads++] = f;
        }
        if (op == OP_HALT)
            break;
    }
}

typedef struct {
    const char *name;
    uint16_t input;
} NamedInput;

static int cmp_named_inputs(const void *a, const void *b)
{
    return strcmp(((const NamedInput *)a)->name, ((const NamedInput *)b)->name);
}

int gdl_vm_init(GdlVm *vm, const GdlProgram *p)
{
    memset(vm, 0, sizeof *vm);
    vm->p = p;
    /* Provenance sets are padded to a multiple of four words, so their loops
     * run in whole blocks of 256 bits the compiler can keep in registers. */
    vm->words = ((p->ndep_bits + 63) / 64 + 3) & ~3u;
    if (vm->words == 0)
        vm->words = 4;
    size_t stack = (size_t)p->max_stack + 1;   /* + one scratch set for AT_LEAST / COUNT */
    uint32_t slots = 16;
    while (slots < 2 * p->ninputs)
        slots *= 2;
    size_t seen_words = (p->ninputs + 63) / 64 + 1;
    size_t max_reads = p->ncode / 3 + 1;    /* a fact operand takes 3 bytes */
    Carver measure = { 0 };
    size_t size = carve_arrays(vm, &measure, stack, seen_words, slots, max_reads);
    char *block = calloc(1, size);
    NamedInput *names = malloc(sizeof(NamedInput) * (p->ninputs + 1));
    if (!block || !names) {
        free(block);
        free(names);
        return -1;
    }
    vm->block = block;
    Carver hand_out = { block, 0 };
    carve_arrays(vm, &hand_out, stack, seen_words, slots, max_reads);
    vm->name_mask = slots - 1;
    for (uint32_t f = 0; f < p->ninputs; f++) {
        uint32_t h = gdl_name_hash(p->strings[p->facts[f].name], p->string_lens[p->facts[f].name]) & vm->name_mask;
        while (vm->name_slots[h])
            h = (h + 1) & vm->name_mask;
        vm->name_slots[h] = (uint16_t)(f + 1);
    }
    for (uint32_t f = 0; f < p->nfacts; f++)
        if (p->facts[f].dep_bit != GDL_NONE)
            vm->dep_fact[p->facts[f].dep_bit] = (uint16_t)f;
    for (uint32_t i = 0; i < p->nparams; i++)
        vm->params[i] = p->params[i].value;
    for (uint32_t f = 0; f < p->ninputs; f++)
        names[f] = (NamedInput){ gdl_str(p, p->facts[f].name), (uint16_t)f };
    qsort(names, p->ninputs, sizeof *names, cmp_named_inputs);   /* names are unique */
    for (uint32_t i = 0; i < p->ninputs; i++) {
        vm->input_order[i] = names[i].input;
        vm->input_rank[names[i].input] = (uint16_t)i;
    }
    free(names);
    index_fact_code(vm);
    vm->advice = advice_tables_new(p);
    if (!vm->advice) {
        free(block);
        return -1;
    }
    arena_init(&vm->case_arena, 64 * 1024);
    return 0;
}

void gdl_vm_free(GdlVm *vm)
{
    arena_free(&vm->case_arena);
    advice_tables_free(vm->advice);
    free(vm->block);
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

static bool param_in_range(const GdlParam *pa, double v)
{
    if ((pa->flags & IN_HAS_MIN) && ((pa->flags & IN_MIN_EXCL) ? !(v > pa->min) : !(v >= pa->min)))
        return false;
    if ((pa->flags & IN_HAS_MAX) && ((pa->flags & IN_MAX_EXCL) ? !(v < pa->max) : !(v <= pa->max)))
        return false;
    return true;
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

int gdl_vm_set_param(GdlVm *vm, const char *name, const char *text, char *err, size_t errlen)
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
            vm->params[i] = strcmp(text, "true") == 0;
            return 0;
        }
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
        if (!param_in_range(pa, v)) {
            snprintf(err, errlen, "parameter '%s' = %s is outside its range %c%g, %g%c%s%s", name, text,
                     (pa->flags & IN_MIN_EXCL) ? '(' : '[', pa->min, pa->max, (pa->flags & IN_MAX_EXCL) ? ')' : ']',
                     *unit ? " " : "", unit);
            return -1;
        }
        vm->params[i] = v;
        return 0;
    }
    snprintf(err, errlen, "no parameter '%s' in this guideline", name);
    return -1;
}

/* ---- provenance sets ------------------------------------------------- */

/* The helpers below run once or more per instruction: inline them even
 * where the compiler would call (they are used from several handlers). */
#if defined(__GNUC__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE static inline
#endif

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

static inline void deps_union(uint64_t *d, const uint64_t *s, uint32_t w)
{
    for (uint32_t i = 0; i < w; i += 4) {
        d[i] |= s[i];
        d[i + 1] |= s[i + 1];
        d[i + 2] |= s[i + 2];
        d[i + 3] |= s[i + 3];
    }
}

/* Kleene and/or on two operands at a (result) and b. For `and` the value
 * that decides is false, for `or` it is true; provenance follows the
 * deciding operands, or the unknown ones when nothing decides. `track` is
 * a constant at each call: without it the sets are not touched. */
ALWAYS_INLINE void kleene(GdlValue *a, uint64_t *da, const GdlValue *b, const uint64_t *db, uint32_t W,
                          double decider, bool track)
{
    bool a_dec = a->tag == VT_NUM && (a->as.num != 0) == (decider != 0);
    bool b_dec = b->tag == VT_NUM && (b->as.num != 0) == (decider != 0);
    bool a_unk = a->tag == VT_UNKNOWN, b_unk = b->tag == VT_UNKNOWN;
    if (a_dec || b_dec) {
        if (track && !a_dec)
            deps_copy(da, db, W);
        else if (track && b_dec)
            deps_union(da, db, W);
        a->tag = VT_NUM;
        a->as.num = decider;
    } else if (a_unk || b_unk) {
        if (track && !a_unk)
            deps_copy(da, db, W);
        else if (track && b_unk)
            deps_union(da, db, W);
        a->tag = VT_UNKNOWN;
    } else {
        if (track)
            deps_union(da, db, W);
        a->as.num = !decider;
    }
}

/* Strict operators: unknown in, unknown out (provenance: the unknowns). */
ALWAYS_INLINE bool strict2(GdlValue *a, uint64_t *da, const GdlValue *b, const uint64_t *db, uint32_t W, bool track)
{
    bool au = a->tag == VT_UNKNOWN, bu = b->tag == VT_UNKNOWN;
    if (au || bu) {
        if (track && !au)
            deps_copy(da, db, W);
        else if (track && bu)
            deps_union(da, db, W);
        a->tag = VT_UNKNOWN;
        return false;
    }
    if (track)
        deps_union(da, db, W);
    return true;
}

/* Whether reading fact f passes on f's own provenance set: inputs and
 * known named classifications stand for themselves (one bit) instead. */
static inline bool reads_fact_deps(const GdlVm *vm, uint16_t f)
{
    const GdlFact *fact = &vm->p->facts[f];
    return !(fact->dep_bit != GDL_NONE && (fact->kind == FK_INPUT || vm->facts[f].tag != VT_UNKNOWN));
}

/* The provenance of a fact as read: inputs and named classifications stand
 * for themselves when known; defines pass on what they were derived from,
 * and an unknown fact passes on the inputs it waits for. Only the tracking
 * loop calls this, after gdl_fact_deps made f's set current. */
static inline void fact_provenance(const GdlVm *vm, uint16_t f, uint64_t *d)
{
    if (!reads_fact_deps(vm, f)) {
        uint16_t bit = vm->p->facts[f].dep_bit;
        deps_clear(d, vm->words);
        d[bit >> 6] |= 1ull << (bit & 63);
    } else {
        deps_copy(d, vm->fact_deps + (size_t)f * vm->words, vm->words);
    }
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

#define VM_EXEC exec_values
#define VM_TRACK 0
#include "vm_exec.inc"
#undef VM_EXEC
#undef VM_TRACK
#define VM_EXEC exec_tracked
#define VM_TRACK 1
#include "vm_exec.inc"
#undef VM_EXEC
#undef VM_TRACK
#if GDL_COMPUTED_GOTO
#pragma GCC diagnostic pop
#endif

/* ---- evaluation and provenance on demand --------------------------------
 * gdl_vm_run computes every value and no provenance. The output reads
 * provenance for a few facts (what fired, what is undecided); gdl_fact_deps
 * then runs the code of that fact, and of the facts it reads whose sets it
 * needs, once more with tracking, each at most once per run. */

void gdl_vm_run(GdlVm *vm)
{
    if (++vm->run_gen == 0) {      /* wrapped: no set may look current */
        memset(vm->deps_gen, 0, sizeof(uint32_t) * vm->p->nfacts);
        memset(vm->want_gen, 0, sizeof(uint32_t) * vm->p->nfacts);
        vm->run_gen = 1;
    }
    exec_values(vm, 0);
}

const uint64_t *gdl_vm_track_deps(const GdlVm *cvm, uint32_t fact)
{
    GdlVm *vm = (GdlVm *)cvm;      /* fills the per-run cache of sets only */
    uint32_t gen = vm->run_gen;
    /* Collect the facts whose sets are needed and not current: `fact`, and
     * whatever their code reads that passes its set on. */
    uint32_t n = 0, lowest = vm->code_rank[fact];
    vm->work[n++] = (uint16_t)fact;
    vm->want_gen[fact] = gen;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t rank = vm->code_rank[vm->work[i]];
        for (uint32_t r = vm->reads_off[rank]; r < vm->reads_off[rank + 1]; r++) {
            uint16_t h = vm->reads[r];
            if (vm->deps_gen[h] != gen && vm->want_gen[h] != gen && reads_fact_deps(vm, h)) {
                vm->want_gen[h] = gen;
                vm->work[n++] = h;
                if (vm->code_rank[h] < lowest)
                    lowest = vm->code_rank[h];
            }
        }
    }
    /* A fact reads only facts whose code comes before its own (the verifier
     * checks that loads follow stores): run them in code order. A few are
     * sorted; for many, the ranks up to `fact` are walked. */
    if (n <= 16) {
        for (uint32_t i = 1; i < n; i++) {
            uint16_t x = vm->work[i];
            uint32_t j = i;
            for (; j > 0 && vm->code_rank[vm->work[j - 1]] > vm->code_rank[x]; j--)
                vm->work[j] = vm->work[j - 1];
            vm->work[j] = x;
        }
    } else {
        n = 0;
        for (uint32_t r = lowest; r <= vm->code_rank[fact]; r++)
            if (vm->want_gen[vm->code_fact[r]] == gen && vm->deps_gen[vm->code_fact[r]] != gen)
                vm->work[n++] = vm->code_fact[r];
    }
    for (uint32_t i = 0; i < n; i++) {
        exec_tracked(vm, vm->code_start[vm->work[i]]);
        vm->deps_gen[vm->work[i]] = gen;
    }
    return vm->fact_deps + (size_t)fact * vm->words;
}
