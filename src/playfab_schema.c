/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * RequestPartyServiceRequest: a strict lexical pass over the raw text
 * (what cJSON is lenient about), cJSON for the tree, the schema walked
 * with tables, the studio's policy, and a two-pass serializer that
 * counts or writes the same bytes.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "playfab_schema.h"


#define PLAYFAB_PARTY_PATH       sizeof(((playfab_error_t *) 0)->field)
#define PLAYFAB_TAG_KEY_MAX      64
#define PLAYFAB_GUID_LEN         36
#define PLAYFAB_SHOWN_MAX        24   /* config text quoted in messages */
#define PLAYFAB_CREATOR          0    /* playfab_revocability_names[] */

#define PLAYFAB_NC_PATH          "NetworkConfiguration"
#define PLAYFAB_PIC_PATH         PLAYFAB_NC_PATH                          \
                                 ".PartyInvitationConfiguration"
#define PLAYFAB_KEYS_PATH        PLAYFAB_PIC_PATH ".EntityKeys"

#define playfab_party_literal(out, s)                                        \
    playfab_party_put(out, s, sizeof(s) - 1)


typedef struct {
    const char   *const *names;      /* indexed by value */
    int                  n;
    const char          *type;       /* schema name, for messages */
} playfab_party_enum_t;

typedef struct {
    const char   *name;
    const char   *refused;           /* non-NULL: unknown_field, this rule */
} playfab_party_key_t;

typedef struct {
    const playfab_party_key_t  *keys;
    size_t                      n;
    const char                 *type;
} playfab_party_object_t;

typedef struct {
    uint32_t      min;
    uint32_t      max;
} playfab_party_range_t;

typedef struct {
    char         *p;                 /* NULL: count only */
    size_t        len;
} playfab_party_out_t;


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


static int playfab_party_enum_lookup(const playfab_party_enum_t *e,
    const char *name, size_t len);
static const char *playfab_party_enum_name(const playfab_party_enum_t *e,
    int value);
static void playfab_party_init(playfab_party_req_t *req);
static void playfab_party_path(char *buf, const char *parent,
    const char *name);
static void playfab_party_path_index(char *buf, const char *parent,
    size_t i);

static int playfab_party_lex(const char *s, size_t len,
    playfab_error_t *err);
static int playfab_party_lex_string(const char *s, size_t len, size_t *pos,
    playfab_error_t *err);
static int playfab_party_lex_number(const char *s, size_t len, size_t *pos);
static size_t playfab_party_digits(const char *s, size_t len, size_t i);
static int playfab_party_blank(const char *p, const char *last);

static int playfab_party_fields(const cJSON *obj, const char *path,
    const playfab_party_object_t *o, const cJSON **f, playfab_error_t *err);
static int playfab_party_number(const cJSON *item, const char *path,
    const playfab_party_range_t *r, uint32_t *val, playfab_error_t *err);
static int playfab_party_enum(const cJSON *item, const char *path,
    const playfab_party_enum_t *e, int *val, playfab_error_t *err);
static int playfab_party_string(const cJSON *item, const char *path,
    int nonempty, size_t max, const char **s, size_t *len,
    playfab_error_t *err);
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

static int playfab_party_shown(size_t len);
static int playfab_party_decimal(const char *s, size_t len, uint32_t *v);
static int playfab_party_num_isset(const playfab_num_policy_t *np,
    playfab_policy_kind_e kind);
static int playfab_party_policy_number(playfab_num_policy_t *np, int field,
    playfab_policy_kind_e kind, const char *value, size_t len, char *err,
    size_t errlen);
static int playfab_party_policy_enum(playfab_party_policy_t *pol, int field,
    playfab_policy_kind_e kind, const char *value, size_t len, char *err,
    size_t errlen);
static int playfab_party_apply_regions(playfab_party_req_t *req,
    const playfab_party_policy_t *pol, playfab_error_t *err);
static int playfab_party_apply_number(playfab_party_req_t *req, int field,
    const playfab_num_policy_t *np, playfab_error_t *err);
