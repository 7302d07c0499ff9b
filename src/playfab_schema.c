/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * RequestPartyServiceRequest: the strict lexical pass (playfab_lex.c),
 * cJSON for the tree, and the schema walked with tables: types, ranges,
 * enums, lengths, unknown and duplicate keys, UTF-8.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "playfab_schema_int.h"


#define PLAYFAB_TAG_KEY_MAX      64
#define PLAYFAB_GUID_LEN         36

#define PLAYFAB_PIC_PATH         PLAYFAB_NC_PATH                          \
                                 ".PartyInvitationConfiguration"
#define PLAYFAB_KEYS_PATH        PLAYFAB_PIC_PATH ".EntityKeys"


/* the keys of each object, in the order of their slots */

enum {
    PLAYFAB_TOP_REGIONS = 0,
    PLAYFAB_TOP_NETWORK,
    PLAYFAB_TOP_PARTY_ID,
    PLAYFAB_TOP_TAGS,
    PLAYFAB_TOP_PLAYFAB_ID,
    PLAYFAB_TOP_TITLE_ID,
    PLAYFAB_TOP_KEYS
};

/* NetworkConfiguration: the numeric fields first, see playfab_nc_field_e */
enum {
    PLAYFAB_NC_DPCO = PLAYFAB_NC_NUMERIC,
    PLAYFAB_NC_INVITATION,
    PLAYFAB_NC_KEYS
};

enum {
    PLAYFAB_PIC_IDENTIFIER = 0,
    PLAYFAB_PIC_REVOCABILITY,
    PLAYFAB_PIC_ENTITY_KEYS,
    PLAYFAB_PIC_KEYS
};

enum {
    PLAYFAB_EK_ID = 0,
    PLAYFAB_EK_TYPE,
    PLAYFAB_EK_KEYS
};


static void playfab_party_init(playfab_party_req_t *req);
static int playfab_party_blank(const char *p, const char *last);
static int playfab_party_regions(playfab_party_req_t *req,
    const cJSON *item, playfab_error_t *err);
static int playfab_party_network(playfab_party_req_t *req,
    const cJSON *item, playfab_error_t *err);
static int playfab_party_invitation(playfab_party_req_t *req,
    const cJSON *item, playfab_error_t *err);
static int playfab_party_entity_keys(playfab_party_req_t *req,
    const cJSON *item, playfab_error_t *err);
static int playfab_party_entity_key(playfab_entity_key_t *key,
    const cJSON *item, const char *path, playfab_error_t *err);
static int playfab_party_party_id(playfab_party_req_t *req,
    const cJSON *item, playfab_error_t *err);
static int playfab_party_guid(const char *s, size_t len);
static int playfab_party_tags(playfab_party_req_t *req, const cJSON *item,
    playfab_error_t *err);
static int playfab_party_tag(const cJSON *tags, const cJSON *tag,
    playfab_error_t *err);


static const playfab_party_key_t  playfab_top_keys[PLAYFAB_TOP_KEYS] = {
    { "PreferredRegions", NULL },
    { "NetworkConfiguration", NULL },
    { "PartyId", NULL },
    { "CustomTags", NULL },
    { "PlayFabId", "is set by the server from the caller's identity" },
    { "TitleId", "is set by the server from its configuration" }
};

static const playfab_party_key_t  playfab_nc_keys[PLAYFAB_NC_KEYS] = {
    { "MaxUsers", NULL },
    { "MaxDevices", NULL },
    { "MaxUsersPerDevice", NULL },
    { "MaxDevicesPerUser", NULL },
    { "MaxEndpointsPerDevice", NULL },
    { "DirectPeerConnectivityOptions", NULL },
    { "PartyInvitationConfiguration", NULL }
};

static const playfab_party_key_t  playfab_pic_keys[PLAYFAB_PIC_KEYS] = {
    { "Identifier", NULL },
    { "Revocability", NULL },
    { "EntityKeys", NULL }
};

static const playfab_party_key_t  playfab_ek_keys[PLAYFAB_EK_KEYS] = {
    { "Id", NULL },
    { "Type", NULL }
};

static const playfab_party_object_t  playfab_top_object = {
    playfab_top_keys, PLAYFAB_TOP_KEYS, "RequestPartyServiceRequest"
};

static const playfab_party_object_t  playfab_nc_object = {
    playfab_nc_keys, PLAYFAB_NC_KEYS, "PartyNetworkConfiguration"
};

