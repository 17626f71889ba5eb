/* table.c - multi-column decision tables: checks a table's columns, its
 * rows' cells and combination rules (all, any, at_least N), and lowers each
 * such row to the condition every later pass reads (row->a): `any [>= 7, -,
 * == present]` over columns (nprs, x, night) becomes `any(nprs >= 7, night ==
 * present)`, each test located at its cell. Types and units of the cells are
 * checked by check.c on the lowered tests; gdl verify's column checks read
 * each cell's test (cell->a) in analysis.c. */
#include <string.h>

#include "builtins.h"
#include "compile.h"
#include "table.h"

#define ERR(span, ...) diag_report(&c->diag, SEV_ERROR, (span), __VA_ARGS__)
#define NOTE(span, ...) diag_report(&c->diag, SEV_NOTE, (span), __VA_ARGS__)

/* The combinations a row of cells may name, in the order the errors list
 * them: built-in functions, spelled by builtins.def, since the row lowers to
 * a call of one. A combination typed AT_LEAST takes a count before the cells. */
static const BuiltinFn COMBINATIONS[] = { BF_ALL, BF_ANY, BF_AT_LEAST };
enum { COMBINATION_COUNT = sizeof COMBINATIONS / sizeof COMBINATIONS[0] };

/* The built-in function a combination word names, or -1. */
static int combination(const char *word)
{
    for (size_t i = 0; i < COMBINATION_COUNT; i++)
        if (strcmp(word, BUILTINS[COMBINATIONS[i]].name) == 0)
            return (int)COMBINATIONS[i];
    return -1;
}

static bool takes_count(int fn)
{
    return BUILTINS[fn].typing == BT_AT_LEAST;
}

/* The combinations (counted: only those that take a count), "all, any or
 * at_least N", into buf. */
static const char *combination_list(bool counted, char *buf, size_t len)
{
    size_t n = 0, used = 0;
    for (size_t i = 0; i < COMBINATION_COUNT; i++)
        n += !counted || takes_count(COMBINATIONS[i]);
    buf[0] = '\0';
    for (size_t i = 0, k = 0; i < COMBINATION_COUNT && used < len; i++) {
        int fn = COMBINATIONS[i];
        if (counted && !takes_count(fn))
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%s%s", diag_or_separator(k++, n), BUILTINS[fn].name,
                                 takes_count(fn) && !counted ? " N" : "");
    }
    return buf;
}

/* The columns are names of inputs, defines or classifications, each once. */
static bool check_columns(Compiler *c, AstNode *table, AstNode *cols)
{
    bool ok = true;
    if (strcmp(cols->name, "columns") != 0) {
        ERR(cols->name_span, "expected 'columns' or a row ('when' or 'otherwise') in classification '%s', not '%s'",
            table->name, cols->name);
        return false;
    }
    for (uint32_t i = 0; i < cols->list.count; i++) {
        AstNode *col = cols->list.items[i];
        Symbol *s = sym_lookup(c, col->name);
        if (!s) {
            const char *hint = sym_suggest(c, col->name);
            if (hint)
                ERR(col->span, "unknown column '%s' (did you mean '%s'?)", col->name, hint);
            else
                ERR(col->span, "unknown column '%s'", col->name);
            ok = false;
        } else if (s->kind != SYM_INPUT && s->kind != SYM_DEFINE && s->kind != SYM_CLASSIFY) {
            ERR(col->span, "column '%s' must be an input, a define or a classification", col->name);
            ok = false;
        }
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(cols->list.items[j]->name, col->name) == 0) {
                ERR(col->span, "column '%s' is listed twice", col->name);
                NOTE(cols->list.items[j]->span, "first listed here");
                ok = false;
                break;
            }
    }
    return ok;
}

/* The test of one cell on its column, located at the cell. */
static AstNode *cell_test(AstBuilder *b, AstNode *cell, const AstNode *col)
{
    AstNode *x = ast_named(b, AST_NAME, cell->span, col->name, cell->span);
    AstNode *t;
    if (cell->flags & CELL_IN_SET) {
        t = ast_new(b, AST_SET_TEST, cell->span);
        t->list = cell->list;
    } else if (cell->op == OP_NONE_) {
        t = ast_new(b, AST_RANGE_TEST, cell->span);
        t->b = cell->b;
    } else {
        t = ast_new(b, AST_BINARY, cell->span);
        t->op = cell->op;
        t->b = cell->b;
    }
    t->a = x;
    return t;
}

