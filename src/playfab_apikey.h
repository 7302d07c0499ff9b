/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * API key files and constant-time key lookup.  Pure C (OpenSSL).
 *
 * File format: one "name sha256-hex" per line; blank lines and lines
 * starting with '#' are ignored; fields separated by spaces or tabs.
 */

#ifndef PLAYFAB_APIKEY_H
#define PLAYFAB_APIKEY_H

#include <stddef.h>


#define PLAYFAB_APIKEY_NAME_MAX  63     /* [A-Za-z0-9._:@-]+ */
#define PLAYFAB_APIKEY_LEN_MAX   512    /* longer presented keys: no match */


typedef struct {
    char            name[PLAYFAB_APIKEY_NAME_MAX + 1];
    size_t          name_len;
    unsigned char   digest[32];          /* SHA-256 of the key */
} playfab_apikey_t;

/*
 * Parses text[0..len).  With keys == NULL only counts and validates.
 * Returns the number of keys, or -1 with *line (1-based) and err set:
 * bad name, digest not 64 hex digits, extra fields, duplicate name or
 * digest, more than cap keys.
 */
long playfab_apikeys_parse(const char *text, size_t len,
    playfab_apikey_t *keys, size_t cap, unsigned *line, char *err,
    size_t errlen);

/*
 * SHA-256 of the presented key compared with every entry in constant
 * time (CRYPTO_memcmp, no early exit).  Returns the match or NULL.  The
 * digest context is one per process: not for several threads at once.
 */
const playfab_apikey_t *playfab_apikey_match(const playfab_apikey_t *keys,
    size_t n, const char *key, size_t key_len);

#endif /* PLAYFAB_APIKEY_H */