static int playfab_party_apply_enum(int value, int def, int force);

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


static const char  *const playfab_region_names[PLAYFAB_REGION_COUNT] = {
    "AustraliaEast", "AustraliaSoutheast", "BrazilSouth", "CentralUs",
    "EastAsia", "EastUs", "EastUs2", "JapanEast", "JapanWest",
    "NorthCentralUs", "NorthEurope", "SouthCentralUs", "SoutheastAsia",
    "WestEurope", "WestUs", "SouthAfricaNorth", "WestCentralUs",
    "KoreaCentral", "FranceCentral", "WestUs2", "CentralIndia", "UaeNorth",
    "UkSouth", "SwedenCentral", "CanadaCentral", "MexicoCentral"
};

static const char  *const playfab_dpco_names[] = {
    "None", "SamePlatformType", "DifferentPlatformType", "AnyPlatformType",
    "SameEntityLoginProvider", "DifferentEntityLoginProvider",
    "AnyEntityLoginProvider", "AnyPlatformTypeAndEntityLoginProvider",
    "OnlyServers"
};

static const char  *const playfab_revocability_names[] = {
    "Creator", "Anyone"
};

static const char  *const playfab_field_names[PLAYFAB_POLICY_FIELDS] = {
    "MaxUsers", "MaxDevices", "MaxUsersPerDevice", "MaxDevicesPerUser",
    "MaxEndpointsPerDevice", "DirectPeerConnectivityOptions", "Revocability"
};

static const char  *const playfab_kind_names[] = {
    "default", "max", "force"
};

static const playfab_party_enum_t  playfab_party_regions_enum = {
    playfab_region_names, PLAYFAB_REGION_COUNT, "AzureRegion"
};

static const playfab_party_enum_t  playfab_party_dpco_enum = {
    playfab_dpco_names,
    sizeof(playfab_dpco_names) / sizeof(playfab_dpco_names[0]),
    "DirectPeerConnectivityOptions"
};

static const playfab_party_enum_t  playfab_party_revocability_enum = {
    playfab_revocability_names,
    sizeof(playfab_revocability_names)
        / sizeof(playfab_revocability_names[0]),
    "PartyInvitationRevocability"
};

static const playfab_party_enum_t  playfab_party_fields_enum = {
    playfab_field_names, PLAYFAB_POLICY_FIELDS, "policy field"
};

/* the schema's ranges; "greater than 0" is bounded by uint32 */
static const playfab_party_range_t  playfab_nc_ranges[PLAYFAB_NC_NUMERIC] = {
    { 1, UINT32_MAX },
    { 1, 128 },
    { 1, 8 },
    { 1, UINT32_MAX },
    { 0, 32 }
};

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
playfab_region_lookup(const char *name, size_t len)
{
    return playfab_party_enum_lookup(&playfab_party_regions_enum, name, len);
}


const char *
playfab_region_name(int region)
{
    return playfab_party_enum_name(&playfab_party_regions_enum, region);
}


int
playfab_dpco_lookup(const char *name, size_t len)
{
    return playfab_party_enum_lookup(&playfab_party_dpco_enum, name, len);
}


const char *
playfab_dpco_name(int dpco)
{
    return playfab_party_enum_name(&playfab_party_dpco_enum, dpco);
}


int
playfab_revocability_lookup(const char *name, size_t len)
{
    return playfab_party_enum_lookup(&playfab_party_revocability_enum, name,
                                     len);
}


const char *
playfab_revocability_name(int revocability)
{
    return playfab_party_enum_name(&playfab_party_revocability_enum,
                                   revocability);
}


int
playfab_policy_field_lookup(const char *name, size_t len)
{
    return playfab_party_enum_lookup(&playfab_party_fields_enum, name, len);
}


const char *
playfab_policy_field_name(int field)
{
    return playfab_party_enum_name(&playfab_party_fields_enum, field);
}


