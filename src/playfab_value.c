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
    size_t          n;
    unsigned char   c;

    n = strlen(parent);

    if (n > PLAYFAB_PARTY_PATH - 2) {
        n = PLAYFAB_PARTY_PATH - 2;
    }

    memcpy(buf, parent, n);

    if (n) {
        buf[n++] = '.';
    }

    for ( /* void */ ; *name && n < PLAYFAB_PARTY_PATH - 1; name++) {
        c = (unsigned char) *name;
        buf[n++] = (c >= 0x20 && c < 0x7f) ? (char) c : '?';
    }

    buf[n] = '\0';
}


void
playfab_party_path_index(char *buf, const char *parent, size_t i)
{
    snprintf(buf, PLAYFAB_PARTY_PATH, "%s[%zu]", parent, i);
}


/* f[i]: the value of keys[i] or NULL; unknown and repeated keys refused */

int
playfab_party_fields(const cJSON *obj, const char *path,
    const playfab_party_object_t *o, const cJSON **f, playfab_error_t *err)
{
    size_t        i;
    const cJSON  *item;
    char          field[PLAYFAB_PARTY_PATH];

    for (i = 0; i < o->n; i++) {
        f[i] = NULL;
    }

    cJSON_ArrayForEach(item, obj) {

        for (i = 0; i < o->n; i++) {
            if (strcmp(o->keys[i].name, item->string) == 0) {
                break;
            }
        }

        if (i < o->n && o->keys[i].refused == NULL && f[i] == NULL) {
            f[i] = item;
            continue;
        }

        playfab_party_path(field, path, item->string);

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
 * valuedouble only (valueint saturates); NaN and the infinities ("1e400")
 * fail the range test, after which the conversion is defined and exact
 * for integral values
 */

int
playfab_party_number(const cJSON *item, const char *path,
    const playfab_party_range_t *r, uint32_t *val, playfab_error_t *err)
{
    double    d;
    uint32_t  v;

    if (cJSON_IsNumber(item)) {
        d = item->valuedouble;

        if (d >= r->min && d <= r->max) {
            v = (uint32_t) d;

            if ((double) v == d) {
                *val = v;
                return 0;
            }
        }
    }

    playfab_error_set(err, "invalid_value", path,
                      "must be an integer between %u and %u",
                      (unsigned) r->min, (unsigned) r->max);

    return -1;
}


int
playfab_party_enum(const cJSON *item, const char *path,
    const playfab_party_enum_t *e, int *val, playfab_error_t *err)
{
    int  v;

    v = -1;

    if (cJSON_IsString(item)) {
        v = playfab_party_enum_lookup(e, item->valuestring,
                                      strlen(item->valuestring));
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
playfab_party_string(const cJSON *item, const char *path, int nonempty,
    size_t max, const char **s, size_t *len, playfab_error_t *err)
{
    size_t  n, i, chars;

    if (!cJSON_IsString(item)) {
        playfab_error_set(err, "invalid_value", path, "must be a string");
        return -1;
    }

    n = strlen(item->valuestring);

    if (nonempty && n == 0) {
        playfab_error_set(err, "invalid_value", path, "must not be empty");
        return -1;
    }

    if (!playfab_json_text_valid(item->valuestring, n)) {
        playfab_error_set(err, "invalid_value", path,
                          "must be valid UTF-8 without control characters");
        return -1;
    }

    /* the schema counts characters: every byte that starts one */

    for (i = 0, chars = 0; i < n; i++) {
        chars += ((unsigned char) item->valuestring[i] & 0xc0) != 0x80;
    }

    if (chars > max) {
        playfab_error_set(err, "invalid_value", path,
                          "must be at most %zu characters", max);
        return -1;
    }

    *s = item->valuestring;
    *len = n;

    return 0;
}
