/* date.h - calendar dates as days since 1970-01-01 (proleptic Gregorian),
 * the only date representation in programs and cases. */
#ifndef GDL_DATE_H
#define GDL_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM-DD" exactly (len 10), a real calendar day in years 1..9999. */
bool gdl_date_parse(const char *s, size_t len, int32_t *days);
bool gdl_date_parse_str(const char *s, double *days);
/* Writes "YYYY-MM-DD" and a NUL into buf[11]. */
void gdl_date_format(int32_t days, char buf[11]);

#endif
