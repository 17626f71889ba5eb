/* disasm.h - a readable listing of a compiled guideline: header, the code
 * grouped by fact with source lines, and the outcome table. The listing holds
 * no addresses or pointers, so it serves as a golden file. */
#ifndef GDL_DISASM_H
#define GDL_DISASM_H

#include <stdio.h>

#include "program.h"

/* Call only on a program that gdl_verify accepted: the listing trusts its
 * tables (indices are still range-checked, so a bad one prints as "?"). */
void gdl_disasm(const GdlProgram *p, FILE *out);

#endif