static int
playfab_party_enum_lookup(const playfab_party_enum_t *e, const char *name,
    size_t len)
{
    int  i;

    for (i = 0; i < e->n; i++) {
        if (strlen(e->names[i]) == len
            && memcmp(e->names[i], name, len) == 0)
        {
            return i;
        }
    }

    return -1;
}


static const char *
playfab_party_enum_name(const playfab_party_enum_t *e, int value)
{
    if (value < 0 || value >= e->n) {
        return NULL;
    }

    return e->names[value];
}


void
playfab_party_policy_init(playfab_party_policy_t *pol)
{
    memset(pol, 0, sizeof(playfab_party_policy_t));

    pol->dpco_default = -1;
    pol->dpco_force = -1;
    pol->revocability_default = -1;
    pol->revocability_force = -1;
}


int
playfab_party_policy_set(playfab_party_policy_t *pol,
    playfab_policy_kind_e kind, const char *field, size_t field_len,
    const char *value, size_t value_len, char *err, size_t errlen)
{
    int  f;

    f = playfab_policy_field_lookup(field, field_len);

    if (f == -1) {
        snprintf(err, errlen, "\"%.*s\" is not a policy field",
                 playfab_party_shown(field_len), field);
        return -1;
    }

    if (f < PLAYFAB_NC_NUMERIC) {
        return playfab_party_policy_number(&pol->num[f], f, kind, value,
                                           value_len, err, errlen);
    }

    if (kind == PLAYFAB_POLICY_MAX) {
        snprintf(err, errlen, "\"%s\" is not a number and cannot have a max",
                 playfab_field_names[f]);
        return -1;
    }

    return playfab_party_policy_enum(pol, f, kind, value, value_len, err,
                                     errlen);
}


static int
playfab_party_shown(size_t len)
{
    return (int) (len > PLAYFAB_SHOWN_MAX ? PLAYFAB_SHOWN_MAX : len);
}


static int
playfab_party_policy_number(playfab_num_policy_t *np, int field,
    playfab_policy_kind_e kind, const char *value, size_t len, char *err,
    size_t errlen)
{
    uint32_t                      v;
    const playfab_party_range_t  *r;

    if (playfab_party_num_isset(np, kind)) {
        snprintf(err, errlen, "\"%s\" %s is duplicate",
                 playfab_field_names[field],
                 playfab_kind_names[kind]);
        return -1;
    }

    r = &playfab_nc_ranges[field];

    if (playfab_party_decimal(value, len, &v) != 0
        || v < r->min || v > r->max)
    {
        snprintf(err, errlen,
                 "\"%s\" %s \"%.*s\" must be an integer between %u and %u",
                 playfab_field_names[field],
                 playfab_kind_names[kind], playfab_party_shown(len),
                 value, (unsigned) r->min, (unsigned) r->max);
        return -1;
    }

    switch (kind) {

    case PLAYFAB_POLICY_DEFAULT:
        np->has_default = 1;
        np->def = v;
        break;

    case PLAYFAB_POLICY_MAX:
        np->has_max = 1;
        np->max = v;
        break;

    default: /* PLAYFAB_POLICY_FORCE */
        np->has_force = 1;
        np->force = v;
        break;
    }

    return 0;
}


static int
playfab_party_num_isset(const playfab_num_policy_t *np,
    playfab_policy_kind_e kind)
{
    switch (kind) {

    case PLAYFAB_POLICY_DEFAULT:
        return np->has_default;

    case PLAYFAB_POLICY_MAX:
        return np->has_max;

    default: /* PLAYFAB_POLICY_FORCE */
        return np->has_force;
    }
}


/* decimal digits only: no sign, no blanks, at most 10 digits */

static int
playfab_party_decimal(const char *s, size_t len, uint32_t *v)
{
    size_t    i;
    uint64_t  n;

    if (len == 0 || len > 10) {
        return -1;
    }

    n = 0;

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }

        n = n * 10 + (uint64_t) (s[i] - '0');
    }

    if (n > UINT32_MAX) {
        return -1;
    }

    *v = (uint32_t) n;

    return 0;
}


