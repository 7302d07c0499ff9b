/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The RequestPartyService body sent to PlayFab: a two-pass serializer
 * that counts or writes the same bytes, from a parsed request with the
 * policy applied and what the server adds.  Our own names are copied as
 * they are (their lengths are known), the client's strings escaped.
 */

#include <string.h>

#include "playfab_schema_int.h"


/* a literal of known length: memcpy() of a constant size is inlined */
#define playfab_party_literal(out, s)                                        \
    do {                                                                     \
        if ((out)->p) {                                                      \
            memcpy((out)->p + (out)->len, s, sizeof(s) - 1);                 \
        }                                                                    \
        (out)->len += sizeof(s) - 1;                                         \
    } while (0)

#define playfab_party_byte(out, c)                                           \
    do {                                                                     \
        if ((out)->p) {                                                      \
            (out)->p[(out)->len] = c;                                        \
        }                                                                    \
        (out)->len++;                                                        \
    } while (0)


typedef struct {
    char         *p;                 /* NULL: count only */
    size_t        len;
} playfab_party_out_t;


static inline void playfab_party_put(playfab_party_out_t *out, const char *s,
    size_t len);
static inline void playfab_party_put_string(playfab_party_out_t *out,
    const char *s, size_t len);
static inline void playfab_party_put_name(playfab_party_out_t *out,
    const playfab_party_enum_t *e, int value);
static inline void playfab_party_put_key(playfab_party_out_t *out, int comma,
    const char *name, size_t len);
static inline void playfab_party_put_uint(playfab_party_out_t *out, uint32_t v);
static void playfab_party_put_network(playfab_party_out_t *out,
    const playfab_party_req_t *req, const playfab_party_extra_t *extra);
static void playfab_party_put_invitation(playfab_party_out_t *out,
    const playfab_party_req_t *req, const playfab_party_extra_t *extra);
static void playfab_party_put_entity_keys(playfab_party_out_t *out,
    const playfab_party_req_t *req);
static void playfab_party_put_entity_key(playfab_party_out_t *out,
    const char *id, size_t id_len, const char *type, size_t type_len);
static void playfab_party_put_tags(playfab_party_out_t *out,
    const playfab_party_req_t *req, const playfab_party_extra_t *extra);


size_t
playfab_party_serialize(const playfab_party_req_t *req,
    const playfab_party_extra_t *extra, char *buf)
{
    size_t               i;
    playfab_party_out_t  out;

    out.p = buf;
    out.len = 0;

    playfab_party_literal(&out, "{\"PreferredRegions\":[");

    for (i = 0; i < req->nregions; i++) {
        if (i) {
            playfab_party_byte(&out, ',');
        }

        playfab_party_put_name(&out, &playfab_party_regions_enum,
                               req->regions[i]);
    }

    playfab_party_literal(&out, "],\"NetworkConfiguration\":{");

    playfab_party_put_network(&out, req, extra);

    playfab_party_byte(&out, '}');

    if (req->party_id) {
        playfab_party_literal(&out, ",\"PartyId\":");
        playfab_party_put_string(&out, req->party_id, req->party_id_len);
    }

    if (extra && extra->playfab_id) {
        playfab_party_literal(&out, ",\"PlayFabId\":");
        playfab_party_put_string(&out, extra->playfab_id,
                                 extra->playfab_id_len);
    }

    playfab_party_put_tags(&out, req, extra);

    playfab_party_byte(&out, '}');

    return out.len;
}


static inline void
playfab_party_put(playfab_party_out_t *out, const char *s, size_t len)
{
    if (out->p) {
        memcpy(out->p + out->len, s, len);
    }

    out->len += len;
}


static inline void
playfab_party_put_string(playfab_party_out_t *out, const char *s, size_t len)
{
    playfab_party_byte(out, '"');

    out->len += playfab_json_escape(out->p ? out->p + out->len : NULL, s, len);

    playfab_party_byte(out, '"');
}


/* a name of the schema's enums: it needs no escaping */

static inline void
playfab_party_put_name(playfab_party_out_t *out,
    const playfab_party_enum_t *e, int value)
{
    const playfab_party_name_t  *name;

    name = &e->names[value];

    playfab_party_byte(out, '"');
    playfab_party_put(out, name->name, name->len);
    playfab_party_byte(out, '"');
}


/* ,"name": for our own names */

static inline void
playfab_party_put_key(playfab_party_out_t *out, int comma, const char *name,
    size_t len)
{
    if (comma) {
        playfab_party_byte(out, ',');
    }

    playfab_party_byte(out, '"');
    playfab_party_put(out, name, len);
    playfab_party_literal(out, "\":");
}


