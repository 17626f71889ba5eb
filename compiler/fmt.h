/* fmt.h - `gdl fmt`: the canonical layout of a .gdl file (fmt.c) and the
 * command that prints, rewrites or checks files with it (fmt_cmd.c). */
#ifndef GDL_FMT_H
#define GDL_FMT_H

#include "buf.h"
#include "diag.h"
#include "parse_ctx.h"

enum {
    FMT_OK = 0,
    FMT_SYNTAX,     /* the file does not parse: reported through diag */
    FMT_INTERNAL,   /* out of memory, or the layout would change a token */
};

/* Appends file `file` of the set, formatted, to out. */
int fmt_source(SourceSet *sources, uint32_t file, Diag *diag, Arena *arena, ByteBuf *out);

/* gdl fmt [-w | --check] FILE...: returns the exit status. */
int fmt_command(int argc, char **argv);

#endif