static int
playfab_party_policy_enum(playfab_party_policy_t *pol, int field,
    playfab_policy_kind_e kind, const char *value, size_t len, char *err,
    size_t errlen)
{
    int                         *slot, v;
    const playfab_party_enum_t  *e;

    if (field == PLAYFAB_POLICY_DPCO) {
        e = &playfab_party_dpco_enum;
        slot = (kind == PLAYFAB_POLICY_DEFAULT) ? &pol->dpco_default
                                                : &pol->dpco_force;

    } else {
        e = &playfab_party_revocability_enum;
        slot = (kind == PLAYFAB_POLICY_DEFAULT) ? &pol->revocability_default
                                                : &pol->revocability_force;
    }

    if (*slot != -1) {
        snprintf(err, errlen, "\"%s\" %s is duplicate",
                 playfab_field_names[field],
                 playfab_kind_names[kind]);
        return -1;
    }

    v = playfab_party_enum_lookup(e, value, len);

    if (v == -1) {
        snprintf(err, errlen, "\"%s\" %s \"%.*s\" must be one of the %s values",
                 playfab_field_names[field],
                 playfab_kind_names[kind], playfab_party_shown(len),
                 value, e->type);
        return -1;
    }

    *slot = v;

    return 0;
}


int
playfab_party_policy_add_region(playfab_party_policy_t *pol,
    const char *name, size_t len, char *err, size_t errlen)
{
    int     region;
    size_t  i;

    region = playfab_region_lookup(name, len);

    if (region == -1) {
        snprintf(err, errlen, "\"%.*s\" must be one of the AzureRegion values",
                 playfab_party_shown(len), name);
        return -1;
    }

    for (i = 0; i < pol->nregions; i++) {
        if (pol->regions[i] == region) {
            snprintf(err, errlen, "region \"%s\" is duplicate",
                     playfab_region_names[region]);
            return -1;
        }
    }

    pol->regions[pol->nregions++] = (unsigned char) region;

    return 0;
}


int
playfab_party_policy_check(const playfab_party_policy_t *pol, char *err,
    size_t errlen)
{
    int                          f;
    const playfab_num_policy_t  *np;

    for (f = 0; f < PLAYFAB_NC_NUMERIC; f++) {
        np = &pol->num[f];

        if (!np->has_max) {
            continue;
        }

        if (np->has_default && np->def > np->max) {
            snprintf(err, errlen, "\"%s\" default %u is above its max %u",
                     playfab_field_names[f], (unsigned) np->def,
                     (unsigned) np->max);
            return -1;
        }

        if (np->has_force && np->force > np->max) {
            snprintf(err, errlen, "\"%s\" force %u is above its max %u",
                     playfab_field_names[f], (unsigned) np->force,
                     (unsigned) np->max);
            return -1;
        }
    }

    return 0;
}


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


/*
 * err->field is always printable ASCII: a client's key is copied with
 * other bytes replaced by '?', and cut to fit
 */

static void
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


static void
playfab_party_path_index(char *buf, const char *parent, size_t i)
{
    snprintf(buf, PLAYFAB_PARTY_PATH, "%s[%zu]", parent, i);
}


/*
 * What cJSON accepts but JSON does not, and what it would silently
 * truncate: control bytes outside strings (cJSON takes any byte up to
 * 0x20 for a blank), raw controls inside strings, numbers such as "01",
 * "1." or "-", and "\u0000" (the string would end there).
 */

static int
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


/* f[i]: the value of keys[i] or NULL; unknown and repeated keys refused */

static int
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

static int
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


static int
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


