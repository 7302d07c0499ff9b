/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * RequestPartyServiceRequest: the strict reader checks the text
 * (playfab_lex.c), then the schema is walked over it in place with
 * tables: types, ranges, enums, lengths, unknown and duplicate keys,
 * UTF-8.  Strings stay in the body; only escaped ones are decoded.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "playfab_schema_int.h"


#define PLAYFAB_TAG_KEY_MAX      64
#define PLAYFAB_GUID_LEN         36

#define PLAYFAB_PIC_PATH         PLAYFAB_NC_PATH                          \
                                 ".PartyInvitationConfiguration"
#define PLAYFAB_KEYS_PATH        PLAYFAB_PIC_PATH ".EntityKeys"

#define playfab_key(name, refused)  { name, sizeof(name) - 1, refused }


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
static int playfab_party_refused(const char *body, size_t len,
    playfab_error_t *err);
static int playfab_party_regions(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err);
static int playfab_party_network(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err);
static int playfab_party_invitation(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err);
static int playfab_party_entity_keys(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err);
static int playfab_party_entity_key(const playfab_party_doc_t *doc,
    playfab_entity_key_t *key, uint32_t item, const char *path,
    playfab_error_t *err);
static int playfab_party_party_id(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err);
static int playfab_party_guid(const char *s, size_t len);
static int playfab_party_tags(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err);
static int playfab_party_tag(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, size_t n, uint32_t value,
    playfab_error_t *err);


static const playfab_party_key_t  playfab_top_keys[PLAYFAB_TOP_KEYS] = {
    playfab_key("PreferredRegions", NULL),
    playfab_key("NetworkConfiguration", NULL),
    playfab_key("PartyId", NULL),
    playfab_key("CustomTags", NULL),
    playfab_key("PlayFabId",
                "is set by the server from the caller's identity"),
    playfab_key("TitleId", "is set by the server from its configuration")
};

static const playfab_party_key_t  playfab_nc_keys[PLAYFAB_NC_KEYS] = {
    playfab_key("MaxUsers", NULL),
    playfab_key("MaxDevices", NULL),
    playfab_key("MaxUsersPerDevice", NULL),
    playfab_key("MaxDevicesPerUser", NULL),
    playfab_key("MaxEndpointsPerDevice", NULL),
    playfab_key("DirectPeerConnectivityOptions", NULL),
    playfab_key("PartyInvitationConfiguration", NULL)
};

static const playfab_party_key_t  playfab_pic_keys[PLAYFAB_PIC_KEYS] = {
    playfab_key("Identifier", NULL),
    playfab_key("Revocability", NULL),
    playfab_key("EntityKeys", NULL)
};

static const playfab_party_key_t  playfab_ek_keys[PLAYFAB_EK_KEYS] = {
    playfab_key("Id", NULL),
    playfab_key("Type", NULL)
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
    int                  rc;
    uint32_t             f[PLAYFAB_TOP_KEYS];
    playfab_json_doc_t   json;
    playfab_party_doc_t  doc;

    playfab_party_init(req);

    rc = playfab_json_parse(&json, body, len, 0);

    if (rc != 0) {
        playfab_json_free(&json);
        return (rc == -2) ? -2 : playfab_party_refused(body, len, err);
    }

    if (!playfab_json_is_object(&json, 0)) {
        playfab_error_set(err, "malformed_json", "", "must be a JSON object");
        rc = -1;
        goto done;
    }

    if (json.escaped) {
        req->scratch = malloc(len);
        if (req->scratch == NULL) {
            rc = -2;
            goto done;
        }
    }

    doc.json = &json;
    doc.scratch = req->scratch;

    rc = playfab_party_fields(&doc, 0, "", &playfab_top_object, f, err);
    if (rc != 0) {
        goto done;
    }

    if (f[PLAYFAB_TOP_REGIONS]) {
        rc = playfab_party_regions(&doc, req, f[PLAYFAB_TOP_REGIONS], err);
        if (rc != 0) {
            goto done;
        }
    }

    if (f[PLAYFAB_TOP_NETWORK]) {
        rc = playfab_party_network(&doc, req, f[PLAYFAB_TOP_NETWORK], err);
        if (rc != 0) {
            goto done;
        }
    }

    if (f[PLAYFAB_TOP_PARTY_ID]) {
        rc = playfab_party_party_id(&doc, req, f[PLAYFAB_TOP_PARTY_ID], err);
        if (rc != 0) {
            goto done;
        }
    }

    if (f[PLAYFAB_TOP_TAGS]) {
        rc = playfab_party_tags(&doc, req, f[PLAYFAB_TOP_TAGS], err);
    }

done:

    playfab_json_free(&json);

    return rc;
}


