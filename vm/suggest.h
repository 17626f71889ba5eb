/* suggest.h - "did you mean": edit distance between short names, shared by
 * the compiler (unknown names) and the case reader (unknown fields). */
#ifndef GDL_SUGGEST_H
#define GDL_SUGGEST_H

#include <stddef.h>

enum { SUGGEST_MAX_LEN = 63 };  /* longer names are never suggested */

/* Levenshtein distance; SUGGEST_FAR when either name is too long. */
unsigned gdl_edit_distance(const char *a, size_t la, const char *b, size_t lb);
enum { SUGGEST_FAR = 99 };

/* How close counts as a likely typo for a name of this length. */
static inline unsigned gdl_suggest_limit(size_t len) { return len <= 4 ? 1 : 2; }

#endif