static const playfab_party_object_t  playfab_pic_object = {
    playfab_pic_keys, PLAYFAB_PIC_KEYS, "PartyInvitationConfiguration"
};

static const playfab_party_object_t  playfab_ek_object = {
    playfab_ek_keys, PLAYFAB_EK_KEYS, "EntityKey"
};


int
playfab_party_parse(playfab_party_req_t *req, const char *body, size_t len,
    playfab_error_t *err)
{
    int           rc;
    const char   *end;
    const cJSON  *f[PLAYFAB_TOP_KEYS];

    playfab_party_init(req);

    if (playfab_json_depth(body, len) > PLAYFAB_JSON_MAX_DEPTH) {
        playfab_error_set(err, "malformed_json", "",
                          "must not nest deeper than %d levels",
                          PLAYFAB_JSON_MAX_DEPTH);
        return -1;
    }

    if (playfab_party_lex(body, len, err) != 0) {
        return -1;
    }

    req->root = cJSON_ParseWithLengthOpts(body, len, &end, 0);

    if (req->root == NULL || !playfab_party_blank(end, body + len)) {
        playfab_error_set(err, "malformed_json", "", "must be valid JSON");
        return -1;
    }

    if (!cJSON_IsObject(req->root)) {
        playfab_error_set(err, "malformed_json", "", "must be a JSON object");
        return -1;
    }

    if (playfab_party_fields(req->root, "", &playfab_top_object, f, err)
        != 0)
    {
        return -1;
    }

    if (f[PLAYFAB_TOP_REGIONS]
        && playfab_party_regions(req, f[PLAYFAB_TOP_REGIONS], err) != 0)
    {
        return -1;
    }

    if (f[PLAYFAB_TOP_NETWORK]) {
        rc = playfab_party_network(req, f[PLAYFAB_TOP_NETWORK], err);
        if (rc != 0) {
            return rc;
        }
    }

    if (f[PLAYFAB_TOP_PARTY_ID]
        && playfab_party_party_id(req, f[PLAYFAB_TOP_PARTY_ID], err) != 0)
    {
        return -1;
    }

    if (f[PLAYFAB_TOP_TAGS]
        && playfab_party_tags(req, f[PLAYFAB_TOP_TAGS], err) != 0)
    {
        return -1;
    }

    return 0;
}


static void
playfab_party_init(playfab_party_req_t *req)
{
    memset(req, 0, sizeof(playfab_party_req_t));

    req->dpco = -1;
    req->revocability = -1;
}


static int
playfab_party_blank(const char *p, const char *last)
{
    for ( /* void */ ; p < last; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            return 0;
        }
    }

    return 1;
}


static int
playfab_party_regions(playfab_party_req_t *req, const cJSON *item,
    playfab_error_t *err)
{
    int           region;
    size_t        n;
    uint32_t      seen;
    const cJSON  *r;
    char          path[PLAYFAB_PARTY_PATH];

    if (!cJSON_IsArray(item) || item->child == NULL) {
        goto invalid;
    }

    n = 0;
    seen = 0;

    cJSON_ArrayForEach(r, item) {

        if (n == PLAYFAB_REGION_COUNT) {
            goto invalid;
        }

        region = -1;

        if (cJSON_IsString(r)) {
            region = playfab_region_lookup(r->valuestring,
                                           strlen(r->valuestring));
        }

        if (region == -1 || (seen & (1u << region))) {
            playfab_party_path_index(path, "PreferredRegions", n);
            playfab_error_set(err, "invalid_value", path, "%s",
                              region == -1
                              ? "must be one of the AzureRegion values"
                              : "must not repeat a region");
            return -1;
        }

        seen |= 1u << region;
        req->regions[n++] = region;
    }

    req->nregions = n;

    return 0;

invalid:

    playfab_error_set(err, "invalid_value", "PreferredRegions",
                      "must be an array of 1 to %d AzureRegion values",
                      PLAYFAB_REGION_COUNT);

    return -1;
}


