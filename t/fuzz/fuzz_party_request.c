/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * libFuzzer: a client's RequestPartyService body through
 * playfab_party_parse(), then two ways.  With no policy and no server
 * fields, the body for PlayFab must parse back to the same bytes.  With
 * a fixed policy and server fields, it must be a JSON object that keeps
 * the policy and carries the server's PlayFabId, entity key and request
 * id, whatever the client sent.  Both times the serializer's count must
 * equal what it writes.
 */

#include <string.h>

#include <cjson/cJSON.h>

#include "playfab_schema.h"
#include "fuzz.h"


#define fuzz_literal(s)  s, sizeof(s) - 1


int LLVMFuzzerInitialize(int *argc, char ***argv);
static void fuzz_policy_set(playfab_policy_kind_e kind, const char *field,
    const char *value);
static void fuzz_policy_region(const char *name);
static char *fuzz_serialize(const playfab_party_req_t *req,
    const playfab_party_extra_t *extra, size_t *len);
static cJSON *fuzz_json(const char *buf, size_t len);
static void fuzz_bare(const char *body, size_t len);
static void fuzz_policed(const char *body, size_t len);
static void fuzz_check_policed(const cJSON *root);
static int fuzz_string_is(const cJSON *item, const char *s, size_t len);


static playfab_party_policy_t  fuzz_policy;
static playfab_party_policy_t  fuzz_no_policy;

/* what the server adds; the request id needs escaping */
static const playfab_party_extra_t  fuzz_extra = {
    fuzz_literal("A1B2C3D4E5F6A7B8"),
    fuzz_literal("7A3F9C1E5B2D4F60"),
    fuzz_literal("title_player_account"),
    fuzz_literal("req-\"1\"\\/\t\x01")
};

static const char  *const fuzz_allowed[] = {
    "EastUs", "WestEurope", "JapanEast"
};


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    size_t  i;
    char    err[256];

    (void) argc;
    (void) argv;

    playfab_party_policy_init(&fuzz_no_policy);
    playfab_party_policy_init(&fuzz_policy);

    for (i = 0; i < sizeof(fuzz_allowed) / sizeof(fuzz_allowed[0]); i++) {
        fuzz_policy_region(fuzz_allowed[i]);
    }

    fuzz_policy_set(PLAYFAB_POLICY_DEFAULT, "MaxUsers", "8");
    fuzz_policy_set(PLAYFAB_POLICY_MAX, "MaxUsers", "64");
    fuzz_policy_set(PLAYFAB_POLICY_DEFAULT, "MaxDevices", "8");
    fuzz_policy_set(PLAYFAB_POLICY_MAX, "MaxDevices", "32");
    fuzz_policy_set(PLAYFAB_POLICY_FORCE, "MaxUsersPerDevice", "1");
    fuzz_policy_set(PLAYFAB_POLICY_DEFAULT, "MaxDevicesPerUser", "1");
    fuzz_policy_set(PLAYFAB_POLICY_MAX, "MaxEndpointsPerDevice", "16");
    fuzz_policy_set(PLAYFAB_POLICY_DEFAULT, "DirectPeerConnectivityOptions",
                    "AnyPlatformType");
    fuzz_policy_set(PLAYFAB_POLICY_DEFAULT, "Revocability", "Anyone");

    FUZZ_CHECK(playfab_party_policy_check(&fuzz_policy, err, sizeof(err))
               == 0);

    return 0;
}


static void
fuzz_policy_set(playfab_policy_kind_e kind, const char *field,
    const char *value)
{
    char  err[256];

    FUZZ_CHECK(playfab_party_policy_set(&fuzz_policy, kind, field,
                                        strlen(field), value, strlen(value),
                                        err, sizeof(err))
               == 0);
}


static void
fuzz_policy_region(const char *name)
{
    char  err[256];

    FUZZ_CHECK(playfab_party_policy_add_region(&fuzz_policy, name,
                                               strlen(name), err,
                                               sizeof(err))
               == 0);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_bare((const char *) data, size);
    fuzz_policed((const char *) data, size);

    return 0;
}


/* a buffer of exactly the counted size, so that ASan sees an overrun */

static char *
fuzz_serialize(const playfab_party_req_t *req,
    const playfab_party_extra_t *extra, size_t *len)
{
    char    *buf;
    size_t   n;

    n = playfab_party_serialize(req, extra, NULL);
    FUZZ_CHECK(n > 0);

    buf = malloc(n);
    FUZZ_CHECK(buf != NULL);

    FUZZ_CHECK(playfab_party_serialize(req, extra, buf) == n);

    *len = n;

    return buf;
}


/* the whole of buf[0..len) is one JSON object */

static cJSON *
fuzz_json(const char *buf, size_t len)
{
    cJSON       *root;
    const char  *end;

    root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);

    FUZZ_CHECK(root != NULL);
    FUZZ_CHECK(end == buf + len);
    FUZZ_CHECK(cJSON_IsObject(root));

    return root;
}