static inline void
playfab_party_put_uint(playfab_party_out_t *out, uint32_t v)
{
    char   digits[10], *p;

    p = digits + sizeof(digits);

    do {
        *--p = (char) ('0' + v % 10);
        v /= 10;
    } while (v);

    playfab_party_put(out, p, (size_t) (digits + sizeof(digits) - p));
}


static void
playfab_party_put_network(playfab_party_out_t *out,
    const playfab_party_req_t *req, const playfab_party_extra_t *extra)
{
    int                          f;
    const playfab_party_name_t  *name;

    for (f = 0; f < PLAYFAB_NC_NUMERIC; f++) {
        name = &playfab_party_fields_enum.names[f];

        playfab_party_put_key(out, f != 0, name->name, name->len);
        playfab_party_put_uint(out, req->num[f]);
    }

    if (req->dpco != -1) {
        playfab_party_literal(out, ",\"DirectPeerConnectivityOptions\":");
        playfab_party_put_name(out, &playfab_party_dpco_enum, req->dpco);
    }

    playfab_party_put_invitation(out, req, extra);
}


static void
playfab_party_put_invitation(playfab_party_out_t *out,
    const playfab_party_req_t *req, const playfab_party_extra_t *extra)
{
    int  bind, revocability, comma;

    bind = (extra && extra->bind_entity_id);

    if (!req->has_invitation && !bind) {
        return;
    }

    playfab_party_literal(out, ",\"PartyInvitationConfiguration\":{");

    comma = 0;

    if (req->identifier) {
        playfab_party_literal(out, "\"Identifier\":");
        playfab_party_put_string(out, req->identifier, req->identifier_len);
        comma = 1;
    }

    revocability = bind ? PLAYFAB_CREATOR : req->revocability;

    if (revocability != -1) {
        playfab_party_put_key(out, comma, "Revocability",
                              sizeof("Revocability") - 1);
        playfab_party_put_name(out, &playfab_party_revocability_enum,
                               revocability);
        comma = 1;
    }

    if (bind) {
        playfab_party_put_key(out, comma, "EntityKeys",
                              sizeof("EntityKeys") - 1);
        playfab_party_byte(out, '[');
        playfab_party_put_entity_key(out, extra->bind_entity_id,
                                     extra->bind_entity_id_len,
                                     extra->bind_entity_type,
                                     extra->bind_entity_type_len);
        playfab_party_byte(out, ']');

    } else if (req->has_entity_keys) {
        playfab_party_put_key(out, comma, "EntityKeys",
                              sizeof("EntityKeys") - 1);
        playfab_party_put_entity_keys(out, req);
    }

    playfab_party_byte(out, '}');
}


static void
playfab_party_put_entity_keys(playfab_party_out_t *out,
    const playfab_party_req_t *req)
{
    size_t                       i;
    const playfab_entity_key_t  *k;

    playfab_party_byte(out, '[');

    for (i = 0; i < req->nentity_keys; i++) {
        if (i) {
            playfab_party_byte(out, ',');
        }

        k = &req->entity_keys[i];
        playfab_party_put_entity_key(out, k->id, k->id_len, k->type,
                                     k->type_len);
    }

    playfab_party_byte(out, ']');
}


static void
playfab_party_put_entity_key(playfab_party_out_t *out, const char *id,
    size_t id_len, const char *type, size_t type_len)
{
    playfab_party_literal(out, "{\"Id\":");
    playfab_party_put_string(out, id, id_len);

    if (type) {
        playfab_party_literal(out, ",\"Type\":");
        playfab_party_put_string(out, type, type_len);
    }

    playfab_party_byte(out, '}');
}


static void
playfab_party_put_tags(playfab_party_out_t *out,
    const playfab_party_req_t *req, const playfab_party_extra_t *extra)
{
    size_t                       i;
    const playfab_custom_tag_t  *tag;

    if (!req->has_custom_tags && (extra == NULL || !extra->request_id)) {
        return;
    }

    playfab_party_literal(out, ",\"CustomTags\":{");

    for (i = 0; i < req->ncustom_tags; i++) {
        tag = &req->custom_tags[i];

        if (i) {
            playfab_party_byte(out, ',');
        }

        playfab_party_put_string(out, tag->key, tag->key_len);
        playfab_party_byte(out, ':');
        playfab_party_put_string(out, tag->value, tag->value_len);
    }

    if (extra && extra->request_id) {
        playfab_party_put_key(out, req->ncustom_tags != 0, "RequestId",
                              sizeof("RequestId") - 1);
        playfab_party_put_string(out, extra->request_id,
                                 extra->request_id_len);
    }

    playfab_party_byte(out, '}');
}
