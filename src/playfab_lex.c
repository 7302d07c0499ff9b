/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The strict JSON reader: playfab_json_parse() reads a whole document
 * once, byte by byte, refuses what RFC 8259 does not allow (and what
 * cJSON would have cut short: "\u0000") and records the tape the
 * document is then walked on.  Also the lexical classifier that names,
 * for a refused request, the rule it broke first.
 */

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "playfab_schema_int.h"


#define PLAYFAB_JSON_NUMBER_COPY  64


static int playfab_json_check(const char *s, size_t len, unsigned flags,
    playfab_json_tok_t *tape, uint32_t cap, uint32_t *count,
    unsigned *escaped);
static inline const char *playfab_json_blank(const char *p,
    const char *last);
static const char *playfab_json_check_string(const char *p,
    const char *last, unsigned flags, uint32_t *escaped);
static const char *playfab_json_check_escape(const char *p,
    const char *last);
static const char *playfab_json_check_number(const char *p,
    const char *last);
static const char *playfab_json_check_literal(const char *p,
    const char *last);
static unsigned playfab_json_hex4(const char *p);
static int playfab_json_strtod(const char *p, size_t len, double *d);
static int playfab_party_lex_string(const char *s, size_t len, size_t *pos,
    playfab_error_t *err);
static int playfab_party_lex_number(const char *s, size_t len, size_t *pos);
static size_t playfab_party_digits(const char *s, size_t len, size_t i);


/* the value of a hexadecimal digit, 16 for any other byte */
static const unsigned char  playfab_json_hex[256] = {
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
     0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 16, 16, 16, 16, 16, 16,
    16, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16
};


int
playfab_json_parse(playfab_json_doc_t *doc, const char *s, size_t len,
    unsigned flags)
{
    uint32_t  n;
    unsigned  escaped;

    doc->text = s;
    doc->len = len;
    doc->tape = doc->inline_tape;
    doc->n = 0;
    doc->escaped = 0;

    if (s == NULL || len >= UINT32_MAX) {
        return -1;
    }

    if (playfab_json_check(s, len, flags, doc->tape, PLAYFAB_JSON_TAPE, &n,
                           &escaped)
        != 0)
    {
        return -1;
    }

    /* a long document: read again onto a tape of its size */

    if (n > PLAYFAB_JSON_TAPE) {
        doc->tape = malloc(n * sizeof(playfab_json_tok_t));

        if (doc->tape == NULL) {
            doc->tape = doc->inline_tape;
            return -2;
        }

        (void) playfab_json_check(s, len, flags, doc->tape, n, &n, &escaped);
    }

    doc->n = n;
    doc->escaped = escaped;

    return 0;
}


void
playfab_json_free(playfab_json_doc_t *doc)
{
    if (doc->tape != doc->inline_tape) {
        free(doc->tape);
    }

    doc->tape = doc->inline_tape;
    doc->n = 0;
}


/*
 * The whole text, once: the tape's first cap entries are written, and
 * *count says how many the document has.
 */

static int
playfab_json_check(const char *s, size_t len, unsigned flags,
    playfab_json_tok_t *tape, uint32_t cap, uint32_t *count,
    unsigned *escaped)
{
    int          depth;
    char         close[PLAYFAB_JSON_MAX_DEPTH];
    uint32_t     i, n, open[PLAYFAB_JSON_MAX_DEPTH], esc;
    const char  *p, *last;

    p = s;
    last = s + len;
    depth = 0;
    n = 0;
    *escaped = 0;

    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3;
    }

    p = playfab_json_blank(p, last);

