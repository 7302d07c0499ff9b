/*
 * Copyright (C) ngx_http_playfab_party authors
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "playfab_json.h"


static const char  playfab_hex[] = "0123456789abcdef";


/* 1 for the bytes a JSON string cannot hold as they are */
static const unsigned char  playfab_json_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,     /* '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,     /* '\\' */
};


size_t
playfab_json_escape(char *dst, const char *src, size_t len)
{
    size_t          n, i, run;
    unsigned char   c;

    n = 0;
    i = 0;

    while (i < len) {

        /* the common case: a run of bytes copied as they are */

        for (run = i; run < len; run++) {
            if (playfab_json_special[(unsigned char) src[run]]) {
                break;
            }
        }

        if (run > i) {
            if (dst) {
                memcpy(&dst[n], &src[i], run - i);
            }

            n += run - i;
            i = run;

            if (i == len) {
                break;
            }
        }

        c = (unsigned char) src[i++];

        if (c == '"' || c == '\\') {
            if (dst) {
                dst[n] = '\\';
                dst[n + 1] = (char) c;
            }
            n += 2;

        } else {
            if (dst) {
                memcpy(&dst[n], "\\u00", 4);
                dst[n + 4] = playfab_hex[c >> 4];
                dst[n + 5] = playfab_hex[c & 0xf];
            }
            n += 6;
        }
    }

    return n;
}


int
playfab_json_text_valid(const char *s, size_t len)
{
    size_t          i, need;
    unsigned int    cp, min;
    unsigned char   c;

    i = 0;

    while (i < len) {
        c = (unsigned char) s[i++];

        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                return 0;
            }
            continue;
        }

        if (c >= 0xc2 && c <= 0xdf) {
            need = 1; cp = c & 0x1f; min = 0x80;

        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2; cp = c & 0x0f; min = 0x800;

        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3; cp = c & 0x07; min = 0x10000;

        } else {
            return 0;
        }

        if (len - i < need) {
            return 0;
        }

        while (need--) {
            c = (unsigned char) s[i++];

            if ((c & 0xc0) != 0x80) {
                return 0;
            }

            cp = (cp << 6) | (c & 0x3f);
        }

        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return 0;
        }
    }

    return 1;
}


int
playfab_json_depth(const char *s, size_t len)
{
    int       depth, max;
    char      c;
    size_t    i;

    depth = 0;
    max = 0;

    for (i = 0; i < len; i++) {
        c = s[i];

        if (c == '"') {
            /* skip the string: its brackets are text */

            for (i++; i < len; i++) {
                c = s[i];

                if (c == '\\') {
                    i++;

                } else if (c == '"') {
                    break;
                }
            }

        } else if (c == '[' || c == '{') {
            if (++depth > max) {
                max = depth;
            }

        } else if (c == ']' || c == '}') {
            depth--;
        }
    }

    return max;
}


void
playfab_error_set(playfab_error_t *err, const char *code, const char *field,
    const char *fmt, ...)
{
    va_list  args;

    err->code = code;

    if (field) {
        snprintf(err->field, sizeof(err->field), "%s", field);

    } else {
        err->field[0] = '\0';
    }

    va_start(args, fmt);
    vsnprintf(err->rule, sizeof(err->rule), fmt, args);
    va_end(args);
}
