/* header_fields.h - the fields of the guideline header, expanded from
 * header_fields.def: what check_header (check.c) checks and where meta()
 * (codegen.c) stores each. */
#ifndef GDL_HEADER_FIELDS_H
#define GDL_HEADER_FIELDS_H

#include <stddef.h>

typedef enum {
#define X(id, name, value, count, member) HF_##id,
#include "header_fields.def"
#undef X
    HF__COUNT
} HeaderField;

typedef enum { HV_STRING, HV_DATE, HV_STATUS, HV_LANGUAGES, HV_SOURCE } HeaderValue;
typedef enum { HC_ONCE, HC_REQUIRED, HC_REPEATED } HeaderCount;

typedef struct {
    HeaderValue value;
    HeaderCount count;
    size_t meta_at;     /* offsetof the GdlMeta member */
} HeaderFieldInfo;

extern const HeaderFieldInfo HEADER_FIELDS[HF__COUNT];
extern const char *const HEADER_FIELD_NAMES[HF__COUNT];

/* The HeaderField called `name`, or -1. */
int header_field(const char *name);

#endif
