/* date.c - civil date <-> day number (Howard Hinnant's algorithm). */
#include "date.h"

#include <string.h>

static int32_t days_from_civil(int32_t y, int32_t m, int32_t d)
{
    y -= m <= 2;
    int32_t era = (y >= 0 ? y : y - 399) / 400;
    int32_t yoe = y - era * 400;
    int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool leap(int32_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int32_t month_days(int32_t y, int32_t m)
{
    static const int8_t MDAYS[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return MDAYS[m - 1] + (m == 2 && leap(y));
}

bool gdl_date_parse(const char *s, size_t len, int32_t *days)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int v[8], k = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return false;
        v[k++] = s[i] - '0';
    }
    int32_t y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    int32_t m = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return false;
    *days = days_from_civil(y, m, d);
    return true;
}

bool gdl_date_parse_str(const char *s, double *days)
{
    int32_t d;
    if (!gdl_date_parse(s, strlen(s), &d))
        return false;
    *days = d;
    return true;
}

/* Day number to year, month, day; days within [0000-03-01, 9999-12-31]. */
static void civil_from_days(int32_t days, int32_t *year, int32_t *month, int32_t *day)
{
    int32_t z = days + 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t y = yoe + era * 400;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    int32_t d = doy - (153 * mp + 2) / 5 + 1;
    int32_t m = mp + (mp < 10 ? 3 : -9);
    *year = y + (m <= 2);
    *month = m;
    *day = d;
}

void gdl_date_format(int32_t days, char buf[11])
{
    enum { DAY_0000_03_01 = -719468, DAY_9999_12_31 = 2932896 };
    if (days < DAY_0000_03_01 || days > DAY_9999_12_31) {   /* and no int32 overflow below */
        memcpy(buf, "0000-00-00", 11);
        return;
    }
    int32_t y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {    /* outside what parse accepts: say so rather than print garbage */
        memcpy(buf, "0000-00-00", 11);
        return;
    }
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

/* Calendar months: the same day of the month `months` later, or that month's
 * last day when it is shorter (2027-01-31 + 1 month = 2027-02-28). */
bool gdl_date_add_months(int32_t days, uint32_t months, int32_t *out)
{
    if (days < GDL_DAY_FIRST || days > GDL_DAY_LAST || months > 12 * 10000)
        return false;
    int32_t y, m, d;
    civil_from_days(days, &y, &m, &d);
    int32_t total = (m - 1) + (int32_t)months;
    y += total / 12;
    m = total % 12 + 1;
    if (y > 9999)
        return false;
    int32_t last = month_days(y, m);
    *out = days_from_civil(y, m, d < last ? d : last);
    return true;
}