static void
playfab_party_init(playfab_party_req_t *req)
{
    memset(req, 0, offsetof(playfab_party_req_t, regions));

    req->dpco = -1;
    req->revocability = -1;
}


/*
 * Which rule a body the reader refused broke, in the order the checks
 * were made before the reader was: nesting, then the lexical rules,
 * then the grammar.
 */

static int
playfab_party_refused(const char *body, size_t len, playfab_error_t *err)
{
    if (playfab_json_depth(body, len) > PLAYFAB_JSON_MAX_DEPTH) {
        playfab_error_set(err, "malformed_json", "",
                          "must not nest deeper than %d levels",
                          PLAYFAB_JSON_MAX_DEPTH);
        return -1;
    }

    if (playfab_party_lex(body, len, err) != 0) {
        return -1;
    }

    playfab_error_set(err, "malformed_json", "", "must be valid JSON");

    return -1;
}


static int
playfab_party_regions(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err)
{
    int          region;
    size_t       n, len;
    uint32_t     seen, r;
    const char  *name;
    char         path[PLAYFAB_PARTY_PATH];

    if (!playfab_json_is_array(doc->json, item)) {
        goto invalid;
    }

    r = playfab_json_first(doc->json, item);

    if (r == 0) {
        goto invalid;
    }

    n = 0;
    seen = 0;

    for ( /* void */ ;
         r != 0;
         r = playfab_json_next_element(doc->json, item, r))
    {
        if (n == PLAYFAB_REGION_COUNT) {
            goto invalid;
        }

        region = -1;

        if (playfab_json_is_string(doc->json, r)) {
            name = playfab_party_text(doc, r, &len);
            region = playfab_region_lookup(name, len);
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
playfab_party_network(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err)
{
    int       i, rc;
    uint32_t  f[PLAYFAB_NC_KEYS];
    char      path[PLAYFAB_PARTY_PATH];

    if (!playfab_json_is_object(doc->json, item)) {
        playfab_error_set(err, "invalid_value", PLAYFAB_NC_PATH,
                          "must be an object");
        return -1;
    }

    rc = playfab_party_fields(doc, item, PLAYFAB_NC_PATH, &playfab_nc_object,
                              f, err);
    if (rc != 0) {
        return rc;
    }

    for (i = 0; i < PLAYFAB_NC_NUMERIC; i++) {
        if (f[i] == 0) {
            continue;
        }

        /* the path is made for the message only */

        rc = playfab_party_number(doc, f[i], NULL, &playfab_nc_ranges[i],
                                  &req->num[i], err);

        if (rc == -1) {
            playfab_party_path_n(path, PLAYFAB_NC_PATH,
                                 playfab_nc_keys[i].name,
                                 playfab_nc_keys[i].len);
            rc = playfab_party_number(doc, f[i], path, &playfab_nc_ranges[i],
                                      &req->num[i], err);
        }

        if (rc != 0) {
            return rc;
        }

        req->has_num[i] = 1;
    }

    if (f[PLAYFAB_NC_DPCO]
        && playfab_party_enum(doc, f[PLAYFAB_NC_DPCO],
                              PLAYFAB_NC_PATH ".DirectPeerConnectivityOptions",
                              &playfab_party_dpco_enum, &req->dpco, err)
           != 0)
    {
        return -1;
    }

    if (f[PLAYFAB_NC_INVITATION]) {
        return playfab_party_invitation(doc, req, f[PLAYFAB_NC_INVITATION],
                                        err);
    }

    return 0;
}


static int
playfab_party_invitation(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err)
{
    int       rc;
    uint32_t  f[PLAYFAB_PIC_KEYS];

    if (!playfab_json_is_object(doc->json, item)) {
        playfab_error_set(err, "invalid_value", PLAYFAB_PIC_PATH,
                          "must be an object");
        return -1;
    }

    rc = playfab_party_fields(doc, item, PLAYFAB_PIC_PATH,
                              &playfab_pic_object, f, err);
    if (rc != 0) {
        return rc;
    }

    req->has_invitation = 1;

    if (f[PLAYFAB_PIC_IDENTIFIER]
        && playfab_party_string(doc, f[PLAYFAB_PIC_IDENTIFIER],
                                PLAYFAB_PIC_PATH ".Identifier", 1,
                                PLAYFAB_IDENTIFIER_MAX, &req->identifier,
                                &req->identifier_len, err)
           != 0)
    {
        return -1;
    }

    if (f[PLAYFAB_PIC_REVOCABILITY]
        && playfab_party_enum(doc, f[PLAYFAB_PIC_REVOCABILITY],
                              PLAYFAB_PIC_PATH ".Revocability",
                              &playfab_party_revocability_enum,
                              &req->revocability, err)
           != 0)
    {
        return -1;
    }

    if (f[PLAYFAB_PIC_ENTITY_KEYS]) {
        return playfab_party_entity_keys(doc, req, f[PLAYFAB_PIC_ENTITY_KEYS],
                                         err);
    }

    return 0;
}


/* counted first: a list too long is refused before its entries are read */

static int
playfab_party_entity_keys(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err)
{
    size_t    n;
    uint32_t  k;
    char      path[PLAYFAB_PARTY_PATH];

    if (!playfab_json_is_array(doc->json, item)) {
        playfab_error_set(err, "invalid_value", PLAYFAB_KEYS_PATH,
                          "must be an array of EntityKey objects");
        return -1;
    }

    n = 0;

    for (k = playfab_json_first(doc->json, item);
         k != 0;
         k = playfab_json_next_element(doc->json, item, k))
    {
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

    if (n <= PLAYFAB_ENTITY_KEYS_INLINE) {
        req->entity_keys = req->inline_keys;

    } else {
        req->entity_keys = malloc(n * sizeof(playfab_entity_key_t));
        if (req->entity_keys == NULL) {
            return -2;
        }
    }

    n = 0;

    for (k = playfab_json_first(doc->json, item);
         k != 0;
         k = playfab_json_next_element(doc->json, item, k))
    {
        playfab_party_path_index(path, PLAYFAB_KEYS_PATH, n);

        if (playfab_party_entity_key(doc, &req->entity_keys[n], k, path, err)
            != 0)
        {
            return -1;
        }

        req->nentity_keys = ++n;
    }

    return 0;
}


static int
playfab_party_entity_key(const playfab_party_doc_t *doc,
    playfab_entity_key_t *key, uint32_t item, const char *path,
    playfab_error_t *err)
{
    uint32_t  f[PLAYFAB_EK_KEYS];
    char      field[PLAYFAB_PARTY_PATH];

    if (!playfab_json_is_object(doc->json, item)) {
        playfab_error_set(err, "invalid_value", path, "must be an object");
        return -1;
    }

    if (playfab_party_fields(doc, item, path, &playfab_ek_object, f, err)
        != 0)
    {
        return -1;
    }

    playfab_party_path(field, path, "Id");

    if (f[PLAYFAB_EK_ID] == 0) {
        playfab_error_set(err, "missing_field", field, "is required");
        return -1;
    }

    if (playfab_party_string(doc, f[PLAYFAB_EK_ID], field, 1,
                             PLAYFAB_ENTITY_ID_MAX, &key->id, &key->id_len,
                             err)
        != 0)
    {
        return -1;
    }

    key->type = NULL;
    key->type_len = 0;

    if (f[PLAYFAB_EK_TYPE] == 0) {
        return 0;
    }

    playfab_party_path(field, path, "Type");

    return playfab_party_string(doc, f[PLAYFAB_EK_TYPE], field, 1,
                                PLAYFAB_ENTITY_TYPE_MAX, &key->type,
                                &key->type_len, err);
}


static int
playfab_party_party_id(const playfab_party_doc_t *doc,
    playfab_party_req_t *req, uint32_t item, playfab_error_t *err)
{
    size_t       n;
    const char  *s;

    if (playfab_json_is_string(doc->json, item)) {
        s = playfab_party_text(doc, item, &n);

        if (playfab_party_guid(s, n)) {
            req->party_id = s;
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


/* counted first, as the entity keys; then each tag in order */

static int
playfab_party_tags(const playfab_party_doc_t *doc, playfab_party_req_t *req,
    uint32_t item, playfab_error_t *err)
{
    size_t                 n, i;
    uint32_t               k, value[PLAYFAB_CUSTOM_TAGS_MAX];
    playfab_custom_tag_t  *tag;

    if (!playfab_json_is_object(doc->json, item)) {
        playfab_error_set(err, "invalid_value", "CustomTags",
                          "must be an object of string values");
        return -1;
    }

    n = 0;

    for (k = playfab_json_first(doc->json, item);
         k != 0;
         k = playfab_json_next_member(doc->json, item, k))
    {
        if (n == PLAYFAB_CUSTOM_TAGS_MAX) {
            playfab_error_set(err, "invalid_value", "CustomTags",
                              "must have at most %d entries",
                              PLAYFAB_CUSTOM_TAGS_MAX);
            return -1;
        }

        tag = &req->custom_tags[n];
        tag->key = playfab_party_text(doc, k, &tag->key_len);
        value[n++] = k + 1;
    }

    for (i = 0; i < n; i++) {
        if (playfab_party_tag(doc, req, i, value[i], err) != 0) {
            return -1;
        }
    }

    req->has_custom_tags = 1;
    req->ncustom_tags = n;

    return 0;
}


static int
playfab_party_tag(const playfab_party_doc_t *doc, playfab_party_req_t *req,
    size_t n, uint32_t value, playfab_error_t *err)
{
    size_t                 i;
    playfab_custom_tag_t  *tag, *prev;
    char                   path[PLAYFAB_PARTY_PATH];

    tag = &req->custom_tags[n];

    if (tag->key_len == 0 || tag->key_len > PLAYFAB_TAG_KEY_MAX) {
        playfab_error_set(err, "invalid_value", "CustomTags",
                          "must have keys of 1 to %d bytes",
                          PLAYFAB_TAG_KEY_MAX);
        return -1;
    }

    if (!playfab_json_text_valid(tag->key, tag->key_len)) {
        playfab_error_set(err, "invalid_value", "CustomTags",
                          "must have keys of valid UTF-8 without control "
                          "characters");
        return -1;
    }

    playfab_party_path_n(path, "CustomTags", tag->key, tag->key_len);

    for (i = 0; i < n; i++) {
        prev = &req->custom_tags[i];

        if (prev->key_len == tag->key_len
            && memcmp(prev->key, tag->key, tag->key_len) == 0)
        {
            playfab_error_set(err, "duplicate_field", path,
                              "must appear only once");
            return -1;
        }
    }

    if (tag->key_len == sizeof("RequestId") - 1
        && strncasecmp(tag->key, "RequestId", tag->key_len) == 0)
    {
        playfab_error_set(err, "invalid_value", path,
                          "is reserved for the server's request id");
        return -1;
    }

    return playfab_party_string(doc, value, path, 0, PLAYFAB_CUSTOM_TAG_MAX,
                                &tag->value, &tag->value_len, err);
}


void
playfab_party_free(playfab_party_req_t *req)
{
    free(req->scratch);

    if (req->entity_keys != req->inline_keys) {
        free(req->entity_keys);
    }

    playfab_party_init(req);
}
