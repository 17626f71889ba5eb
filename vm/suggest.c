/* suggest.c - edit distance for "did you mean" hints (see suggest.h). */
#include "suggest.h"

#include <string.h>

/* Optimal string alignment: Levenshtein plus the swap of two adjacent
 * characters as one edit ("wehn" is one typo away from "when"). */
unsigned gdl_edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
        return SUGGEST_FAR;
    unsigned rows[3][SUGGEST_MAX_LEN + 1];
    unsigned *before = rows[0], *prev = rows[1], *row = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && before[j - 2] + 1 < best)
                best = before[j - 2] + 1;
            row[j] = best;
        }
        unsigned *oldest = before;
        before = prev;
        prev = row;
        row = oldest;
    }
    return prev[lb];
}

void gdl_suggest_begin(GdlSuggest *s, const char *name, size_t len)
{
    *s = (GdlSuggest){ name, len, NULL, gdl_suggest_limit(len) + 1 };
}

void gdl_suggest_offer(GdlSuggest *s, const char *candidate)
{
    size_t cl = strlen(candidate);
    if (cl == s->len && memcmp(candidate, s->name, cl) == 0)
        return;                                 /* the name itself is no suggestion */
    unsigned d = gdl_edit_distance(s->name, s->len, candidate, cl);
    if (d >= 2 && (s->len == 0 || candidate[0] != s->name[0]))
        return;                                 /* two edits and another first letter: "phone" is no "none" */
    if (d < s->best_d) {
        s->best_d = d;
        s->best = candidate;
    }
}

const char *gdl_suggest_word(const char *name, const char *const *words, size_t n)
{
    GdlSuggest s;
    gdl_suggest_begin(&s, name, strlen(name));
    for (size_t i = 0; i < n; i++)
        gdl_suggest_offer(&s, words[i]);
    return s.best;
}
