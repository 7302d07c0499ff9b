/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Buffered CSPRNG bytes: see playfab_random.h.
 */

#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "playfab_random.h"


static void playfab_random_forked(void);


static unsigned char  playfab_random_buf[PLAYFAB_RANDOM_BUFFER];
static size_t         playfab_random_pos = PLAYFAB_RANDOM_BUFFER;
static unsigned long  playfab_random_fills;
static int            playfab_random_atfork;


int
playfab_random_bytes(unsigned char *out, size_t n)
{
    if (n > PLAYFAB_RANDOM_BUFFER) {
        return -1;
    }

    if (PLAYFAB_RANDOM_BUFFER - playfab_random_pos < n) {

        /* registered by the first fill, so before any fork that matters */

        if (!playfab_random_atfork) {
            if (pthread_atfork(NULL, NULL, playfab_random_forked) != 0) {
                return -1;
            }

            playfab_random_atfork = 1;
        }

        if (RAND_bytes(playfab_random_buf, PLAYFAB_RANDOM_BUFFER) != 1) {
            OPENSSL_cleanse(playfab_random_buf, PLAYFAB_RANDOM_BUFFER);
            playfab_random_pos = PLAYFAB_RANDOM_BUFFER;
            return -1;
        }

        playfab_random_pos = 0;
        playfab_random_fills++;
    }

    memcpy(out, playfab_random_buf + playfab_random_pos, n);
    OPENSSL_cleanse(playfab_random_buf + playfab_random_pos, n);
    playfab_random_pos += n;

    return 0;
}


unsigned long
playfab_random_refills(void)
{
    return playfab_random_fills;
}


/* in the child of a fork: the parent's bytes are the parent's */

static void
playfab_random_forked(void)
{
    OPENSSL_cleanse(playfab_random_buf, PLAYFAB_RANDOM_BUFFER);
    playfab_random_pos = PLAYFAB_RANDOM_BUFFER;
    playfab_random_fills = 0;
}
