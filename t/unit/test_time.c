/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests for playfab_rfc3339_parse() and playfab_cache_max_age().
 */

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "unit.h"
#include "playfab_time.h"


static int parse(const char *s, int64_t *t);
static int64_t ok(const char *s);
static int bad(const char *s);
static void test_valid(void);
static void test_calendar(void);
static void test_offsets(void);
static void test_fractions(void);
static void test_rejected(void);
static void test_bounds(void);
static void test_every_day(void);
static long max_age(const char *s);
static void test_max_age(void);


/* parses a copy of exactly strlen(s) bytes: ASan sees any over-read */

static int
parse(const char *s, int64_t *t)
{
    int      rc;
    char    *copy;
    size_t   len;

    len = strlen(s);
    copy = malloc(len ? len : 1);

    if (copy == NULL) {
        return -2;
    }

    memcpy(copy, s, len);
    rc = playfab_rfc3339_parse(copy, len, t);
    free(copy);

    return rc;
}


static int64_t
ok(const char *s)
{
    int64_t  t;

    t = INT64_MIN;

    if (parse(s, &t) != 0) {
        printf("# unexpectedly rejected: \"%s\"\n", s);
        return INT64_MIN;
    }

    return t;
}


static int
bad(const char *s)
{
    int64_t  t;

    t = 12345;

    if (parse(s, &t) != -1) {
        printf("# unexpectedly accepted: \"%s\"\n", s);
        return 0;
    }

    return t == 12345;
}


static void
test_valid(void)
{
    CHECK(ok("1970-01-01T00:00:00Z") == 0);
    CHECK(ok("1970-01-01T00:00:01Z") == 1);
    CHECK(ok("2022-01-26T07:24:12Z") == 1643181852);
    CHECK(ok("2022-01-26t07:24:12z") == 1643181852);
    CHECK(ok("2016-12-31T23:59:59Z") == 1483228799);
    CHECK(ok("9999-12-31T23:59:59Z") == INT64_C(253402300799));
}


static void
test_calendar(void)
{
    CHECK(ok("2000-02-29T00:00:00Z") == 951782400);
    CHECK(ok("2400-02-29T12:00:00Z") == INT64_C(13574606400));
    CHECK(ok("2024-03-01T00:00:00Z") == 1709251200);
    CHECK(ok("2100-03-01T00:00:00Z") == INT64_C(4107542400));
    CHECK(ok("2024-02-29T00:00:00Z") == 1709251200 - 86400);
    CHECK(ok("2023-12-31T00:00:00Z") == 1703980800);
    CHECK(bad("2023-02-29T00:00:00Z"));
    CHECK(bad("2100-02-29T00:00:00Z"));
    CHECK(bad("1900-02-28T00:00:00Z"));
    CHECK(bad("1969-12-31T23:59:59Z"));
    CHECK(bad("0000-01-01T00:00:00Z"));
    CHECK(bad("2023-04-31T00:00:00Z"));
    CHECK(bad("2023-06-31T00:00:00Z"));
    CHECK(bad("2023-01-32T00:00:00Z"));
    CHECK(bad("2023-01-00T00:00:00Z"));
    CHECK(bad("2023-00-10T00:00:00Z"));
    CHECK(bad("2023-13-10T00:00:00Z"));
    CHECK(ok("2023-01-31T00:00:00Z") == 1675123200);
}


static void
test_offsets(void)
{
    CHECK(ok("2022-01-26T08:24:12+01:00") == 1643181852);
    CHECK(ok("2022-01-26T01:54:12-05:30") == 1643181852);
    CHECK(ok("2022-01-26T07:24:12+00:00") == 1643181852);
    CHECK(ok("2022-01-26T07:24:12-00:00") == 1643181852);
    CHECK(ok("2022-01-27T07:23:12+23:59") == 1643181852);
    CHECK(ok("1970-01-01T00:00:00+01:00") == -3600);
    CHECK(ok("1970-01-01T00:00:00-01:00") == 3600);
    CHECK(bad("2022-01-26T07:24:12+24:00"));
    CHECK(bad("2022-01-26T07:24:12+01:60"));
    CHECK(bad("2022-01-26T07:24:12+0100"));
    CHECK(bad("2022-01-26T07:24:12+01"));
    CHECK(bad("2022-01-26T07:24:12+1:00"));
    CHECK(bad("2022-01-26T07:24:12 +01:00"));
    CHECK(bad("2022-01-26T07:24:12+01:00Z"));
    CHECK(bad("2022-01-26T07:24:12+01:00x"));
    CHECK(bad("2022-01-26T07:24:12*01:00"));
}


static void
test_fractions(void)
{
    CHECK(ok("2022-01-26T07:24:12.1Z") == 1643181852);
    CHECK(ok("2022-01-26T07:24:12.999Z") == 1643181852);
    CHECK(ok("2022-01-26T07:24:12.1234567Z") == 1643181852);
    CHECK(ok("2022-01-26T07:24:12.000000000000000000000001z")
          == 1643181852);
    CHECK(ok("2022-01-26T08:24:12.5+01:00") == 1643181852);
    CHECK(bad("2022-01-26T07:24:12.Z"));
    CHECK(bad("2022-01-26T07:24:12."));
    CHECK(bad("2022-01-26T07:24:12.5"));
    CHECK(bad("2022-01-26T07:24:12,5Z"));
    CHECK(bad("2022-01-26T07:24:12.5.5Z"));
    CHECK(bad("2022-01-26T07:24:12.5aZ"));
}


