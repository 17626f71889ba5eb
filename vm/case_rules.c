/* case_rules.c - the value rules shared by the two case readers (see
 * case_rules.h). */
#include "case_rules.h"

#include <math.h>
#include <string.h>

#include "case_json.h"
#include "json.h"

CaseNumberRule gdl_case_number_rule(const GdlFact *f, bool whole_only, const char *text, size_t len, double v)
{
    if (whole_only || f->type == GT_INT) {
        if (!json_number_is_whole(text, len))
            return CASE_NUMBER_NOT_WHOLE;
        if (fabs(v) >= GDL_CASE_INT_LIMIT)
            return CASE_NUMBER_TOO_LARGE;
    }
    return gdl_in_range(f->flags, f->min, f->max, v) ? CASE_NUMBER_OK : CASE_NUMBER_OUT_OF_RANGE;
}

int gdl_case_enum_ordinal(const GdlProgram *p, const GdlFact *f, const char *s, size_t n)
{
    for (uint32_t i = 0; i < f->sym_count; i++) {
        uint16_t sym = p->syms[f->sym_first + i];
        if (p->string_lens[sym] == n && memcmp(p->strings[sym], s, n) == 0)
            return (int)i;
    }
    return -1;
}
