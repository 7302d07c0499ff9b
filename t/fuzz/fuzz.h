/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Shared by the libFuzzer harnesses: FUZZ_CHECK() aborts with file:line
 * when a property does not hold, which libFuzzer reports as a crash and
 * saves the input for.  Built by t/fuzz/run.sh.
 */

#ifndef PLAYFAB_FUZZ_H
#define PLAYFAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                        \
            abort();                                                         \
        }                                                                    \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* PLAYFAB_FUZZ_H */
