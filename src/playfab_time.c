/*
 * Copyright (C) ngx_http_playfab_party authors
 */

#include <string.h>

#include "playfab_time.h"


#define PLAYFAB_TIME_MIN_LEN     20    /* "1970-01-01T00:00:00Z" */
#define PLAYFAB_TIME_LEAPS_1969  477   /* leap years in [1, 1969] */


static int playfab_time_num(const char *p, size_t n, int min, int max,
    int *out);
static int playfab_time_leap(int year);
static int playfab_time_date(const char *p, int *year, int *month,
    int *day);
static int playfab_time_clock(const char *p, int *secs);
static int playfab_time_zone(const char *p, size_t len, int *offset);
static int64_t playfab_time_days(int year, int month, int day);
static size_t playfab_cache_blanks(const char *s, size_t len, size_t i);
static int playfab_cache_is(const char *name, size_t len, const char *want);


/* days before the first of each month in a common year */
static const int  playfab_time_before[12] = {
    0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
};

static const int  playfab_time_mdays[12] = {
    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};


int
playfab_rfc3339_parse(const char *s, size_t len, int64_t *epoch)
{
    int     year, month, day, secs, offset;
    size_t  i;

    if (s == NULL || len < PLAYFAB_TIME_MIN_LEN) {
        return -1;
    }

    if (playfab_time_date(s, &year, &month, &day) != 0) {
        return -1;
    }

    if (s[10] != 'T' && s[10] != 't') {
        return -1;
    }

    if (playfab_time_clock(&s[11], &secs) != 0) {
        return -1;
    }

    i = 19;

    if (s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            /* the fraction is ignored */
        }

        if (i == 20) {
            return -1;
        }
    }

    if (playfab_time_zone(&s[i], len - i, &offset) != 0) {
        return -1;
    }

    *epoch = playfab_time_days(year, month, day) * 86400 + secs - offset;

    return 0;
}


/* exactly n decimal digits at p, with a value in [min, max] */

static int
playfab_time_num(const char *p, size_t n, int min, int max, int *out)
{
    int     v;
    size_t  i;

    v = 0;

    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }

        v = v * 10 + (p[i] - '0');
    }

    if (v < min || v > max) {
        return -1;
    }

    *out = v;

    return 0;
}


static int
playfab_time_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}


/* "YYYY-MM-DD", a real calendar day of the years 1970-9999 */

static int
playfab_time_date(const char *p, int *year, int *month, int *day)
{
    int  last;

    if (playfab_time_num(p, 4, 1970, 9999, year) != 0
        || p[4] != '-'
        || playfab_time_num(&p[5], 2, 1, 12, month) != 0
        || p[7] != '-')
    {
        return -1;
    }

    last = playfab_time_mdays[*month - 1];

    if (*month == 2 && playfab_time_leap(*year)) {
        last = 29;
    }

    return playfab_time_num(&p[8], 2, 1, last, day);
}


/* "hh:mm:ss" as seconds of the day, a leap second counted as second 59 */

static int
playfab_time_clock(const char *p, int *secs)
{
    int  hour, min, sec;

    if (playfab_time_num(p, 2, 0, 23, &hour) != 0
        || p[2] != ':'
        || playfab_time_num(&p[3], 2, 0, 59, &min) != 0
        || p[5] != ':'
        || playfab_time_num(&p[6], 2, 0, 60, &sec) != 0)
    {
        return -1;
    }

    if (sec == 60) {
        sec = 59;
    }

    *secs = hour * 3600 + min * 60 + sec;

    return 0;
}


/* "Z" or "+hh:mm" / "-hh:mm" and nothing after it */

static int
playfab_time_zone(const char *p, size_t len, int *offset)
{
    int  hour, min;

    if (len == 1 && (p[0] == 'Z' || p[0] == 'z')) {
        *offset = 0;
        return 0;
    }

    if (len != 6
        || (p[0] != '+' && p[0] != '-')
        || playfab_time_num(&p[1], 2, 0, 23, &hour) != 0
        || p[3] != ':'
        || playfab_time_num(&p[4], 2, 0, 59, &min) != 0)
    {
        return -1;
    }

    *offset = hour * 3600 + min * 60;

    if (p[0] == '-') {
        *offset = -*offset;
    }

    return 0;
}


/* days from 1970-01-01 to a valid date of a year >= 1970 */

static int64_t
playfab_time_days(int year, int month, int day)
{
    int64_t  days, y;

    y = year - 1;

    /* plus the leap years in [1970, year) */
    days = (int64_t) (year - 1970) * 365
           + y / 4 - y / 100 + y / 400 - PLAYFAB_TIME_LEAPS_1969;

    days += playfab_time_before[month - 1] + day - 1;

    if (month > 2 && playfab_time_leap(year)) {
        days++;
    }

    return days;
}


long
playfab_cache_max_age(const char *s, size_t len)
{
    int          nocache;
    long         age;
    size_t       i, nlen, vlen, k;
    const char  *name, *val;

    for (i = 0; i < len; i++) {
        if (((unsigned char) s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f) {
            return -2;
        }
    }

    age = -1;
    nocache = 0;
    i = 0;

    for ( ;; ) {
        while (i < len && (s[i] == ',' || s[i] == ' ' || s[i] == '\t')) {
            i++;
        }

        if (i == len) {
            break;
        }

        name = &s[i];

        while (i < len && s[i] != ',' && s[i] != '=' && s[i] != ' '
               && s[i] != '\t')
        {
            i++;
        }

        nlen = &s[i] - name;
        i = playfab_cache_blanks(s, len, i);

        val = NULL;
        vlen = 0;

        if (i < len && s[i] == '=') {
            i = playfab_cache_blanks(s, len, i + 1);

            if (i < len && s[i] == '"') {
                val = &s[++i];

                while (i < len && s[i] != '"') {
                    i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
                }

                if (i >= len) {
                    return -2;
                }

                vlen = &s[i++] - val;

            } else {
                val = &s[i];

                while (i < len && s[i] != ',' && s[i] != ' ' && s[i] != '\t')
                {
                    i++;
                }

                vlen = &s[i] - val;
            }

            i = playfab_cache_blanks(s, len, i);
        }

        if (nlen == 0 || (i < len && s[i] != ',')) {
            return -2;
        }

        if (playfab_cache_is(name, nlen, "no-store")
            || playfab_cache_is(name, nlen, "no-cache"))
        {
            nocache = 1;
            continue;
        }

        if (!playfab_cache_is(name, nlen, "max-age")) {
            continue;
        }

        if (age != -1 || val == NULL || vlen == 0) {
            return -2;
        }

        age = 0;

        for (k = 0; k < vlen; k++) {
            if (val[k] < '0' || val[k] > '9') {
                return -2;
            }

            if (age < 0x7fffffffL) {
                age = age * 10 + (val[k] - '0');

                if (age > 0x7fffffffL) {
                    age = 0x7fffffffL;
                }
            }
        }
    }

    return nocache ? 0 : age;
}


static size_t
playfab_cache_blanks(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t')) {
        i++;
    }

    return i;
}


/* a directive name, case-insensitive (want is lowercase) */

static int
playfab_cache_is(const char *name, size_t len, const char *want)
{
    size_t  i;

    if (len != strlen(want)) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((name[i] | 0x20) != want[i]) {
            return 0;
        }
    }

    return 1;
}
