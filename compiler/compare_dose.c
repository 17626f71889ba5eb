/* compare_dose.c - the doses of one intervention side by side (see
 * compare_dose.h): values are compared as JSON values, a number by its
 * value, a quantity {"value", "unit"} by both as written. */
#include "compare_dose.h"

#include <string.h>

#include "json.h"

static bool same_json(const JsonValue *a, const JsonValue *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case JSON_NUMBER:
        return a->as.number.value == b->as.number.value;
    case JSON_STRING:
        return a->as.string.len == b->as.string.len && memcmp(a->as.string.chars, b->as.string.chars, a->as.string.len) == 0;
    case JSON_ARRAY:
        if (a->as.array.count != b->as.array.count)
            return false;
        for (size_t i = 0; i < a->as.array.count; i++)
            if (!same_json(&a->as.array.items[i], &b->as.array.items[i]))
                return false;
        return true;
    case JSON_OBJECT:
        if (a->as.object.count != b->as.object.count)
            return false;
        for (size_t i = 0; i < a->as.object.count; i++) {
            const JsonMember *m = &a->as.object.members[i];
            const JsonValue *w = json_object_getn(b, m->key, m->key_len);
            if (!w || !same_json(&m->value, w))
                return false;
        }
        return true;
    default:
        return true;    /* null, true, false: the kind says it all */
    }
}

static void add_conflict(DoseComparison *out, const char *key)
{
    for (uint32_t i = 0; i < out->nconflicts; i++)
        if (strcmp(out->conflicts[i], key) == 0)
            return;
    if (out->nconflicts < DOSE_MAX_KEYS)
        out->conflicts[out->nconflicts++] = key;
}

int compare_doses(const char *const *doses, const bool *given, uint32_t n, DoseComparison *out, Arena *arena)
{
    enum { MAX = sizeof out->lacks / sizeof out->lacks[0] };
    JsonValue parsed[MAX];
    memset(out, 0, sizeof *out);
    if (n > MAX)
        return -1;
    for (uint32_t g = 0; g < n; g++) {
        parsed[g].kind = JSON_OBJECT;   /* no dose: an object without members */
        parsed[g].as.object.count = 0;
        parsed[g].as.object.members = NULL;
        if (given[g] && doses[g]
            && (!json_parse(doses[g], strlen(doses[g]), NULL, arena, &parsed[g], NULL) || parsed[g].kind != JSON_OBJECT))
            return -1;
    }
    for (uint32_t g = 0; g < n; g++) {
        for (uint32_t h = 0; given[g] && h < n; h++) {
            if (h == g || !given[h])
                continue;
            for (size_t i = 0; i < parsed[g].as.object.count; i++) {
                const JsonMember *m = &parsed[g].as.object.members[i];
                const JsonValue *w = json_object_getn(&parsed[h], m->key, m->key_len);
                if (!w) {
                    out->lacks[h] = true;
                    out->differs = true;
                } else if (!same_json(&m->value, w)) {
                    add_conflict(out, m->key);
                    out->differs = true;
                }
            }
        }
    }
    return 0;
}
