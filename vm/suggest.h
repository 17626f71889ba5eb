/* suggest.h - "did you mean": edit distance between short names, shared by
 * the compiler (unknown names) and the case reader (unknown fields). */
#ifndef GDL_SUGGEST_H
#define GDL_SUGGEST_H

#include <stddef.h>

enum { SUGGEST_MAX_LEN = 63 };  /* longer names are never suggested */

/* Edit distance (Levenshtein, an adjacent swap counting one); SUGGEST_FAR when either name is too long. */
unsigned gdl_edit_distance(const char *a, size_t la, const char *b, size_t lb);
enum { SUGGEST_FAR = 99 };

/* How close counts as a likely typo for a name of this length. */
static inline unsigned gdl_suggest_limit(size_t len) { return len <= 4 ? 1 : 2; }

/* The closest of several candidates, offered one by one: the first at the
 * smallest distance within gdl_suggest_limit wins (NULL: none is close); a
 * candidate two edits away must begin with the same letter. */
typedef struct {
    const char *name;
    size_t len;
    const char *best;
    unsigned best_d;
} GdlSuggest;

void gdl_suggest_begin(GdlSuggest *s, const char *name, size_t len);
void gdl_suggest_offer(GdlSuggest *s, const char *candidate);
/* The closest of n words (a fixed list: strengths, actions, values). */
const char *gdl_suggest_word(const char *name, const char *const *words, size_t n);

#endif
