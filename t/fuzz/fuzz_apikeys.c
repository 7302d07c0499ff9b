/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * libFuzzer: the input as an API key file, through
 * playfab_apikeys_parse() counting then filling, which must agree; then
 * as a presented key, through playfab_apikey_match(), which must find
 * exactly the entry whose digest is the key's SHA-256; and so must a
 * known key whose digest the seeds contain.
 */

#include <string.h>

#include <openssl/evp.h>

#include "playfab_apikey.h"
#include "fuzz.h"


#define FUZZ_KEY_LINE_MIN  66     /* "n" SP 64 hex LF */

/* its digest is in the seed corpus: the found path is taken */
#define FUZZ_KNOWN_KEY     "demo-api-key"


static void fuzz_keys_valid(const playfab_apikey_t *keys, long n);
static void fuzz_match(const playfab_apikey_t *keys, long n,
    const char *key, size_t len);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long               n, m;
    char               err[128], err2[128];
    size_t             cap;
    unsigned           line, line2;
    const char        *text;
    playfab_apikey_t  *keys;

    text = (const char *) data;

    n = playfab_apikeys_parse(text, size, NULL, 0, &line, err, sizeof(err));

    /* a bound on the number of keys, so that filling is not capped */
    cap = size / FUZZ_KEY_LINE_MIN + 1;

    keys = malloc(cap * sizeof(playfab_apikey_t));
    FUZZ_CHECK(keys != NULL);

    m = playfab_apikeys_parse(text, size, keys, cap, &line2, err2,
                              sizeof(err2));

    FUZZ_CHECK(m == n && line2 == line);

    if (n == -1) {
        FUZZ_CHECK(line > 0);
        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
        FUZZ_CHECK(strcmp(err, err2) == 0);
        free(keys);
        return 0;
    }

    FUZZ_CHECK(line == 0 && (size_t) n < cap);

    fuzz_keys_valid(keys, n);

    if (n > 0) {
        FUZZ_CHECK(playfab_apikeys_parse(text, size, keys, (size_t) n - 1,
                                         &line2, err2, sizeof(err2))
                   == -1);
        FUZZ_CHECK(line2 > 0);
    }

    fuzz_match(keys, n, text, size);
    fuzz_match(keys, n, FUZZ_KNOWN_KEY, sizeof(FUZZ_KNOWN_KEY) - 1);

    free(keys);

    return 0;
}


static void
fuzz_keys_valid(const playfab_apikey_t *keys, long n)
{
    long            i;
    size_t          j;
    unsigned char   c;

    for (i = 0; i < n; i++) {
        FUZZ_CHECK(keys[i].name_len > 0
                   && keys[i].name_len <= PLAYFAB_APIKEY_NAME_MAX);
        FUZZ_CHECK(strlen(keys[i].name) == keys[i].name_len);

        for (j = 0; j < keys[i].name_len; j++) {
            c = (unsigned char) keys[i].name[j];
            FUZZ_CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                       || (c >= '0' && c <= '9')
                       || memchr("._:@-", c, 5) != NULL);
        }
    }
}


static void
fuzz_match(const playfab_apikey_t *keys, long n, const char *key,
    size_t len)
{
    long                     i, want;
    unsigned int             md_len;
    unsigned char            md[EVP_MAX_MD_SIZE];
    const playfab_apikey_t  *found;

    found = playfab_apikey_match(keys, (size_t) n, key, len);

    if (len == 0 || len > PLAYFAB_APIKEY_LEN_MAX) {
        FUZZ_CHECK(found == NULL);
        return;
    }

    FUZZ_CHECK(EVP_Digest(key, len, md, &md_len, EVP_sha256(), NULL) == 1
               && md_len == 32);

    want = -1;

    for (i = 0; i < n; i++) {
        if (memcmp(keys[i].digest, md, 32) == 0) {
            FUZZ_CHECK(want == -1);
            want = i;
        }
    }

    FUZZ_CHECK(want == -1 ? found == NULL : found == &keys[want]);
}
