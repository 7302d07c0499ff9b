/*
 * Copyright (C) ngx_http_playfab_party authors
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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


/*
 * The first byte of p[0..last) that a JSON string cannot hold as it is,
 * or last; 16 bytes at a time where SSE2 is (every x86-64).
 */

const char *
playfab_json_plain(const char *p, const char *last)
{
    uint64_t  x8, q, b;

#if defined(__SSE2__)
    int      mask;
    __m128i  x, quote, backslash, control, hit;

    quote = _mm_set1_epi8('"');
    backslash = _mm_set1_epi8('\\');
    control = _mm_set1_epi8(0x1f);

    while (last - p >= 16) {
        x = _mm_loadu_si128((const __m128i *) (const void *) p);

        /* min(x, 0x1f) == x: an unsigned byte below 0x20 */
        hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote),
                                        _mm_cmpeq_epi8(x, backslash)),
                           _mm_cmpeq_epi8(_mm_min_epu8(x, control), x));

        mask = _mm_movemask_epi8(hit);

        if (mask) {
            return p + __builtin_ctz((unsigned) mask);
        }

        p += 16;
    }
#endif

    /*
     * 8 bytes at a time: '"' and '\\' xor to a zero byte, which borrows,
     * as a byte below 0x20 does; the exact byte is found one by one
     */

    while (last - p >= 8) {
        memcpy(&x8, p, 8);

        q = x8 ^ 0x2222222222222222ULL;
        b = x8 ^ 0x5c5c5c5c5c5c5c5cULL;

        if ((((q - 0x0101010101010101ULL) & ~q)
             | ((b - 0x0101010101010101ULL) & ~b)
             | ((x8 - 0x2020202020202020ULL) & ~x8))
            & 0x8080808080808080ULL)
        {
            break;
        }

        p += 8;
    }

    while (p < last && !playfab_json_special[(unsigned char) *p]) {
        p++;
    }

    return p;
}


size_t
playfab_json_escape(char *dst, const char *src, size_t len)
{
    size_t          n, i, run;
    unsigned char   c;

    n = 0;
    i = 0;

    while (i < len) {

        /* the common case: a run of bytes copied as they are */

        run = (size_t) (playfab_json_plain(&src[i], &src[len]) - src);

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
    uint64_t        x;
    unsigned int    cp, min;
    unsigned char   c;

    i = 0;

    /*
     * Printable ASCII, 8 bytes at a time: a byte below 0x20 borrows, 0x7f
     * carries, and from 0x80 on the top bit is set; the first such byte
     * always shows, and the bytes from there are read one by one.
     */

    while (len - i >= 8) {
        memcpy(&x, &s[i], 8);

        if (((x - 0x2020202020202020ULL) | x | (x + 0x0101010101010101ULL))
            & 0x8080808080808080ULL)
        {
            break;
        }

        i += 8;
    }

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
