/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Typed values of the RequestPartyService schema, each checked against
 * its rule with the error naming its JSON path: objects with known
 * keys, integers in a range, enums, strings.
 */

#include <stdio.h>
#include <string.h>

#include "playfab_schema_int.h"


/*
 * err->field is always printable ASCII: a client's key is copied with
 * other bytes replaced by '?', and cut to fit
 */

void
playfab_party_path(char *buf, const char *parent, const char *name)
{
    playfab_party_path_n(buf, parent, name, strlen(name));
}


void
playfab_party_path_n(char *buf, const char *parent, const char *name,
    size_t len)
{
    size_t          n, i;
    unsigned char   c;

    n = strlen(parent);

    if (n > PLAYFAB_PARTY_PATH - 2) {
        n = PLAYFAB_PARTY_PATH - 2;
    }

    memcpy(buf, parent, n);

    if (n) {
        buf[n++] = '.';
    }

    for (i = 0; i < len && n < PLAYFAB_PARTY_PATH - 1; i++) {
        c = (unsigned char) name[i];
        buf[n++] = (c >= 0x20 && c < 0x7f) ? (char) c : '?';
    }

    buf[n] = '\0';
}


void
playfab_party_path_index(char *buf, const char *parent, size_t i)
{
    snprintf(buf, PLAYFAB_PARTY_PATH, "%s[%zu]", parent, i);
}


/* f[i]: the value of keys[i] or 0; unknown and repeated keys refused */

int
playfab_party_fields(const playfab_party_doc_t *doc, uint32_t obj,
    const char *path, const playfab_party_object_t *o, uint32_t *f,
    playfab_error_t *err)
{
    size_t                      i, len;
    uint32_t                    k;
    const char                 *name;
    const playfab_party_key_t  *key;
    char                        field[PLAYFAB_PARTY_PATH];

    for (i = 0; i < o->n; i++) {
        f[i] = 0;
    }

    for (k = playfab_json_first(doc->json, obj);
         k != 0;
         k = playfab_json_next_member(doc->json, obj, k))
    {
        name = playfab_party_text(doc, k, &len);

        for (i = 0; i < o->n; i++) {
            key = &o->keys[i];

            if (key->len == len && memcmp(key->name, name, len) == 0) {
                break;
            }
        }

        if (i < o->n && o->keys[i].refused == NULL && f[i] == 0) {
            f[i] = k + 1;
            continue;
        }

        playfab_party_path_n(field, path, name, len);

        if (i == o->n) {
            playfab_error_set(err, "unknown_field", field,
                              "is not a field of %s", o->type);

        } else if (o->keys[i].refused) {
            playfab_error_set(err, "unknown_field", field, "%s",
                              o->keys[i].refused);

        } else {
            playfab_error_set(err, "duplicate_field", field,
                              "must appear only once");
        }

        return -1;
    }

    return 0;
}


/*
 * The number as cJSON read it, with strtod(); NaN and the infinities
 * ("1e400") fail the range test, after which the conversion is defined
 * and exact for integral values.  With path NULL, err is left alone.
 */

int
playfab_party_number(const playfab_party_doc_t *doc, uint32_t item,
    const char *path, const playfab_party_range_t *r, uint32_t *val,
    playfab_error_t *err)
{
    double    d;
    uint32_t  v;

    if (playfab_json_is_number(doc->json, item)) {
        if (playfab_json_number(doc->json, item, &d) != 0) {
            return -2;
        }

        if (d >= r->min && d <= r->max) {
            v = (uint32_t) d;

            if ((double) v == d) {
                *val = v;
                return 0;
            }
        }
    }

    if (path) {
        playfab_error_set(err, "invalid_value", path,
                          "must be an integer between %u and %u",
                          (unsigned) r->min, (unsigned) r->max);
    }

    return -1;
}


int
playfab_party_enum(const playfab_party_doc_t *doc, uint32_t item,
    const char *path, const playfab_party_enum_t *e, int *val,
    playfab_error_t *err)
{
    int          v;
    size_t       len;
    const char  *s;

    v = -1;

    if (playfab_json_is_string(doc->json, item)) {
        s = playfab_party_text(doc, item, &len);
        v = playfab_party_enum_lookup(e, s, len);
    }

    if (v == -1) {
        playfab_error_set(err, "invalid_value", path,
                          "must be one of the %s values", e->type);
        return -1;
    }

    *val = v;

    return 0;
}


int
playfab_party_string(const playfab_party_doc_t *doc, uint32_t item,
    const char *path, int nonempty, size_t max, const char **s, size_t *len,
    playfab_error_t *err)
{
    size_t       n, i, chars;
    const char  *text;

    if (!playfab_json_is_string(doc->json, item)) {
        playfab_error_set(err, "invalid_value", path, "must be a string");
        return -1;
    }

    text = playfab_party_text(doc, item, &n);

    if (nonempty && n == 0) {
        playfab_error_set(err, "invalid_value", path, "must not be empty");
        return -1;
    }

    if (!playfab_json_text_valid(text, n)) {
        playfab_error_set(err, "invalid_value", path,
                          "must be valid UTF-8 without control characters");
        return -1;
    }

    /* the schema counts characters: every byte that starts one */

    if (n > max) {
        for (i = 0, chars = 0; i < n; i++) {
            chars += ((unsigned char) text[i] & 0xc0) != 0x80;
        }

        if (chars > max) {
            playfab_error_set(err, "invalid_value", path,
                              "must be at most %zu characters", max);
            return -1;
        }
    }

    *s = text;
    *len = n;

    return 0;
}
