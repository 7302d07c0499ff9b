/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Random bytes for request ids from a per-process buffer that OpenSSL's
 * CSPRNG refills in bulk: one RAND_bytes call serves many requests
 * instead of one call each.  Bytes handed out are wiped from the buffer;
 * a forked child never hands out what its parent had buffered (the
 * buffer is emptied in the child, at fork).  Pure C (OpenSSL, POSIX).
 */

#ifndef PLAYFAB_RANDOM_H
#define PLAYFAB_RANDOM_H

#include <stddef.h>

/* bytes per refill; a single draw may not exceed it */
#define PLAYFAB_RANDOM_BUFFER  4096

/* 0 and out[n] filled, or -1 (n too large, or the CSPRNG failed) */
int playfab_random_bytes(unsigned char *out, size_t n);

/* RAND_bytes calls so far in this process (for the tests) */
unsigned long playfab_random_refills(void);

#endif /* PLAYFAB_RANDOM_H */