static int
playfab_party_string(const cJSON *item, const char *path, int nonempty,
    size_t max, const char **s, size_t *len, playfab_error_t *err)
{
    size_t  n;

    if (!cJSON_IsString(item)) {
        playfab_error_set(err, "invalid_value", path, "must be a string");
        return -1;
    }

    n = strlen(item->valuestring);

    if (nonempty && n == 0) {
        playfab_error_set(err, "invalid_value", path, "must not be empty");
        return -1;
    }

    if (n > max) {
        playfab_error_set(err, "invalid_value", path,
                          "must be at most %zu bytes", max);
        return -1;
    }

    if (!playfab_json_text_valid(item->valuestring, n)) {
        playfab_error_set(err, "invalid_value", path,
                          "must be valid UTF-8 without control characters");
        return -1;
    }

    *s = item->valuestring;
    *len = n;

    return 0;
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


int
playfab_party_apply_policy(playfab_party_req_t *req,
    const playfab_party_policy_t *pol, playfab_error_t *err)
{
    int  f;

    if (playfab_party_apply_regions(req, pol, err) != 0) {
        return -1;
    }

    for (f = 0; f < PLAYFAB_NC_NUMERIC; f++) {
        if (playfab_party_apply_number(req, f, &pol->num[f], err) != 0) {
            return -1;
        }
    }

    req->dpco = playfab_party_apply_enum(req->dpco, pol->dpco_default,
                                         pol->dpco_force);

    req->revocability = playfab_party_apply_enum(req->revocability,
                                                 pol->revocability_default,
                                                 pol->revocability_force);

    if (req->revocability != -1) {
        req->has_invitation = 1;
    }

    return 0;
}


static int
playfab_party_apply_regions(playfab_party_req_t *req,
    const playfab_party_policy_t *pol, playfab_error_t *err)
{
    size_t    i;
    uint32_t  allowed;
    char      path[PLAYFAB_PARTY_PATH];

    if (pol->nregions == 0) {
        if (req->nregions == 0) {
            playfab_error_set(err, "missing_field", "PreferredRegions",
                              "is required");
            return -1;
        }

        return 0;
    }

    if (req->nregions == 0) {
        for (i = 0; i < pol->nregions; i++) {
            req->regions[i] = pol->regions[i];
        }

        req->nregions = pol->nregions;

        return 0;
    }

    allowed = 0;

    for (i = 0; i < pol->nregions; i++) {
        allowed |= 1u << pol->regions[i];
    }

    for (i = 0; i < req->nregions; i++) {
        if (!(allowed & (1u << req->regions[i]))) {
            playfab_party_path_index(path, "PreferredRegions", i);
            playfab_error_set(err, "policy_violation", path,
                              "must be a region allowed by the server "
                              "policy");
            return -1;
        }
    }

    return 0;
}


static int
playfab_party_apply_number(playfab_party_req_t *req, int field,
    const playfab_num_policy_t *np, playfab_error_t *err)
{
    char  path[PLAYFAB_PARTY_PATH];

    if (np->has_force) {
        req->num[field] = np->force;
        req->has_num[field] = 1;
        return 0;
    }

    if (!req->has_num[field]) {
        if (!np->has_default) {
            playfab_party_path(path, PLAYFAB_NC_PATH,
                               playfab_nc_keys[field].name);
            playfab_error_set(err, "missing_field", path, "is required");
            return -1;
        }

        req->num[field] = np->def;
        req->has_num[field] = 1;
        return 0;
    }

    if (np->has_max && req->num[field] > np->max) {
        playfab_party_path(path, PLAYFAB_NC_PATH, playfab_nc_keys[field].name);
        playfab_error_set(err, "policy_violation", path,
                          "must be at most %u (server policy)",
                          (unsigned) np->max);
        return -1;
    }

    return 0;
}


static int
playfab_party_apply_enum(int value, int def, int force)
{
    if (force != -1) {
        return force;
    }

    if (value == -1) {
        return def;
    }

    return value;
}


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

        name = playfab_region_names[req->regions[i]];
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
        playfab_party_put_key(out, f ? "," : "", playfab_nc_keys[f].name);
        playfab_party_put_uint(out, req->num[f]);
    }

    if (req->dpco != -1) {
        playfab_party_put_key(out, ",", "DirectPeerConnectivityOptions");
        name = playfab_dpco_names[req->dpco];
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
        name = playfab_revocability_names[revocability];
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


void
playfab_party_free(playfab_party_req_t *req)
{
    cJSON_Delete(req->root);
    free(req->entity_keys);

    playfab_party_init(req);
}