value:

    if (p == last) {
        return -1;
    }

    i = n++;

    if (i < cap) {
        tape[i].start = (uint32_t) (p - s);
        tape[i].escaped = 0;
    }

    switch (*p) {

    case '{':
    case '[':
        if (depth == PLAYFAB_JSON_MAX_DEPTH) {
            return -1;
        }

        open[depth] = i;
        close[depth++] = (char) (*p + 2);       /* '}' or ']' */

        p = playfab_json_blank(p + 1, last);

        if (p < last && *p == close[depth - 1]) {
            p++;
            goto closed;
        }

        if (close[depth - 1] == ']') {
            goto value;
        }

        goto member;

    case '"':
        esc = 0;
        p = playfab_json_plain(p + 1, last);

        /* most strings are plain text to their closing quote */

        if (p < last && *p == '"') {
            p++;
            break;
        }

        p = playfab_json_check_string(p, last, flags, &esc);

        if (esc) {
            *escaped = 1;

            if (i < cap) {
                tape[i].escaped = 1;
            }
        }

        break;

    case 't':
    case 'f':
    case 'n':
        p = playfab_json_check_literal(p, last);
        break;

    default:
        p = playfab_json_check_number(p, last);
        break;
    }

    if (p == NULL) {
        return -1;
    }

    if (i < cap) {
        tape[i].end = (uint32_t) (p - s);
        tape[i].next = i + 1;
    }

next:

    p = playfab_json_blank(p, last);

    if (depth == 0) {
        *count = n;
        return p == last ? 0 : -1;
    }

    if (p == last) {
        return -1;
    }

    if (*p == close[depth - 1]) {
        p++;
        goto closed;
    }

    if (*p != ',') {
        return -1;
    }

    p = playfab_json_blank(p + 1, last);

    if (close[depth - 1] == ']') {
        goto value;
    }

member:

    if (p == last || *p != '"') {
        return -1;
    }

    i = n++;
    esc = 0;

    if (i < cap) {
        tape[i].start = (uint32_t) (p - s);
    }

    p = playfab_json_plain(p + 1, last);

    if (p < last && *p == '"') {
        p++;

    } else {
        p = playfab_json_check_string(p, last, flags, &esc);

        if (p == NULL) {
            return -1;
        }
    }

    if (esc) {
        *escaped = 1;
    }

    if (i < cap) {
        tape[i].end = (uint32_t) (p - s);
        tape[i].next = i + 1;
        tape[i].escaped = esc;
    }

    p = playfab_json_blank(p, last);

    if (p == last || *p != ':') {
        return -1;
    }

    p = playfab_json_blank(p + 1, last);

    goto value;

closed:

    i = open[--depth];

    if (i < cap) {
        tape[i].end = (uint32_t) (p - s);
        tape[i].next = n;
    }

    goto next;
}


