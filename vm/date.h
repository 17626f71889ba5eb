/* date.h - calendar dates as days since 1970-01-01 (proleptic Gregorian),
 * the only date representation in programs and cases. */
#ifndef GDL_DATE_H
#define GDL_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The days a date can be written for: 0001-01-01 and 9999-12-31. */
enum { GDL_DAY_FIRST = -719162, GDL_DAY_LAST = 2932896 };

/* "YYYY-MM-DD" exactly (len 10), a real calendar day in years 1..9999. */
bool gdl_date_parse(const char *s, size_t len, int32_t *days);
bool gdl_date_parse_str(const char *s, double *days);
/* Writes "YYYY-MM-DD" and a NUL into buf[11]. */
void gdl_date_format(int32_t days, char buf[11]);
/* days plus calendar months, clamped to the end of a shorter month
 * (01-31 + 1 month = 02-28 or 02-29); false past 9999-12-31 or for a day
 * outside [0001-01-01, 9999-12-31]. */
bool gdl_date_add_months(int32_t days, uint32_t months, int32_t *out);

#endif
