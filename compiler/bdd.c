/* bdd.c - ROBDDs for gdl verify (see bdd.h). Node 0 is false, node 1 is
 * true; both carry the variable UINT32_MAX, below every real variable. Apply
 * is the textbook recursion (Bryant 1986) with a direct-mapped cache. */
#include "bdd.h"

#include <stdlib.h>
#include <string.h>

enum { OP_AND = 1, OP_OR, OP_NOT, OP_AND_NOT };
#define TERMINAL_VAR UINT32_MAX
#define FREE_VAR (UINT32_MAX - 1)      /* a freed slot */

int bdd_init(BddMgr *m, uint32_t nvars, uint32_t limit)
{
    memset(m, 0, sizeof *m);
    m->nvars = nvars;
    m->limit = limit ? limit : BDD_MAX_NODES;
    m->cap = 1024;
    m->nodes = malloc(sizeof(BddNode) * m->cap);
    m->table_mask = 2047;
    m->table = calloc(m->table_mask + 1, sizeof(uint32_t));
    m->cache = calloc((size_t)1 << BDD_CACHE_BITS, sizeof(BddCacheEntry));
    if (!m->nodes || !m->table || !m->cache) {
        bdd_free(m);
        return -1;
    }
    m->nodes[0] = (BddNode){ TERMINAL_VAR, 0, 0 };
    m->nodes[1] = (BddNode){ TERMINAL_VAR, 1, 1 };
    m->count = 2;
    return 0;
}

void bdd_free(BddMgr *m)
{
    free(m->nodes);
    free(m->table);
    free(m->cache);
    free(m->mark);
    memset(m, 0, sizeof *m);
}

static uint32_t hash3(uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ull ^ (uint64_t)b * 0xC2B2AE3D27D4EB4Full
               ^ (uint64_t)c * 0x165667B19E3779F9ull;
    return (uint32_t)(h ^ (h >> 29));
}

static void table_insert(uint32_t *t, uint32_t mask, const BddNode *nodes, uint32_t i)
{
    uint32_t h = hash3(nodes[i].var, nodes[i].lo, nodes[i].hi) & mask;
    while (t[h])
        h = (h + 1) & mask;
    t[h] = i;
}

static bool grow_table(BddMgr *m)
{
    uint32_t mask = m->table_mask * 2 + 1;
    uint32_t *t = calloc((size_t)mask + 1, sizeof(uint32_t));
    if (!t)
        return false;
    for (uint32_t i = 2; i < m->count; i++)
        if (m->nodes[i].var != FREE_VAR)
            table_insert(t, mask, m->nodes, i);
    free(m->table);
    m->table = t;
    m->table_mask = mask;
    return true;
}

/* The node (var, lo, hi), reduced and shared. */
static Bdd mk(BddMgr *m, uint32_t var, Bdd lo, Bdd hi)
{
    if (lo == hi || m->overflow)
        return m->overflow ? BDD_FALSE : lo;
    uint32_t h = hash3(var, lo, hi) & m->table_mask;
    for (uint32_t i; (i = m->table[h]) != 0; h = (h + 1) & m->table_mask) {
        const BddNode *n = &m->nodes[i];
        if (n->var == var && n->lo == lo && n->hi == hi)
            return i;
    }
    uint32_t i = m->free_list;
    if (i) {
        m->free_list = m->nodes[i].lo;
        m->nfree--;
    } else {
        if (m->count >= m->limit) {
            m->overflow = true;
            return BDD_FALSE;
        }
        if (m->count == m->cap) {
            BddNode *nn = realloc(m->nodes, sizeof(BddNode) * m->cap * 2);
            if (!nn) {
                m->overflow = true;
                return BDD_FALSE;
            }
            m->nodes = nn;
            m->cap *= 2;
        }
        i = m->count++;
    }
    m->nodes[i] = (BddNode){ var, lo, hi };
    m->table[h] = i;
    if ((uint64_t)bdd_nodes_in_use(m) * 2 > m->table_mask && !grow_table(m))
        m->overflow = true;
    return i;
}

uint32_t bdd_nodes_in_use(const BddMgr *m)
{
    return m->count - m->nfree;
}

static void mark_from(BddMgr *m, Bdd f)
{
    while (f > BDD_TRUE && !m->mark[f]) {
        m->mark[f] = 1;
        mark_from(m, m->nodes[f].lo);
        f = m->nodes[f].hi;
    }
}

void bdd_mark(BddMgr *m, Bdd f)
{
    if (!m->mark && !m->overflow) {
        m->mark = calloc(m->count, 1);
        if (!m->mark)
            m->overflow = true;     /* out of memory: stop, as mk does */
    }
    if (m->mark)
        mark_from(m, f);
}

uint32_t bdd_sweep(BddMgr *m)
{
    if (!m->mark)
        return bdd_nodes_in_use(m);
    memset(m->table, 0, sizeof(uint32_t) * ((size_t)m->table_mask + 1));
    m->free_list = 0;
    m->nfree = 0;
    for (uint32_t i = m->count; i-- > 2;) {     /* downwards: the free list starts at the lowest slot */
        if (m->mark[i]) {
            table_insert(m->table, m->table_mask, m->nodes, i);
        } else {
            m->nodes[i] = (BddNode){ FREE_VAR, m->free_list, 0 };
            m->free_list = i;
            m->nfree++;
        }
    }
    memset(m->cache, 0, sizeof(BddCacheEntry) << BDD_CACHE_BITS);
    free(m->mark);
    m->mark = NULL;
    return bdd_nodes_in_use(m);
}