static int
playfab_party_network(playfab_party_req_t *req, const cJSON *item,
    playfab_error_t *err)
{
    int           i;
    const cJSON  *f[PLAYFAB_NC_KEYS];
    char          path[PLAYFAB_PARTY_PATH];

    if (!cJSON_IsObject(item)) {
        playfab_error_set(err, "invalid_value", PLAYFAB_NC_PATH,
                          "must be an object");
        return -1;
    }

    if (playfab_party_fields(item, PLAYFAB_NC_PATH, &playfab_nc_object, f,
                             err)
        != 0)
    {
        return -1;
    }

    for (i = 0; i < PLAYFAB_NC_NUMERIC; i++) {
        if (f[i] == NULL) {
            continue;
        }

        playfab_party_path(path, PLAYFAB_NC_PATH, playfab_nc_keys[i].name);

        if (playfab_party_number(f[i], path, &playfab_nc_ranges[i],
                                 &req->num[i], err)
            != 0)
        {
            return -1;
        }

        req->has_num[i] = 1;
    }

    if (f[PLAYFAB_NC_DPCO]
        && playfab_party_enum(f[PLAYFAB_NC_DPCO],
                              PLAYFAB_NC_PATH ".DirectPeerConnectivityOptions",
                              &playfab_party_dpco_enum, &req->dpco, err)
           != 0)
    {
        return -1;
    }

    if (f[PLAYFAB_NC_INVITATION]) {
        return playfab_party_invitation(req, f[PLAYFAB_NC_INVITATION], err);
    }

    return 0;
}


static int
playfab_party_invitation(playfab_party_req_t *req, const cJSON *item,
    playfab_error_t *err)
{
    const cJSON  *f[PLAYFAB_PIC_KEYS];

    if (!cJSON_IsObject(item)) {
        playfab_error_set(err, "invalid_value", PLAYFAB_PIC_PATH,
                          "must be an object");
        return -1;
    }

    if (playfab_party_fields(item, PLAYFAB_PIC_PATH, &playfab_pic_object, f,
                             err)
        != 0)
    {
        return -1;
    }

    req->has_invitation = 1;

    if (f[PLAYFAB_PIC_IDENTIFIER]
        && playfab_party_string(f[PLAYFAB_PIC_IDENTIFIER],
                                PLAYFAB_PIC_PATH ".Identifier", 1,
                                PLAYFAB_IDENTIFIER_MAX, &req->identifier,
                                &req->identifier_len, err)
           != 0)
    {
        return -1;
    }

    if (f[PLAYFAB_PIC_REVOCABILITY]
        && playfab_party_enum(f[PLAYFAB_PIC_REVOCABILITY],
                              PLAYFAB_PIC_PATH ".Revocability",
                              &playfab_party_revocability_enum,
                              &req->revocability, err)
           != 0)
    {
        return -1;
    }

    if (f[PLAYFAB_PIC_ENTITY_KEYS]) {
        return playfab_party_entity_keys(req, f[PLAYFAB_PIC_ENTITY_KEYS],
                                         err);
    }

    return 0;
}


static int
playfab_party_entity_keys(playfab_party_req_t *req, const cJSON *item,
    playfab_error_t *err)
{
    size_t        n;
    const cJSON  *k;
    char          path[PLAYFAB_PARTY_PATH];

    if (!cJSON_IsArray(item)) {
        playfab_error_set(err, "invalid_value", PLAYFAB_KEYS_PATH,
                          "must be an array of EntityKey objects");
        return -1;
    }

    n = 0;

    cJSON_ArrayForEach(k, item) {
        if (++n > PLAYFAB_ENTITY_KEYS_MAX) {
            playfab_error_set(err, "invalid_value", PLAYFAB_KEYS_PATH,
                              "must have at most %d entries",
                              PLAYFAB_ENTITY_KEYS_MAX);
            return -1;
        }
    }

    req->has_entity_keys = 1;

    if (n == 0) {
        return 0;
    }

    req->entity_keys = malloc(n * sizeof(playfab_entity_key_t));
    if (req->entity_keys == NULL) {
        return -2;
    }

    n = 0;

    cJSON_ArrayForEach(k, item) {
        playfab_party_path_index(path, PLAYFAB_KEYS_PATH, n);

        if (playfab_party_entity_key(&req->entity_keys[n], k, path, err)
            != 0)
        {
            return -1;
        }

        req->nentity_keys = ++n;
    }

    return 0;
}


