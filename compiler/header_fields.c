/* header_fields.c - the table of header fields, generated from
 * header_fields.def, and the lookup by name. */
#include "header_fields.h"

#include <string.h>

#include "program.h"

const HeaderFieldInfo HEADER_FIELDS[HF__COUNT] = {
#define X(id, name, value, count, member) [HF_##id] = { HV_##value, HC_##count, offsetof(GdlMeta, member) },
#include "header_fields.def"
#undef X
};

const char *const HEADER_FIELD_NAMES[HF__COUNT] = {
#define X(id, name, value, count, member) [HF_##id] = name,
#include "header_fields.def"
#undef X
};

int header_field(const char *name)
{
    for (int k = 0; k < HF__COUNT; k++)
        if (strcmp(HEADER_FIELD_NAMES[k], name) == 0)
            return k;
    return -1;
}
