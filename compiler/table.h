/* table.h - multi-column decision tables (table.c): checks the columns and
 * cells of one classification and lowers its rows of cells to conditions. */
#ifndef GDL_TABLE_H
#define GDL_TABLE_H

#include "compile.h"

/* Before check.c reads the table: every row of cells gets its condition
 * (row->a; the cells move to row->c). Reports errors in the columns, the
 * cells' count and the combination. */
void table_lower(Compiler *c, AstNode *table);

#endif
