/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The strict lexical pass over a client's raw JSON text, run before
 * cJSON: it refuses what cJSON is lenient about.
 */

#include <string.h>

#include "playfab_schema_int.h"


static int playfab_party_lex_string(const char *s, size_t len, size_t *pos,
    playfab_error_t *err);
static int playfab_party_lex_number(const char *s, size_t len, size_t *pos);
static size_t playfab_party_digits(const char *s, size_t len, size_t i);


/*
 * What cJSON accepts but JSON does not, and what it would silently
 * truncate: control bytes outside strings (cJSON takes any byte up to
 * 0x20 for a blank), raw controls inside strings, numbers such as "01",
 * "1." or "-", and "\u0000" (the string would end there).
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

    /* unterminated: cJSON refuses it */

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