static void
fuzz_bare(const char *body, size_t len)
{
    char                 *out, *again;
    size_t                n, m;
    playfab_error_t       err;
    playfab_party_req_t   req;

    if (playfab_party_parse(&req, body, len, &err) != 0
        || playfab_party_apply_policy(&req, &fuzz_no_policy, &err) != 0)
    {
        FUZZ_CHECK(err.code != NULL);
        FUZZ_CHECK(memchr(err.field, '\0', sizeof(err.field)) != NULL);
        playfab_party_free(&req);
        return;
    }

    out = fuzz_serialize(&req, NULL, &n);
    cJSON_Delete(fuzz_json(out, n));
    playfab_party_free(&req);

    /* what we send is itself a valid request that serializes the same */

    FUZZ_CHECK(playfab_party_parse(&req, out, n, &err) == 0);
    FUZZ_CHECK(playfab_party_apply_policy(&req, &fuzz_no_policy, &err) == 0);

    again = fuzz_serialize(&req, NULL, &m);

    FUZZ_CHECK(m == n && memcmp(out, again, n) == 0);

    playfab_party_free(&req);
    free(again);
    free(out);
}


static void
fuzz_policed(const char *body, size_t len)
{
    char                 *out;
    size_t                n;
    cJSON                *root;
    playfab_error_t       err;
    playfab_party_req_t   req;

    if (playfab_party_parse(&req, body, len, &err) != 0
        || playfab_party_apply_policy(&req, &fuzz_policy, &err) != 0)
    {
        FUZZ_CHECK(err.code != NULL);
        playfab_party_free(&req);
        return;
    }

    out = fuzz_serialize(&req, &fuzz_extra, &n);
    root = fuzz_json(out, n);

    fuzz_check_policed(root);

    cJSON_Delete(root);
    playfab_party_free(&req);
    free(out);
}


static void
fuzz_check_policed(const cJSON *root)
{
    int           allowed;
    size_t        i;
    const cJSON  *regions, *nc, *pic, *keys, *tags, *r, *v;

    regions = cJSON_GetObjectItemCaseSensitive(root, "PreferredRegions");

    FUZZ_CHECK(cJSON_GetArraySize(regions) > 0);

    cJSON_ArrayForEach(r, regions) {
        allowed = 0;

        for (i = 0; i < sizeof(fuzz_allowed) / sizeof(fuzz_allowed[0]);
             i++)
        {
            allowed |= fuzz_string_is(r, fuzz_allowed[i],
                                      strlen(fuzz_allowed[i]));
        }

        FUZZ_CHECK(allowed);
    }

    v = cJSON_GetObjectItemCaseSensitive(root, "PlayFabId");
    FUZZ_CHECK(fuzz_string_is(v, fuzz_extra.playfab_id,
                              fuzz_extra.playfab_id_len));

    nc = cJSON_GetObjectItemCaseSensitive(root, "NetworkConfiguration");

    v = cJSON_GetObjectItemCaseSensitive(nc, "MaxUsers");
    FUZZ_CHECK(cJSON_IsNumber(v) && v->valuedouble <= 64);

    v = cJSON_GetObjectItemCaseSensitive(nc, "MaxUsersPerDevice");
    FUZZ_CHECK(cJSON_IsNumber(v) && v->valuedouble == 1);

    pic = cJSON_GetObjectItemCaseSensitive(nc,
                                           "PartyInvitationConfiguration");

    v = cJSON_GetObjectItemCaseSensitive(pic, "Revocability");
    FUZZ_CHECK(fuzz_string_is(v, "Creator", 7));

    keys = cJSON_GetObjectItemCaseSensitive(pic, "EntityKeys");
    FUZZ_CHECK(cJSON_GetArraySize(keys) == 1);

    v = cJSON_GetArrayItem(keys, 0);
    FUZZ_CHECK(fuzz_string_is(cJSON_GetObjectItemCaseSensitive(v, "Id"),
                              fuzz_extra.bind_entity_id,
                              fuzz_extra.bind_entity_id_len));
    FUZZ_CHECK(fuzz_string_is(cJSON_GetObjectItemCaseSensitive(v, "Type"),
                              fuzz_extra.bind_entity_type,
                              fuzz_extra.bind_entity_type_len));

    tags = cJSON_GetObjectItemCaseSensitive(root, "CustomTags");
    v = cJSON_GetObjectItemCaseSensitive(tags, "RequestId");
    FUZZ_CHECK(fuzz_string_is(v, fuzz_extra.request_id,
                              fuzz_extra.request_id_len));
}


static int
fuzz_string_is(const cJSON *item, const char *s, size_t len)
{
    return cJSON_IsString(item)
           && strlen(item->valuestring) == len
           && memcmp(item->valuestring, s, len) == 0;
}
