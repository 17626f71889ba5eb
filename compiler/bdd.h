/* bdd.h - reduced ordered binary decision diagrams, the decision procedure
 * of `gdl verify`: a unique table (so equal functions are equal indices), an
 * operation cache, and/or/not, and one satisfying assignment. Variables are
 * ordered by number. Garbage collection marks what the caller still needs and
 * frees the rest (bdd_mark, bdd_sweep); a manager lives for one verification.
 * No global state. */
#ifndef GDL_BDD_H
#define GDL_BDD_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t Bdd;
enum { BDD_FALSE = 0, BDD_TRUE = 1 };

enum {
    /* Node slots per manager (live nodes and garbage not yet collected): a
     * policy bound that keeps a runaway verification within memory (12
     * bytes a node, plus its table slots). */
    BDD_MAX_NODES = 1u << 22,
    BDD_CACHE_BITS = 18,    /* operation cache: 2^18 entries of 16 bytes */
};

typedef struct {
    uint32_t var, lo, hi;
} BddNode;

typedef struct {
    uint32_t op, a, b, r;
} BddCacheEntry;

typedef struct {
    BddNode *nodes;
    uint32_t count, cap, limit;     /* count: slots used, free or not */
    uint32_t free_list, nfree;      /* freed slots, linked through lo */
    uint8_t *mark;                  /* during a collection: the nodes reached */
    uint32_t *table;        /* unique table: open addressing, node index or 0 */
    uint32_t table_mask;
    BddCacheEntry *cache;
    uint32_t nvars;
    bool overflow;          /* a limit was hit: every later result is BDD_FALSE */
} BddMgr;

/* 0 on success, -1 when out of memory. limit 0 means BDD_MAX_NODES. */
int bdd_init(BddMgr *m, uint32_t nvars, uint32_t limit);
void bdd_free(BddMgr *m);

Bdd bdd_var(BddMgr *m, uint32_t var);       /* the variable itself */
Bdd bdd_not(BddMgr *m, Bdd a);
Bdd bdd_and(BddMgr *m, Bdd a, Bdd b);
Bdd bdd_or(BddMgr *m, Bdd a, Bdd b);
Bdd bdd_and_not(BddMgr *m, Bdd a, Bdd b);   /* a and not b */

/* Garbage collection between operations: bdd_mark every BDD still needed,
 * then bdd_sweep frees every node that none of them reaches and empties the
 * operation cache. The BDDs kept keep their indices, and the unique table
 * stays canonical: an equal function built later is the same index. Freed
 * slots are reused first, lowest index first. bdd_sweep returns the nodes in
 * use. Out of memory while marking, it frees nothing and sets overflow, as
 * mk does. */
void bdd_mark(BddMgr *m, Bdd f);
uint32_t bdd_sweep(BddMgr *m);
uint32_t bdd_nodes_in_use(const BddMgr *m);

/* One satisfying assignment of f, into value[0..nvars), with the fewest
 * variables at 1 (a variable the path does not test is 0; on a tie the
 * 0-branch wins). Callers rely on it: code 0 means "unknown", so the case
 * has few known fields. False when f is BDD_FALSE or out of memory. */
bool bdd_sat_one(const BddMgr *m, Bdd f, uint8_t *value);

/* Nodes reachable from f (terminals excluded), for tests and statistics. */
uint32_t bdd_size(const BddMgr *m, Bdd f);

#endif
