/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The RequestPartyService body sent to PlayFab: a two-pass serializer
 * that counts or writes the same bytes, from a parsed request with the
 * policy applied and what the server adds.
 */

#include <string.h>

#include "playfab_schema_int.h"


#define playfab_party_literal(out, s)                                        \
    playfab_party_put(out, s, sizeof(s) - 1)


typedef struct {
    char         *p;                 /* NULL: count only */
    size_t        len;
} playfab_party_out_t;


static void playfab_party_put(playfab_party_out_t *out, const char *s,
    size_t len);
static void playfab_party_put_string(playfab_party_out_t *out,
    const char *s, size_t len);
static void playfab_party_put_key(playfab_party_out_t *out, const char *sep,
    const char *name);
static void playfab_party_put_uint(playfab_party_out_t *out, uint32_t v);
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
    const char          *name;
    playfab_party_out_t  out;

    out.p = buf;
    out.len = 0;

    playfab_party_literal(&out, "{\"PreferredRegions\":[");

    for (i = 0; i < req->nregions; i++) {
        if (i) {
            playfab_party_literal(&out, ",");
        }

        name = playfab_region_name(req->regions[i]);
        playfab_party_put_string(&out, name, strlen(name));
    }

    playfab_party_literal(&out, "],\"NetworkConfiguration\":{");

    playfab_party_put_network(&out, req, extra);

    playfab_party_literal(&out, "}");

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

    playfab_party_literal(&out, "}");

    return out.len;
}


static void
playfab_party_put(playfab_party_out_t *out, const char *s, size_t len)
{
    if (out->p) {
        memcpy(out->p + out->len, s, len);
    }

    out->len += len;
}


static void
playfab_party_put_string(playfab_party_out_t *out, const char *s, size_t len)
{
    playfab_party_literal(out, "\"");

    out->len += playfab_json_escape(out->p ? out->p + out->len : NULL, s, len);

    playfab_party_literal(out, "\"");
}


/* sep"name": for our own names, which need no escaping */

static void
playfab_party_put_key(playfab_party_out_t *out, const char *sep,
    const char *name)
{
    playfab_party_put(out, sep, strlen(sep));
    playfab_party_literal(out, "\"");
    playfab_party_put(out, name, strlen(name));
    playfab_party_literal(out, "\":");
}


static void
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
    int          f;
    const char  *name;

    for (f = 0; f < PLAYFAB_NC_NUMERIC; f++) {
        playfab_party_put_key(out, f ? "," : "", playfab_policy_field_name(f));
        playfab_party_put_uint(out, req->num[f]);
    }

    if (req->dpco != -1) {
        playfab_party_put_key(out, ",", "DirectPeerConnectivityOptions");
        name = playfab_dpco_name(req->dpco);
        playfab_party_put_string(out, name, strlen(name));
    }

    playfab_party_put_invitation(out, req, extra);
}


static void
playfab_party_put_invitation(playfab_party_out_t *out,
    const playfab_party_req_t *req, const playfab_party_extra_t *extra)
{
    int          bind, revocability;
    const char  *sep, *name;

    bind = (extra && extra->bind_entity_id);

    if (!req->has_invitation && !bind) {
        return;
    }

    playfab_party_literal(out, ",\"PartyInvitationConfiguration\":{");

    sep = "";

    if (req->identifier) {
        playfab_party_put_key(out, sep, "Identifier");
        playfab_party_put_string(out, req->identifier, req->identifier_len);
        sep = ",";
    }

    revocability = bind ? PLAYFAB_CREATOR : req->revocability;

    if (revocability != -1) {
        playfab_party_put_key(out, sep, "Revocability");
        name = playfab_revocability_name(revocability);
        playfab_party_put_string(out, name, strlen(name));
        sep = ",";
    }

    if (bind) {
        playfab_party_put_key(out, sep, "EntityKeys");
        playfab_party_literal(out, "[");
        playfab_party_put_entity_key(out, extra->bind_entity_id,
                                     extra->bind_entity_id_len,
                                     extra->bind_entity_type,
                                     extra->bind_entity_type_len);
        playfab_party_literal(out, "]");

    } else if (req->has_entity_keys) {
        playfab_party_put_key(out, sep, "EntityKeys");
        playfab_party_put_entity_keys(out, req);
    }

    playfab_party_literal(out, "}");
}


static void
playfab_party_put_entity_keys(playfab_party_out_t *out,
    const playfab_party_req_t *req)
{
    size_t                       i;
    const playfab_entity_key_t  *k;

    playfab_party_literal(out, "[");

    for (i = 0; i < req->nentity_keys; i++) {
        if (i) {
            playfab_party_literal(out, ",");
        }

        k = &req->entity_keys[i];
        playfab_party_put_entity_key(out, k->id, k->id_len, k->type,
                                     k->type_len);
    }

    playfab_party_literal(out, "]");
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

    playfab_party_literal(out, "}");
}


static void
playfab_party_put_tags(playfab_party_out_t *out,
    const playfab_party_req_t *req, const playfab_party_extra_t *extra)
{
    const char   *sep;
    const cJSON  *tag;

    if (req->custom_tags == NULL && (extra == NULL || !extra->request_id)) {
        return;
    }

    playfab_party_literal(out, ",\"CustomTags\":{");

    sep = "";

    if (req->custom_tags) {
        cJSON_ArrayForEach(tag, req->custom_tags) {
            playfab_party_put(out, sep, strlen(sep));
            playfab_party_put_string(out, tag->string, strlen(tag->string));
            playfab_party_literal(out, ":");
            playfab_party_put_string(out, tag->valuestring,
                                     strlen(tag->valuestring));
            sep = ",";
        }
    }

    if (extra && extra->request_id) {
        playfab_party_put_key(out, sep, "RequestId");
        playfab_party_put_string(out, extra->request_id,
                                 extra->request_id_len);
    }

    playfab_party_literal(out, "}");
}