static bool is_empty_cell(const AstNode *cell)
{
    return cell->op == OP_NONE_ && !cell->b && !(cell->flags & CELL_IN_SET);
}

/* One row: its cells against the columns, its combination; row->a becomes
 * the lowered condition (false where the row is in error, so the later passes
 * see a well-formed table; the errors stop the compile). */
static void lower_row(Compiler *c, AstBuilder *b, AstNode *table, AstNode *row, uint32_t index)
{
    AstNode *cells = row->a, *cols = table->b;
    row->cells = cells;
    AstNode *bad = ast_new(b, AST_BOOL, cells->span);
    row->a = bad;
    if (!cols) {
        ERR(cells->span, "row %u of classification '%s' has cells, but the table has no columns "
            "(write 'columns NAME, ...' before the rows)", index + 1, table->name);
        return;
    }
    int how = combination(cells->name);
    char words[96];
    if (how < 0) {
        ERR(cells->name_span, "unknown combination '%s' (write %s before the cells)", cells->name,
            combination_list(false, words, sizeof words));
        return;
    }
    if (cells->list.count != cols->list.count) {
        ERR(cells->span, "row %u of classification '%s' has %u cell%s, but the table has %u columns "
            "(write '-' for a column the row does not test)", index + 1, table->name, cells->list.count,
            cells->list.count == 1 ? "" : "s", cols->list.count);
        NOTE(cols->span, "columns declared here");
        return;
    }
    AstNode *call = ast_named(b, AST_CALL, cells->span, cells->name, cells->name_span);
    if (takes_count(how)) {
        if (!cells->count) {
            ERR(cells->name_span, "%s needs a count: '%s N [...]'", cells->name, cells->name);
            return;
        }
        ast_push(b, &call->list, cells->count);
    } else if (cells->count) {
        ERR(cells->count->span, "only %s takes a count ('%s' does not)", combination_list(true, words, sizeof words),
            cells->name);
        return;
    }
    uint32_t tests = 0;
    for (uint32_t j = 0; j < cells->list.count; j++) {
        AstNode *cell = cells->list.items[j];
        if (is_empty_cell(cell))
            continue;
        cell->a = cell_test(b, cell, cols->list.items[j]);
        ast_push(b, &call->list, cell->a);
        tests++;
    }
    if (tests == 0) {
        ERR(cells->span, "row %u of classification '%s' tests no column (every cell is '-')", index + 1, table->name);
        return;
    }
    if (takes_count(how)) {
        double n = cells->count->num;
        if (cells->count->unit || n != (double)(uint32_t)n || n < 1 || n > tests) {
            ERR(cells->count->span, "%s %g: the count must be a whole number from 1 to the %u cell%s the row tests",
                cells->name, n, tests, tests == 1 ? "" : "s");
            return;
        }
    }
    row->a = call;
}

void table_lower(Compiler *c, AstNode *table)
{
    AstBuilder b = { .arena = &c->arena };
    if (table->policy && strcmp(table->policy->name, "first") != 0)
        ERR(table->policy->span, "unknown hit policy '%s' (write 'first' or 'unique')", table->policy->name);
    bool columns_ok = !table->b || check_columns(c, table, table->b);
    bool has_cells = false;
    for (uint32_t i = 0; i < table->list.count; i++) {
        AstNode *row = table->list.items[i];
        if (!row->a || row->a->kind != AST_CELLS) {
            if (row->a && table->b)
                ERR(row->a->span, "row %u of classification '%s' is a condition, but the table has columns "
                    "(write the row as cells: 'when any [...] -> VALUE')", i + 1, table->name);
            continue;
        }
        has_cells = true;
        if (columns_ok)
            lower_row(c, &b, table, row, i);
        else {
            row->cells = row->a;
            row->a = ast_new(&b, AST_BOOL, row->a->span);
        }
    }
    if (table->b && columns_ok && !has_cells)
        ERR(table->b->span, "classification '%s' has columns but no row of cells", table->name);
    if (b.oom)
        ERR(table->span, "out of memory");
}