static void
test_rejected(void)
{
    int64_t  t;

    CHECK(playfab_rfc3339_parse(NULL, 0, &t) == -1);
    CHECK(bad(""));
    CHECK(bad("2022-01-26"));
    CHECK(bad("2022-01-26T07:24:12"));
    CHECK(bad("2022-01-26 07:24:12Z"));
    CHECK(bad("2022-01-26X07:24:12Z"));
    CHECK(bad("2022-01-2607:24:12Z0"));
    CHECK(bad("2022-01-26T07:24:12ZZ"));
    CHECK(bad("2022-01-26T07:24:12Z "));
    CHECK(bad(" 2022-01-26T07:24:12Z"));
    CHECK(bad("2022-1-26T07:24:12Z"));
    CHECK(bad("2022-01-26T7:24:12Z"));
    CHECK(bad("22022-01-26T07:24:12Z"));
    CHECK(bad("2022/01/26T07:24:12Z"));
    CHECK(bad("2022-01-26T07.24.12Z"));
    CHECK(bad("+022-01-26T07:24:12Z"));
    CHECK(bad("2022-0a-26T07:24:12Z"));
    CHECK(bad("2022-01-26T24:00:00Z"));
    CHECK(bad("2022-01-26T23:60:00Z"));
    CHECK(bad("2022-01-26T23:59:61Z"));
    CHECK(bad("2022-01-26T-1:59:59Z"));
    CHECK(bad("Wed, 26 Jan 2022 07:24:12 GMT"));

    /* a NUL inside the given length is not a terminator */
    CHECK(playfab_rfc3339_parse("2022-01-26T07:24:12Z\0", 21, &t) == -1);
    CHECK(playfab_rfc3339_parse("2022-01-26T07:24:12Z", 19, &t) == -1);
}


static void
test_bounds(void)
{
    CHECK(ok("2016-12-31T23:59:60Z") == 1483228799);
    CHECK(ok("2016-12-31T23:59:60.5Z") == 1483228799);
    CHECK(ok("2022-01-26T23:59:59Z") + 1
          == ok("2022-01-27T00:00:00Z"));
    CHECK(ok("2022-12-31T23:59:59Z") + 1
          == ok("2023-01-01T00:00:00Z"));
}


/* every day of 1970-9999 at a drifting time of day, against gmtime_r() */

static void
test_every_day(void)
{
    int        n, wrong;
    char       buf[32];
    time_t     t;
    int64_t    got;
    struct tm  tm;

    wrong = 0;

    for (t = 0; t <= (time_t) INT64_C(253402300799); t += 86400 - 7) {
        if (gmtime_r(&t, &tm) == NULL) {
            wrong++;
            break;
        }

        n = (int) strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);

        if (playfab_rfc3339_parse(buf, (size_t) n, &got) != 0
            || got != (int64_t) t)
        {
            if (wrong++ == 0) {
                printf("# mismatch at %s\n", buf);
            }
        }
    }

    CHECK(wrong == 0);
}


/* on a copy of exactly strlen(s) bytes, as parse() */

static long
max_age(const char *s)
{
    long     rc;
    char    *copy;
    size_t   len;

    len = strlen(s);
    copy = malloc(len ? len : 1);

    if (copy == NULL) {
        return -3;
    }

    memcpy(copy, s, len);
    rc = playfab_cache_max_age(copy, len);
    free(copy);

    return rc;
}


static void
test_max_age(void)
{
    /* what identity providers send */
    CHECK(max_age("public, max-age=86400") == 86400);
    CHECK(max_age("max-age=3600, must-revalidate") == 3600);
    CHECK(max_age("public, max-age=19809, must-revalidate, "
                  "no-transform") == 19809);
    CHECK(max_age("Max-Age=60") == 60);
    CHECK(max_age("max-age=\"120\"") == 120);
    CHECK(max_age(" max-age = 7 ") == 7);
    CHECK(max_age("max-age=0") == 0);
    CHECK(max_age("private,\tmax-age=5") == 5);
    CHECK(max_age("s-maxage=100, max-age=10") == 10);
    CHECK(max_age("foo=\"a,b\", max-age=9") == 9);
    CHECK(max_age("max-age=99999999999999999999") == 0x7fffffffL);

    /* no lifetime */
    CHECK(max_age("") == -1);
    CHECK(max_age("public") == -1);
    CHECK(max_age(",,, ,") == -1);
    CHECK(max_age("s-maxage=100") == -1);
    CHECK(max_age("max-agent=5") == -1);

    /* no-store and no-cache win */
    CHECK(max_age("no-cache") == 0);
    CHECK(max_age("max-age=600, no-store") == 0);
    CHECK(max_age("NO-CACHE=\"Set-Cookie\", max-age=600") == 0);

    /* malformed */
    CHECK(max_age("max-age") == -2);
    CHECK(max_age("max-age=") == -2);
    CHECK(max_age("max-age=-1") == -2);
    CHECK(max_age("max-age=1.5") == -2);
    CHECK(max_age("max-age=0x10") == -2);
    CHECK(max_age("max-age=\"12") == -2);
    CHECK(max_age("max-age=\"1\\2\"") == -2);
    CHECK(max_age("max-age=1, max-age=2") == -2);
    CHECK(max_age("max-age=1 2") == -2);
    CHECK(max_age("=5") == -2);
    CHECK(max_age("max-age=5\r\n") == -2);
    CHECK(max_age("max-age=5\x7f") == -2);
}


int
main(void)
{
    test_valid();
    test_calendar();
    test_offsets();
    test_fractions();
    test_rejected();
    test_bounds();
    test_every_day();
    test_max_age();

    return UNIT_DONE();
}
