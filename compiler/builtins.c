/* builtins.c - the table of built-in functions, generated from builtins.def,
 * and the lookup by name. Typing is check.c's, lowering lower.c's. */
#include "builtins.h"

#include <stddef.h>
#include <string.h>

const BuiltinInfo BUILTINS[BF__COUNT] = {
#define X(id, name, min, max, typing, unit, lowering, op) \
    [BF_##id] = { name, min, max, BT_##typing, unit, BL_##lowering, OP_##op },
#include "builtins.def"
#undef X
};

int builtin_fn(const char *name)
{
    for (size_t i = 0; i < BF__COUNT; i++)
        if (strcmp(BUILTINS[i].name, name) == 0)
            return (int)i;
    return -1;
}
