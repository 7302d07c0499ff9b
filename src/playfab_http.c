/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * HTTP field values: see playfab_http.h.
 */

#include <string.h>
#include <strings.h>

#include "playfab_http.h"


static void playfab_http_blank(char *buf, size_t len, const char *name,
    size_t name_len);


static const char  *playfab_http_secrets[] = {
    "x-secretkey:", "x-entitytoken:", "x-api-key:", "authorization:",
    "cookie:", NULL
};


int
playfab_http_idempotency_key(const char *v, size_t len, const char **key,
    size_t *key_len)
{
    size_t  i;

    if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
        v++;
        len -= 2;
    }

    if (len == 0 || len > PLAYFAB_IDEMPOTENCY_KEY_MAX) {
        return -1;
    }

    for (i = 0; i < len; i++) {
        if ((unsigned char) v[i] < 0x20 || (unsigned char) v[i] >= 0x7f
            || v[i] == '"' || v[i] == '\\')
        {
            return -1;
        }
    }

    *key = v;
    *key_len = len;

    return 0;
}


int
playfab_http_is_json(const char *v, size_t len)
{
    size_t  n;

    for (n = 0; n < len && v[n] != ';' && v[n] != ' '; n++) {
        /* void */
    }

    return n == sizeof("application/json") - 1
           && strncasecmp(v, "application/json", n) == 0;
}


long
playfab_http_retry_after(const char *v, size_t len)
{
    long    n;
    size_t  i;

    if (len == 0) {
        return -1;
    }

    n = 0;

    for (i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9') {
            return -1;
        }

        if (n < PLAYFAB_RETRY_AFTER_MAX) {
            n = n * 10 + (v[i] - '0');
        }
    }

    return n < PLAYFAB_RETRY_AFTER_MAX ? n : PLAYFAB_RETRY_AFTER_MAX;
}


void
playfab_http_redact(char *buf, size_t len)
{
    const char  **name;

    for (name = playfab_http_secrets; *name; name++) {
        playfab_http_blank(buf, len, *name, strlen(*name));
    }
}


static void
playfab_http_blank(char *buf, size_t len, const char *name, size_t name_len)
{
    char  *p, *last;

    last = buf + len;

    for (p = buf; (size_t) (last - p) >= name_len; p++) {

        if (strncasecmp(p, name, name_len) != 0) {
            continue;
        }

        for (p += name_len; p < last && *p == ' '; p++) {
            /* void */
        }

        while (p < last && *p != '\r' && *p != '\n') {
            *p++ = '*';
        }

        if (p == last) {
            return;
        }
    }
}
