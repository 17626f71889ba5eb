/* param_render.c - parameters in advice texts and doses (see param_render.h). */
#include "param_render.h"

#include <string.h>

static const struct UnitLabel {
    const char *unit, *en1, *en, *nl1, *nl;
    int space;
} UNIT_LABELS[] = {
#define X(unit, en1, en, nl1, nl, space) { #unit, en1, en, nl1, nl, space },
#include "unit_labels.def"
#undef X
};

static const char DOSE_PARAM[] = "{\"$param\": \"";   /* codegen writes exactly this form */

int param_index(const GdlProgram *p, const char *name, size_t len)
{
    for (uint32_t i = 0; i < p->nparams; i++) {
        uint16_t s = p->params[i].name;
        if (p->string_lens[s] == len && memcmp(p->strings[s], name, len) == 0)
            return (int)i;
    }
    return -1;
}

bool param_text_is_template(const char *text)
{
    return strpbrk(text, "{}") != NULL;
}

bool param_dose_is_template(const char *json)
{
    return strstr(json, DOSE_PARAM) != NULL;
}

static void put_unit(ByteBuf *b, const char *unit, double v, bool en)
{
    for (size_t i = 0; i < sizeof UNIT_LABELS / sizeof UNIT_LABELS[0]; i++) {
        const struct UnitLabel *u = &UNIT_LABELS[i];
        if (strcmp(u->unit, unit) != 0)
            continue;
        if (u->space)
            buf_putc(b, ' ');
        buf_puts(b, v == 1 ? (en ? u->en1 : u->nl1) : (en ? u->en : u->nl));
        return;
    }
    buf_putc(b, ' ');
    buf_puts(b, unit);
}

/* Parameter i's value: as text (a number with its unit in words, a string's
 * text) or as JSON (a number with a unit as {"value": N, "unit": "u"}). */
static void put_value(ByteBuf *b, const GdlProgram *p, const GdlValue *params, int i, bool en, bool json)
{
    const GdlParam *pa = &p->params[i];
    GdlValue dflt = pa->type == GT_STRING && pa->text != GDL_NONE
        ? (GdlValue){ VT_STR, p->string_lens[pa->text], { .str = p->strings[pa->text] } }
        : (GdlValue){ VT_NUM, 0, { .num = pa->value } };
    const GdlValue *v = params ? &params[i] : &dflt;
    if (pa->type == GT_STRING && v->tag == VT_STR) {
        if (json)
            buf_json_string(b, v->as.str, v->len);
        else
            buf_put(b, v->as.str, v->len);
    } else if (pa->type == GT_BOOL) {
        buf_puts(b, v->as.num != 0 ? "true" : "false");
    } else if (pa->unit == GDL_NONE) {
        buf_json_number(b, v->as.num);
    } else if (!json) {
        buf_json_number(b, v->as.num);
        put_unit(b, gdl_str(p, pa->unit), v->as.num, en);
    } else {
        buf_puts(b, "{\"value\": ");
        buf_json_number(b, v->as.num);
        buf_puts(b, ", \"unit\": ");
        buf_json_string(b, gdl_str(p, pa->unit), p->string_lens[pa->unit]);
        buf_putc(b, '}');
    }
}

void param_render_text(ByteBuf *b, const GdlProgram *p, const GdlValue *params, const char *text, bool en)
{
    for (const char *s = text; *s;) {
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            buf_putc(b, s[0]);
            s += 2;
            continue;
        }
        const char *close = s[0] == '{' ? strchr(s, '}') : NULL;
        int i = close ? param_index(p, s + 1, (size_t)(close - s - 1)) : -1;
        if (i < 0) {                    /* not a parameter (hand-made bytecode): as written */
            buf_putc(b, *s++);
            continue;
        }
        put_value(b, p, params, i, en, false);
        s = close + 1;
    }
}

void param_render_dose(ByteBuf *b, const GdlProgram *p, const GdlValue *params, const char *json)
{
    const size_t open = sizeof DOSE_PARAM - 1;
    for (const char *s = json; *s;) {
        const char *at = strstr(s, DOSE_PARAM);
        const char *end = at ? strstr(at + open, "\"}") : NULL;
        int i = end ? param_index(p, at + open, (size_t)(end - at - open)) : -1;
        if (i < 0) {
            buf_puts(b, s);
            return;
        }
        buf_put(b, s, (size_t)(at - s));
        put_value(b, p, params, i, true, true);
        s = end + 2;
    }
}
