/* doc.h - `gdl doc`: a compiled guideline as a Markdown summary (doc.c). */
#ifndef GDL_DOC_H
#define GDL_DOC_H

#include <stdio.h>

#include "compile.h"

/* Writes the summary of c's main file; c has been compiled without errors. */
void doc_write(const Compiler *c, FILE *out);

#endif