static inline const char *
playfab_json_blank(const char *p, const char *last)
{
    while (p < last
           && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    {
        p++;
    }

    return p;
}


/* p is after the opening quote; returns past the closing one, or NULL */

static const char *
playfab_json_check_string(const char *p, const char *last, unsigned flags,
    uint32_t *escaped)
{
    for ( ;; ) {
        p = playfab_json_plain(p, last);

        if (p == last) {
            return NULL;
        }

        if (*p == '"') {
            return p + 1;
        }

        if (*p == '\\') {
            p = playfab_json_check_escape(p, last);

            if (p == NULL) {
                return NULL;
            }

            *escaped = 1;
            continue;
        }

        /* a raw control byte */

        if (*p == '\0' || !(flags & PLAYFAB_JSON_RAW_CONTROLS)) {
            return NULL;
        }

        p++;
    }
}


/*
 * p is at a backslash: past the escape, or NULL.  "\u0000" is refused
 * (a C string would end there), so are lone surrogates.
 */

static const char *
playfab_json_check_escape(const char *p, const char *last)
{
    unsigned  cp;

    if (last - p < 2) {
        return NULL;
    }

    switch (p[1]) {

    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        return p + 2;

    case 'u':
        break;

    default:
        return NULL;
    }

    if (last - p < 6) {
        return NULL;
    }

    cp = playfab_json_hex4(p + 2);

    if (cp == 0 || cp > 0xffff || (cp >= 0xdc00 && cp <= 0xdfff)) {
        return NULL;
    }

    if (cp < 0xd800 || cp > 0xdbff) {
        return p + 6;
    }

    /* a high surrogate: a low one must follow */

    if (last - p < 12 || p[6] != '\\' || p[7] != 'u') {
        return NULL;
    }

    cp = playfab_json_hex4(p + 8);

    if (cp < 0xdc00 || cp > 0xdfff) {
        return NULL;
    }

    return p + 12;
}


/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */

static const char *
playfab_json_check_number(const char *p, const char *last)
{
    if (*p == '-') {
        p++;
    }

    if (p == last) {
        return NULL;
    }

    if (*p == '0') {
        p++;

    } else if (*p >= '1' && *p <= '9') {
        do {
            p++;
        } while (p < last && *p >= '0' && *p <= '9');

    } else {
        return NULL;
    }

    if (p < last && *p == '.') {
        p++;

        if (p == last || *p < '0' || *p > '9') {
            return NULL;
        }

        do {
            p++;
        } while (p < last && *p >= '0' && *p <= '9');
    }

    if (p < last && (*p == 'e' || *p == 'E')) {
        p++;

        if (p < last && (*p == '+' || *p == '-')) {
            p++;
        }

        if (p == last || *p < '0' || *p > '9') {
            return NULL;
        }

        do {
            p++;
        } while (p < last && *p >= '0' && *p <= '9');
    }

    return p;
}


static const char *
playfab_json_check_literal(const char *p, const char *last)
{
    size_t       n;
    const char  *word;

    word = (*p == 't') ? "true" : (*p == 'f') ? "false" : "null";
    n = strlen(word);

    if ((size_t) (last - p) < n || memcmp(p, word, n) != 0) {
        return NULL;
    }

    return p + n;
}


/* 0x10000 and above: not four hexadecimal digits */

static unsigned
playfab_json_hex4(const char *p)
{
    return (unsigned) playfab_json_hex[(unsigned char) p[0]] << 12
           | (unsigned) playfab_json_hex[(unsigned char) p[1]] << 8
           | (unsigned) playfab_json_hex[(unsigned char) p[2]] << 4
           | (unsigned) playfab_json_hex[(unsigned char) p[3]]
           | ((playfab_json_hex[(unsigned char) p[0]]
               | playfab_json_hex[(unsigned char) p[1]]
               | playfab_json_hex[(unsigned char) p[2]]
               | playfab_json_hex[(unsigned char) p[3]]) & 16) << 12;
}


/*
 * Decoded text is never longer: every escape is 2 to 12 bytes for 1 to
 * 4; dst may be src.
 */

size_t
playfab_json_unescape(char *dst, const char *src, size_t len)
{
    size_t          i, n, run;
    unsigned        cp, lo;
    const char     *bs;

    n = 0;
    i = 0;

    while (i < len) {
        bs = memchr(&src[i], '\\', len - i);
        run = bs ? (size_t) (bs - &src[i]) : len - i;

        memmove(&dst[n], &src[i], run);
        n += run;
        i += run;

        if (i == len) {
            break;
        }

        switch (src[i + 1]) {

        case 'b':
            dst[n++] = '\b';
            break;

        case 'f':
            dst[n++] = '\f';
            break;

        case 'n':
            dst[n++] = '\n';
            break;

        case 'r':
            dst[n++] = '\r';
            break;

        case 't':
            dst[n++] = '\t';
            break;

        case 'u':
            cp = playfab_json_hex4(&src[i + 2]);

            if (cp >= 0xd800 && cp <= 0xdbff) {
                lo = playfab_json_hex4(&src[i + 8]);
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i += 6;
            }

            i += 4;

            if (cp < 0x80) {
                dst[n++] = (char) cp;

            } else if (cp < 0x800) {
                dst[n++] = (char) (0xc0 | (cp >> 6));
                dst[n++] = (char) (0x80 | (cp & 0x3f));

            } else if (cp < 0x10000) {
                dst[n++] = (char) (0xe0 | (cp >> 12));
                dst[n++] = (char) (0x80 | ((cp >> 6) & 0x3f));
                dst[n++] = (char) (0x80 | (cp & 0x3f));

            } else {
                dst[n++] = (char) (0xf0 | (cp >> 18));
                dst[n++] = (char) (0x80 | ((cp >> 12) & 0x3f));
                dst[n++] = (char) (0x80 | ((cp >> 6) & 0x3f));
                dst[n++] = (char) (0x80 | (cp & 0x3f));
            }

            break;

        default:                /* '"', '\\', '/' */
            dst[n++] = src[i + 1];
            break;
        }

        i += 2;
    }

    return n;
}


/*
 * Plain integers of up to 15 digits are exact in a double: computed
 * here.  Other numbers go to strtod(), as cJSON sends them, so that the
 * value is rounded the same way.  A number in a container is followed
 * by a byte of the text that strtod() stops at; with a locale whose
 * decimal point is not '.', the copy cJSON makes is made.
 */

int
playfab_json_number(const playfab_json_doc_t *doc, uint32_t i, double *d)
{
    int          neg;
    char        *end;
    uint64_t     v;
    const char  *p, *q, *e;

    p = doc->text + doc->tape[i].start;
    e = doc->text + doc->tape[i].end;

    neg = (*p == '-');
    q = p + neg;

    if (e - q <= 15) {
        for (v = 0; q < e && *q >= '0' && *q <= '9'; q++) {
            v = v * 10 + (uint64_t) (*q - '0');
        }

        if (q == e) {
            *d = neg ? -(double) v : (double) v;
            return 0;
        }
    }

    if (e < doc->text + doc->len) {
        *d = strtod(p, &end);

        if (end == e) {
            return 0;
        }
    }

    return playfab_json_strtod(p, (size_t) (e - p), d);
}


static int
playfab_json_strtod(const char *p, size_t len, double *d)
{
    char    *copy, *c, point;
    char     buf[PLAYFAB_JSON_NUMBER_COPY];
    size_t   i;

    copy = buf;

    if (len >= sizeof(buf)) {
        copy = malloc(len + 1);

        if (copy == NULL) {
            return -1;
        }
    }

    point = localeconv()->decimal_point[0];

    for (i = 0; i < len; i++) {
        copy[i] = (p[i] == '.') ? point : p[i];
    }

    copy[len] = '\0';

    *d = strtod(copy, &c);

    if (copy != buf) {
        free(copy);
    }

    return 0;
}


/*
 * What a refused request broke first, in the order of the checks before
 * this reader: control bytes outside strings, raw controls inside
 * strings, numbers such as "01", "1." or "-", and "\u0000".
 */

int
playfab_party_lex(const char *s, size_t len, playfab_error_t *err)
{
    size_t          i;
    unsigned char   c;

    i = 0;

    while (i < len) {
        c = (unsigned char) s[i];

        if (c == '"') {
            if (playfab_party_lex_string(s, len, &i, err) != 0) {
                return -1;
            }

            continue;
        }

        if (c == '-' || (c >= '0' && c <= '9')) {
            if (playfab_party_lex_number(s, len, &i) != 0) {
                break;
            }

            continue;
        }

        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            break;
        }

        i++;
    }

    if (i < len) {
        playfab_error_set(err, "malformed_json", "", "must be valid JSON");
        return -1;
    }

    return 0;
}