Bdd bdd_var(BddMgr *m, uint32_t var)
{
    return mk(m, var, BDD_FALSE, BDD_TRUE);
}

static BddCacheEntry *cache_slot(BddMgr *m, uint32_t op, Bdd a, Bdd b)
{
    return &m->cache[hash3(op, a, b) & ((1u << BDD_CACHE_BITS) - 1)];
}

static Bdd apply(BddMgr *m, uint32_t op, Bdd a, Bdd b)
{
    switch (op) {
    case OP_AND:
        if (a == BDD_FALSE || b == BDD_FALSE) return BDD_FALSE;
        if (a == BDD_TRUE) return b;
        if (b == BDD_TRUE || a == b) return a;
        if (a > b) { Bdd t = a; a = b; b = t; }     /* commutative: one cache entry */
        break;
    case OP_OR:
        if (a == BDD_TRUE || b == BDD_TRUE) return BDD_TRUE;
        if (a == BDD_FALSE) return b;
        if (b == BDD_FALSE || a == b) return a;
        if (a > b) { Bdd t = a; a = b; b = t; }
        break;
    case OP_AND_NOT:
        if (a == BDD_FALSE || b == BDD_TRUE || a == b) return BDD_FALSE;
        if (b == BDD_FALSE) return a;
        break;
    default: /* OP_NOT */
        if (a <= BDD_TRUE) return a ^ 1u;
        break;
    }
    if (m->overflow)
        return BDD_FALSE;
    BddCacheEntry *e = cache_slot(m, op, a, b);
    if (e->op == op && e->a == a && e->b == b)
        return e->r;
    const BddNode na = m->nodes[a], nb = m->nodes[b];
    uint32_t v = op == OP_NOT ? na.var : na.var < nb.var ? na.var : nb.var;
    Bdd a0 = na.var == v ? na.lo : a, a1 = na.var == v ? na.hi : a;
    Bdd b0 = nb.var == v ? nb.lo : b, b1 = nb.var == v ? nb.hi : b;
    Bdd lo = apply(m, op, a0, b0);
    Bdd hi = apply(m, op, a1, b1);
    Bdd r = mk(m, v, lo, hi);
    e = cache_slot(m, op, a, b);     /* the recursion may have reused the slot */
    *e = (BddCacheEntry){ op, a, b, r };
    return r;
}

Bdd bdd_and(BddMgr *m, Bdd a, Bdd b) { return apply(m, OP_AND, a, b); }
Bdd bdd_or(BddMgr *m, Bdd a, Bdd b) { return apply(m, OP_OR, a, b); }
Bdd bdd_and_not(BddMgr *m, Bdd a, Bdd b) { return apply(m, OP_AND_NOT, a, b); }
Bdd bdd_not(BddMgr *m, Bdd a) { return apply(m, OP_NOT, a, BDD_FALSE); }

/* Fewest 1s on a path from f to true (UINT32_MAX: none), memoised in cost[]
 * (0: not computed yet, else cost + 1). */
static uint32_t min_ones(const BddMgr *m, Bdd f, uint32_t *cost)
{
    if (f == BDD_TRUE)
        return 0;
    if (f == BDD_FALSE)
        return UINT32_MAX;
    if (cost[f])
        return cost[f] - 1;
    uint32_t lo = min_ones(m, m->nodes[f].lo, cost), hi = min_ones(m, m->nodes[f].hi, cost);
    uint32_t c = lo <= (hi == UINT32_MAX ? hi : hi + 1) ? lo : hi + 1;
    cost[f] = c == UINT32_MAX ? UINT32_MAX : c + 1;
    return c;
}

bool bdd_sat_one(const BddMgr *m, Bdd f, uint8_t *value)
{
    memset(value, 0, m->nvars);
    if (f == BDD_FALSE)
        return false;
    uint32_t *cost = calloc(m->count, sizeof(uint32_t));
    if (!cost)
        return false;
    while (f != BDD_TRUE) {
        const BddNode *n = &m->nodes[f];
        uint32_t lo = min_ones(m, n->lo, cost), hi = min_ones(m, n->hi, cost);
        if (lo != UINT32_MAX && (hi == UINT32_MAX || lo <= hi + 1)) {
            f = n->lo;
        } else {
            value[n->var] = 1;
            f = n->hi;
        }
    }
    free(cost);
    return true;
}

static uint32_t count_marked(const BddMgr *m, Bdd f, uint8_t *seen)
{
    if (f <= BDD_TRUE || seen[f])
        return 0;
    seen[f] = 1;
    return 1 + count_marked(m, m->nodes[f].lo, seen) + count_marked(m, m->nodes[f].hi, seen);
}

uint32_t bdd_size(const BddMgr *m, Bdd f)
{
    uint8_t *seen = calloc(m->count, 1);
    if (!seen)
        return 0;
    uint32_t n = count_marked(m, f, seen);
    free(seen);
    return n;
}
