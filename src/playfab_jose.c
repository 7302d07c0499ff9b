/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * What JSON Web Keys and Tokens are made of (RFC 7515, 7517): strict
 * base64url, and JSON objects as strict as this code accepts them.
 * Pure C (cJSON).
 */

#include <string.h>

#include <cjson/cJSON.h>

#include "playfab_jose.h"


static int playfab_jose_b64(unsigned char c);
static int playfab_jose_json_nul(const char *s, size_t len);
static int playfab_jose_json_blank(const char *s, size_t len);
static int playfab_jose_json_unique(const cJSON *item);


static const char  playfab_jose_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


long
playfab_jose_base64url_decode(const char *in, size_t len, unsigned char *out,
    size_t size)
{
    int           v;
    size_t        i, n, bits;
    unsigned int  acc;

    if (len % 4 == 1 || len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0) > size) {
        return -1;
    }

    acc = 0;
    bits = 0;
    n = 0;

    for (i = 0; i < len; i++) {
        v = playfab_jose_b64((unsigned char) in[i]);

        if (v < 0) {
            return -1;
        }

        acc = (acc << 6) | (unsigned int) v;
        bits += 6;

        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char) (acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }

    /* the bits of the last character that carry no byte must be zero */

    if (acc != 0) {
        return -1;
    }

    return (long) n;
}


cJSON *
playfab_jose_json_parse(const char *s, size_t len)
{
    cJSON       *root;
    const char  *end;

    if (s == NULL
        || len == 0
        || playfab_json_depth(s, len) > PLAYFAB_JSON_MAX_DEPTH
        || playfab_jose_json_nul(s, len))
    {
        return NULL;
    }

    end = NULL;
    root = cJSON_ParseWithLengthOpts(s, len, &end, 0);

    if (root == NULL) {
        return NULL;
    }

    if (!cJSON_IsObject(root)
        || !playfab_jose_json_blank(end, (size_t) (s + len - end))
        || !playfab_jose_json_unique(root))
    {
        cJSON_Delete(root);
        return NULL;
    }

    return root;
}


static int
playfab_jose_b64(unsigned char c)
{
    const char  *p;

    p = memchr(playfab_jose_alphabet, c, 64);

    return p ? (int) (p - playfab_jose_alphabet) : -1;
}


/* a NUL byte, or a "\u0000" that cJSON would cut a string short at */

static int
playfab_jose_json_nul(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (s[i] == '\0') {
            return 1;
        }

        if (s[i] != '\\' || i + 1 == len) {
            continue;
        }

        i++;

        if (s[i] == 'u' && len - i > 4 && memcmp(&s[i + 1], "0000", 4) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
playfab_jose_json_blank(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') {
            return 0;
        }
    }

    return 1;
}


/* no object anywhere with a name twice or too many members */

static int
playfab_jose_json_unique(const cJSON *item)
{
    size_t        n;
    const cJSON  *a, *b;

    n = 0;

    for (a = item->child; a != NULL; a = a->next) {
        if (cJSON_IsObject(item)) {
            if (++n > PLAYFAB_JOSE_MEMBERS_MAX) {
                return 0;
            }

            for (b = item->child; b != a; b = b->next) {
                if (strcmp(a->string, b->string) == 0) {
                    return 0;
                }
            }
        }

        if (!playfab_jose_json_unique(a)) {
            return 0;
        }
    }

    return 1;
}
