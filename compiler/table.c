/* table.c - multi-column decision tables: checks a table's columns, its
 * rows' cells and combination rules (all, any, at_least N), and lowers each
 * such row to the condition every later pass reads (row->a): `any [>= 7, -,
 * == present]` over columns (nprs, x, night) becomes `any(nprs >= 7, night ==
 * present)`, each test located at its cell. Types and units of the cells are
 * checked by check.c on the lowered tests; gdl verify's column checks read
 * each cell's test (cell->a) in analysis.c. */
#include <string.h>

#include "compile.h"
#include "table.h"

#define ERR(span, ...) diag_report(&c->diag, SEV_ERROR, (span), __VA_ARGS__)
#define NOTE(span, ...) diag_report(&c->diag, SEV_NOTE, (span), __VA_ARGS__)

typedef enum { COMBINE_ALL, COMBINE_ANY, COMBINE_AT_LEAST, COMBINE__BAD } Combination;

static Combination combination(const char *word)
{
    static const char *const WORDS[] = { "all", "any", "at_least" };
    for (int i = 0; i < 3; i++)
        if (strcmp(word, WORDS[i]) == 0)
            return (Combination)i;
    return COMBINE__BAD;
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
    Combination how = combination(cells->name);
    if (how == COMBINE__BAD) {
        ERR(cells->name_span, "unknown combination '%s' (write all, any or at_least N before the cells)", cells->name);
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
    if (how == COMBINE_AT_LEAST) {
        if (!cells->count) {
            ERR(cells->name_span, "at_least needs a count: 'at_least N [...]'");
            return;
        }
        ast_push(b, &call->list, cells->count);
    } else if (cells->count) {
        ERR(cells->count->span, "only at_least takes a count ('%s' does not)", cells->name);
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
    if (how == COMBINE_AT_LEAST) {
        double n = cells->count->num;
        if (cells->count->unit || n != (double)(uint32_t)n || n < 1 || n > tests) {
            ERR(cells->count->span, "at_least %g: the count must be a whole number from 1 to the %u cell%s the row tests",
                n, tests, tests == 1 ? "" : "s");
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