static int
playfab_party_entity_key(playfab_entity_key_t *key, const cJSON *item,
    const char *path, playfab_error_t *err)
{
    const cJSON  *f[PLAYFAB_EK_KEYS];
    char          field[PLAYFAB_PARTY_PATH];

    if (!cJSON_IsObject(item)) {
        playfab_error_set(err, "invalid_value", path, "must be an object");
        return -1;
    }

    if (playfab_party_fields(item, path, &playfab_ek_object, f, err) != 0) {
        return -1;
    }

    playfab_party_path(field, path, "Id");

    if (f[PLAYFAB_EK_ID] == NULL) {
        playfab_error_set(err, "missing_field", field, "is required");
        return -1;
    }

    if (playfab_party_string(f[PLAYFAB_EK_ID], field, 1,
                             PLAYFAB_ENTITY_ID_MAX, &key->id, &key->id_len,
                             err)
        != 0)
    {
        return -1;
    }

    key->type = NULL;
    key->type_len = 0;

    if (f[PLAYFAB_EK_TYPE] == NULL) {
        return 0;
    }

    playfab_party_path(field, path, "Type");

    return playfab_party_string(f[PLAYFAB_EK_TYPE], field, 1,
                                PLAYFAB_ENTITY_TYPE_MAX, &key->type,
                                &key->type_len, err);
}


static int
playfab_party_party_id(playfab_party_req_t *req, const cJSON *item,
    playfab_error_t *err)
{
    size_t  n;

    if (cJSON_IsString(item)) {
        n = strlen(item->valuestring);

        if (playfab_party_guid(item->valuestring, n)) {
            req->party_id = item->valuestring;
            req->party_id_len = n;
            return 0;
        }
    }

    playfab_error_set(err, "invalid_value", "PartyId",
                      "must be a GUID in 8-4-4-4-12 hexadecimal form");

    return -1;
}


static int
playfab_party_guid(const char *s, size_t len)
{
    size_t  i;

    if (len != PLAYFAB_GUID_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {

        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') {
                return 0;
            }

            continue;
        }

        if (s[i] == '\0' || memchr("0123456789abcdefABCDEF", s[i], 22)
                            == NULL)
        {
            return 0;
        }
    }

    return 1;
}


static int
playfab_party_tags(playfab_party_req_t *req, const cJSON *item,
    playfab_error_t *err)
{
    size_t        n;
    const cJSON  *tag;

    if (!cJSON_IsObject(item)) {
        playfab_error_set(err, "invalid_value", "CustomTags",
                          "must be an object of string values");
        return -1;
    }

    n = 0;

    cJSON_ArrayForEach(tag, item) {
        if (++n > PLAYFAB_CUSTOM_TAGS_MAX) {
            playfab_error_set(err, "invalid_value", "CustomTags",
                              "must have at most %d entries",
                              PLAYFAB_CUSTOM_TAGS_MAX);
            return -1;
        }
    }

    cJSON_ArrayForEach(tag, item) {
        if (playfab_party_tag(item, tag, err) != 0) {
            return -1;
        }
    }

    req->custom_tags = item;

    return 0;
}


static int
playfab_party_tag(const cJSON *tags, const cJSON *tag, playfab_error_t *err)
{
    size_t        len;
    const char   *s;
    const cJSON  *prev;
    char          path[PLAYFAB_PARTY_PATH];

    len = strlen(tag->string);

    if (len == 0 || len > PLAYFAB_TAG_KEY_MAX) {
        playfab_error_set(err, "invalid_value", "CustomTags",
                          "must have keys of 1 to %d bytes",
                          PLAYFAB_TAG_KEY_MAX);
        return -1;
    }

    if (!playfab_json_text_valid(tag->string, len)) {
        playfab_error_set(err, "invalid_value", "CustomTags",
                          "must have keys of valid UTF-8 without control "
                          "characters");
        return -1;
    }

    playfab_party_path(path, "CustomTags", tag->string);

    for (prev = tags->child; prev != tag; prev = prev->next) {
        if (strcmp(prev->string, tag->string) == 0) {
            playfab_error_set(err, "duplicate_field", path,
                              "must appear only once");
            return -1;
        }
    }

    if (strcasecmp(tag->string, "RequestId") == 0) {
        playfab_error_set(err, "invalid_value", path,
                          "is reserved for the server's request id");
        return -1;
    }

    return playfab_party_string(tag, path, 0, PLAYFAB_CUSTOM_TAG_MAX, &s,
                                &len, err);
}


void
playfab_party_free(playfab_party_req_t *req)
{
    cJSON_Delete(req->root);
    free(req->entity_keys);

    playfab_party_init(req);
}
