/* case_json.c - loads one case file into the VM's input slots. Every field
 * is checked against the guideline's declared inputs: an unknown field,
 * a wrong type, a value out of range or not in the enum, an invalid date,
 * each is an error naming the field, the value and what was expected.
 * Absent or null means unknown. All errors of a case are collected. */
#include "case_json.h"
#include "case_rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "case_fast.h"
#include "date.h"
#include "json.h"
#include "suggest.h"

/* The longest prefix of s[0, n) of at most max bytes that ends on a
 * character boundary, for quoting in messages. */
static int utf8_prefix(const char *s, size_t n, size_t max)
{
    size_t k = n < max ? n : max;
    while (k > 0 && k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
        k--;
    return (int)k;
}

static void add_error(GdlCaseErrors *e, const char *field, uint32_t line, uint32_t col, const char *fmt, ...)
{
    if (e->count >= GDL_MAX_CASE_ERRORS) {
        e->truncated = true;
        return;
    }
    GdlCaseError *x = &e->items[e->count++];
    x->field[0] = '\0';
    if (field)
        snprintf(x->field, sizeof x->field, "%.*s", utf8_prefix(field, strlen(field), sizeof x->field - 1), field);
    x->has_field = field != NULL;
    x->line = line;
    x->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->message, sizeof x->message, fmt, ap);
    va_end(ap);
}

/* A short rendering of the offending value for messages. */
static void show_value(const JsonValue *v, char *buf, size_t len)
{
    switch (v->kind) {
    case JSON_NUMBER: snprintf(buf, len, "%s", v->as.number.text); break;
    case JSON_STRING: snprintf(buf, len, "\"%.*s%s\"", utf8_prefix(v->as.string.chars, v->as.string.len, 40),
                               v->as.string.chars, v->as.string.len > 40 ? "..." : ""); break;
    case JSON_TRUE: snprintf(buf, len, "true"); break;
    case JSON_FALSE: snprintf(buf, len, "false"); break;
    case JSON_NULL: snprintf(buf, len, "null"); break;
    case JSON_ARRAY: snprintf(buf, len, "an array"); break;
    case JSON_OBJECT: snprintf(buf, len, "an object"); break;
    }
}

static void range_text(const GdlProgram *p, const GdlFact *f, char *buf, size_t len)
{
    const char *unit = f->unit != GDL_NONE ? gdl_str(p, f->unit) : "";
    snprintf(buf, len, "%c%g, %g%c%s%s", (f->flags & IN_MIN_EXCL) ? '(' : '[', f->min, f->max,
             (f->flags & IN_MAX_EXCL) ? ')' : ']', *unit ? " " : "", unit);
}

static size_t utf8_length(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xc0) != 0x80;
    return count;
}

/* Checks one number against an int or number input; 0 when it fits. */
static int check_number(const GdlProgram *p, const GdlFact *f, const JsonValue *v, const char *name, GdlCaseErrors *e)
{
    char r[96];
    switch (gdl_case_number_rule(f, false, v->as.number.text, v->as.number.text_len, v->as.number.value)) {
    case CASE_NUMBER_OK:
        return 0;
    case CASE_NUMBER_NOT_WHOLE:
        add_error(e, name, v->line, v->col, "expected a whole number, got %s", v->as.number.text);
        return -1;
    case CASE_NUMBER_TOO_LARGE:
        add_error(e, name, v->line, v->col, "whole number %s is too large to be exact (limit is 2^53 - 1)", v->as.number.text);
        return -1;
    case CASE_NUMBER_OUT_OF_RANGE:
        range_text(p, f, r, sizeof r);
        add_error(e, name, v->line, v->col, "value %s is out of range %s", v->as.number.text, r);
        return -1;
    }
    return -1;
}