static int
playfab_party_lex_string(const char *s, size_t len, size_t *pos,
    playfab_error_t *err)
{
    size_t          i;
    unsigned char   c;

    for (i = *pos + 1; i < len; i++) {
        c = (unsigned char) s[i];

        if (c == '"') {
            *pos = i + 1;
            return 0;
        }

        if (c < 0x20) {
            playfab_error_set(err, "malformed_json", "",
                              "must be valid JSON");
            return -1;
        }

        if (c == '\\') {
            if (len - i > 5 && memcmp(&s[i + 1], "u0000", 5) == 0) {
                playfab_error_set(err, "invalid_value", "",
                                  "must not contain the character U+0000");
                return -1;
            }

            i++;
        }
    }

    /* unterminated: the reader refuses it */

    *pos = len;

    return 0;
}


static int
playfab_party_lex_number(const char *s, size_t len, size_t *pos)
{
    size_t  i, j;

    i = *pos + (s[*pos] == '-');
    j = playfab_party_digits(s, len, i);

    if (j == i || (s[i] == '0' && j > i + 1)) {
        return -1;
    }

    i = j;

    if (i < len && s[i] == '.') {
        j = playfab_party_digits(s, len, i + 1);

        if (j == i + 1) {
            return -1;
        }

        i = j;
    }

    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;

        if (i < len && (s[i] == '+' || s[i] == '-')) {
            i++;
        }

        j = playfab_party_digits(s, len, i);

        if (j == i) {
            return -1;
        }

        i = j;
    }

    if (i < len && memchr(".eE+-", s[i], 5) != NULL) {
        return -1;
    }

    *pos = i;

    return 0;
}


static size_t
playfab_party_digits(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
    }

    return i;
}
