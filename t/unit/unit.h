/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * A minimal unit test harness for the pure C parts: CHECK() records a
 * failure with file:line and goes on; main() returns non-zero if any
 * check failed.  Output is TAP-like so prove(1) could read it.
 */

#ifndef PLAYFAB_UNIT_H
#define PLAYFAB_UNIT_H

#include <stdio.h>
#include <string.h>

static int  unit_checks;
static int  unit_failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        unit_checks++;                                                       \
        if (!(cond)) {                                                       \
            unit_failures++;                                                 \
            printf("not ok %d - %s:%d: %s\n", unit_checks, __FILE__,         \
                   __LINE__, #cond);                                         \
        }                                                                    \
    } while (0)

#define CHECK_STR(got, want)                                                 \
    do {                                                                     \
        const char *g_ = (got), *w_ = (want);                                \
        unit_checks++;                                                       \
        if (g_ == NULL || strcmp(g_, w_) != 0) {                             \
            unit_failures++;                                                 \
            printf("not ok %d - %s:%d: got \"%s\", want \"%s\"\n",           \
                   unit_checks, __FILE__, __LINE__, g_ ? g_ : "(null)", w_); \
        }                                                                    \
    } while (0)

#define UNIT_DONE()                                                          \
    (printf("1..%d\n# %d checks, %d failed\n", unit_checks, unit_checks,     \
            unit_failures),                                                  \
     unit_failures != 0)

#endif /* PLAYFAB_UNIT_H */