static void load_field(GdlVm *vm, const GdlFact *f, uint32_t slot, const JsonMember *m, GdlCaseErrors *e)
{
    const GdlProgram *p = vm->p;
    const JsonValue *v = &m->value;
    const char *name = gdl_str(p, f->name);
    GdlValue *out = &vm->facts[slot];
    char shown[64], r[96];
    if (v->kind == JSON_NULL)
        return;     /* unknown */
    show_value(v, shown, sizeof shown);
    switch ((GdlType)f->type) {
    case GT_BOOL:
        if (v->kind != JSON_TRUE && v->kind != JSON_FALSE) {
            add_error(e, name, v->line, v->col, "expected true or false, got %s", shown);
            return;
        }
        *out = (GdlValue){ VT_NUM, 0, { .num = v->kind == JSON_TRUE } };
        return;
    case GT_INT:
    case GT_NUMBER:
        if (v->kind != JSON_NUMBER) {
            add_error(e, name, v->line, v->col, "expected a number%s, got %s", f->type == GT_INT ? " (whole)" : "", shown);
            return;
        }
        if (check_number(p, f, v, name, e) == 0)
            *out = (GdlValue){ VT_NUM, 0, { .num = v->as.number.value + 0.0 } };  /* -0 becomes 0 */
        return;
    case GT_DATE: {
        int32_t days;
        if (v->kind != JSON_STRING || !gdl_date_parse(v->as.string.chars, v->as.string.len, &days)) {
            add_error(e, name, v->line, v->col, "expected a date \"YYYY-MM-DD\", got %s", shown);
            return;
        }
        *out = (GdlValue){ VT_NUM, 0, { .num = days } };
        return;
    }
    case GT_STRING: {
        if (v->kind != JSON_STRING) {
            add_error(e, name, v->line, v->col, "expected a string, got %s", shown);
            return;
        }
        if (memchr(v->as.string.chars, '\0', v->as.string.len)) {
            /* it would end the text wherever it is echoed (case_id) */
            add_error(e, name, v->line, v->col, "string contains a NUL character (\\u0000)");
            return;
        }
        size_t n = utf8_length(v->as.string.chars, v->as.string.len);
        if (!gdl_case_length_ok(f, n)) {
            add_error(e, name, v->line, v->col, "string of %zu characters; expected %u to %u", n, f->len_min, f->len_max);
            return;
        }
        *out = (GdlValue){ VT_STR, (uint32_t)v->as.string.len, { .str = v->as.string.chars } };
        return;
    }
    case GT_ENUM: {
        int ordinal = v->kind == JSON_STRING ? gdl_case_enum_ordinal(p, f, v->as.string.chars, v->as.string.len) : -1;
        if (ordinal >= 0) {
            *out = (GdlValue){ VT_NUM, 0, { .num = ordinal } };
            return;
        }
        char list[256];
        size_t n = 0;
        for (uint32_t i = 0; i < f->sym_count && n < sizeof list - 40; i++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", gdl_str(p, p->syms[f->sym_first + i]));
        GdlSuggest near;
        gdl_suggest_begin(&near, v->kind == JSON_STRING ? v->as.string.chars : "", v->kind == JSON_STRING ? v->as.string.len : 0);
        for (uint32_t i = 0; i < f->sym_count && v->kind == JSON_STRING; i++)
            gdl_suggest_offer(&near, gdl_str(p, p->syms[f->sym_first + i]));
        if (near.best)
            add_error(e, name, v->line, v->col, "expected one of %s; got %s; did you mean \"%s\"?", list, shown, near.best);
        else
            add_error(e, name, v->line, v->col, "expected one of %s; got %s", list, shown);
        return;
    }
    case GT_LIST_INT: {
        if (v->kind != JSON_ARRAY) {
            add_error(e, name, v->line, v->col, "expected an array of whole numbers, got %s", shown);
            return;
        }
        size_t n = v->as.array.count;
        if (!gdl_case_length_ok(f, n)) {
            if (f->len_min == f->len_max)
                add_error(e, name, v->line, v->col, "expected %u items, got %zu", f->len_min, n);
            else
                add_error(e, name, v->line, v->col, "expected %u to %u items, got %zu", f->len_min, f->len_max, n);
            return;
        }
        double *items = arena_alloc(&vm->case_arena, sizeof(double) * (n ? n : 1));
        if (!items) {
            add_error(e, name, v->line, v->col, "out of memory");
            return;
        }
        for (size_t i = 0; i < n; i++) {
            const JsonValue *it = &v->as.array.items[i];
            CaseNumberRule rule = it->kind != JSON_NUMBER ? CASE_NUMBER_NOT_WHOLE
                : gdl_case_number_rule(f, true, it->as.number.text, it->as.number.text_len, it->as.number.value);
            if (rule == CASE_NUMBER_NOT_WHOLE || rule == CASE_NUMBER_TOO_LARGE) {
                show_value(it, shown, sizeof shown);
                add_error(e, name, it->line, it->col, "item %zu: expected a whole number, got %s", i + 1, shown);
                return;
            }
            if (rule == CASE_NUMBER_OUT_OF_RANGE) {
                range_text(p, f, r, sizeof r);
                add_error(e, name, it->line, it->col, "item %zu: value %s is out of range %s", i + 1, it->as.number.text, r);
                return;
            }
            items[i] = it->as.number.value + 0.0;
        }
        *out = (GdlValue){ VT_LIST, (uint32_t)n, { .items = items } };
        return;
    }
    default:
        add_error(e, name, v->line, v->col, "field has an unsupported type");
    }
}

/* The closest input name, for "did you mean". */
static const char *closest_input(const GdlVm *vm, const char *name, size_t len)
{
    const GdlProgram *p = vm->p;
    GdlSuggest s;
    gdl_suggest_begin(&s, name, len);
    for (uint32_t f = 0; f < p->ninputs; f++)
        gdl_suggest_offer(&s, gdl_str(p, p->facts[f].name));
    return s.best;
}

int gdl_case_load_json(GdlVm *vm, const char *text, size_t len, GdlCaseErrors *e)
{
    gdl_case_errors_clear(e);   /* not memset: the table is 13 KB and batches reuse it per case */
    gdl_vm_reset_case(vm);
    if (gdl_case_fast_load(vm, text, len))
        return 0;
    return gdl_case_load_json_strict(vm, text, len, e);
}

int gdl_case_load_json_strict(GdlVm *vm, const char *text, size_t len, GdlCaseErrors *e)
{
    const GdlProgram *p = vm->p;
    gdl_case_errors_clear(e);
    gdl_vm_reset_case(vm);
    JsonValue root;
    JsonError jerr;
    if (!json_parse(text, len, &JSON_DEFAULT_LIMITS, &vm->case_arena, &root, &jerr)) {
        add_error(e, NULL, jerr.line, jerr.col, "%s", jerr.message);
        return -1;
    }
    if (root.kind != JSON_OBJECT) {
        add_error(e, NULL, root.line, root.col, "a case is a JSON object, not %s", json_kind_name(root.kind));
        return -1;
    }
    for (size_t i = 0; i < root.as.object.count; i++) {
        const JsonMember *m = &root.as.object.members[i];
        int f = memchr(m->key, '\0', m->key_len) ? -1 : gdl_vm_find_input(vm, m->key, m->key_len);
        if (f < 0) {
            const char *hint = closest_input(vm, m->key, m->key_len);
            char field[GDL_CASE_FIELD_MAX];
            snprintf(field, sizeof field, "%.*s", utf8_prefix(m->key, m->key_len, sizeof field - 1), m->key);
            if (hint)
                add_error(e, field, m->line, m->col, "unknown field; did you mean '%s'?", hint);
            else
                add_error(e, field, m->line, m->col, "unknown field (not in the case vocabulary)");
            continue;
        }
        load_field(vm, &p->facts[f], (uint32_t)f, m, e);
    }
    for (uint32_t f = 0; f < p->ninputs; f++)
        if ((p->facts[f].flags & IN_REQUIRED) && vm->facts[f].tag == VT_UNKNOWN) {
            bool errored = false;   /* present but invalid: already reported */
            for (uint32_t k = 0; k < e->count; k++)
                errored |= strcmp(e->items[k].field, gdl_str(p, p->facts[f].name)) == 0;
            if (!errored)
                add_error(e, gdl_str(p, p->facts[f].name), 0, 0, "required field is missing");
        }
    return e->count ? -1 : 0;
}

const char *gdl_case_id(const GdlVm *vm, const char *fallback)
{
    int f = gdl_vm_find_input(vm, "case_id", 7);
    if (f >= 0 && vm->facts[f].tag == VT_STR)
        return vm->facts[f].as.str;
    return fallback;
}
