/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * libFuzzer: playfab_rfc3339_parse().  An accepted timestamp, moved by
 * its zone offset and formatted back with gmtime_r(), must give the
 * date and time it was written with (second 60 read as 59).
 */

#include <string.h>
#include <time.h>

#include "playfab_time.h"
#include "fuzz.h"


#define FUZZ_CLOCK_LEN  19    /* "YYYY-MM-DDThh:mm:ss" */


static int64_t fuzz_offset(const char *s, size_t len);
static int fuzz_digits2(const char *p);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char         want[FUZZ_CLOCK_LEN + 1], got[FUZZ_CLOCK_LEN + 1];
    time_t       t;
    int64_t      epoch;
    struct tm    tm;
    const char  *s;

    s = (const char *) data;

    if (playfab_rfc3339_parse(s, size, &epoch) != 0) {
        return 0;
    }

    FUZZ_CHECK(size >= FUZZ_CLOCK_LEN + 1);

    memcpy(want, s, FUZZ_CLOCK_LEN);
    want[10] = 'T';
    want[FUZZ_CLOCK_LEN] = '\0';

    if (memcmp(&want[17], "60", 2) == 0) {
        memcpy(&want[17], "59", 2);
    }

    t = (time_t) (epoch + fuzz_offset(s, size));

    FUZZ_CHECK(gmtime_r(&t, &tm) != NULL);
    FUZZ_CHECK(strftime(got, sizeof(got), "%Y-%m-%dT%H:%M:%S", &tm)
               == FUZZ_CLOCK_LEN);
    FUZZ_CHECK(strcmp(got, want) == 0);

    return 0;
}


/* the zone at the end: "Z", or "+hh:mm" / "-hh:mm" in seconds */

static int64_t
fuzz_offset(const char *s, size_t len)
{
    int64_t      offset;
    const char  *p;

    if (s[len - 1] == 'Z' || s[len - 1] == 'z') {
        return 0;
    }

    FUZZ_CHECK(len >= FUZZ_CLOCK_LEN + 6);

    p = &s[len - 6];

    FUZZ_CHECK((p[0] == '+' || p[0] == '-') && p[3] == ':');

    offset = fuzz_digits2(&p[1]) * 3600 + fuzz_digits2(&p[4]) * 60;

    return p[0] == '-' ? -offset : offset;
}


static int
fuzz_digits2(const char *p)
{
    FUZZ_CHECK(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9');

    return (p[0] - '0') * 10 + (p[1] - '0');
}
