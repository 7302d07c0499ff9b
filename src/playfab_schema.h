/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The RequestPartyService request: parse the client's JSON, validate it
 * against PlayFab's schema, apply the studio's policy and serialize the
 * body sent to PlayFab.  Pure C, no nginx headers.
 */

#ifndef PLAYFAB_SCHEMA_H
#define PLAYFAB_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "playfab_json.h"


#define PLAYFAB_REGION_COUNT          26
#define PLAYFAB_IDENTIFIER_MAX        127
#define PLAYFAB_ENTITY_KEYS_MAX       1024
#define PLAYFAB_ENTITY_ID_MAX         128
#define PLAYFAB_ENTITY_TYPE_MAX       64
#define PLAYFAB_CUSTOM_TAGS_MAX       16
#define PLAYFAB_CUSTOM_TAG_MAX        256

/* EntityKeys held in the request itself; a longer list is allocated */
#define PLAYFAB_ENTITY_KEYS_INLINE    8


/* numeric NetworkConfiguration fields, in schema order */
typedef enum {
    PLAYFAB_NC_MAX_USERS = 0,
    PLAYFAB_NC_MAX_DEVICES,
    PLAYFAB_NC_MAX_USERS_PER_DEVICE,
    PLAYFAB_NC_MAX_DEVICES_PER_USER,
    PLAYFAB_NC_MAX_ENDPOINTS_PER_DEVICE,
    PLAYFAB_NC_NUMERIC
} playfab_nc_field_e;

/* policy-settable fields: the numeric ones, then these two enums */
#define PLAYFAB_POLICY_DPCO           PLAYFAB_NC_NUMERIC
#define PLAYFAB_POLICY_REVOCABILITY   (PLAYFAB_NC_NUMERIC + 1)
#define PLAYFAB_POLICY_FIELDS         (PLAYFAB_NC_NUMERIC + 2)

typedef enum {
    PLAYFAB_POLICY_DEFAULT = 0,     /* used when the client omits it */
    PLAYFAB_POLICY_MAX,             /* client value above it: refused */
    PLAYFAB_POLICY_FORCE            /* replaces whatever the client sent */
} playfab_policy_kind_e;


typedef struct {
    unsigned      has_default:1;
    unsigned      has_max:1;
    unsigned      has_force:1;
    uint32_t      def;
    uint32_t      max;
    uint32_t      force;
} playfab_num_policy_t;

/* built at configuration time, read-only at request time */
typedef struct {
    unsigned char         regions[PLAYFAB_REGION_COUNT]; /* allowlist, in
                                                           default order */
    size_t                nregions;                       /* 0: no policy */
    playfab_num_policy_t  num[PLAYFAB_NC_NUMERIC];
    int                   dpco_default;                   /* -1: unset */
    int                   dpco_force;
    int                   revocability_default;
    int                   revocability_force;
} playfab_party_policy_t;


typedef struct {
    const char   *id;
    size_t        id_len;
    const char   *type;        /* NULL when absent */
    size_t        type_len;
} playfab_entity_key_t;

typedef struct {
    const char   *key;
    size_t        key_len;
    const char   *value;
    size_t        value_len;
} playfab_custom_tag_t;

/*
 * A parsed and validated request.  Its strings point into the body it
 * was parsed from, which must stay as it is until playfab_party_free(),
 * or, for those the client escaped, into "scratch" (owned).
 */
typedef struct {
    char                  *scratch;         /* malloc'ed, NULL when the
                                               body has no escape */

    size_t                 nregions;        /* 0: client sent none */

    unsigned               has_num[PLAYFAB_NC_NUMERIC];
    uint32_t               num[PLAYFAB_NC_NUMERIC];

    int                    dpco;            /* -1: absent */

    unsigned               has_invitation:1;
    unsigned               has_entity_keys:1;
    const char            *identifier;      /* NULL: absent */
    size_t                 identifier_len;
    int                    revocability;    /* -1: absent */
    playfab_entity_key_t  *entity_keys;     /* inline_keys, or malloc'ed
                                               for a longer list */
    size_t                 nentity_keys;

    const char            *party_id;        /* NULL: absent */
    size_t                 party_id_len;

    unsigned               has_custom_tags:1;
    size_t                 ncustom_tags;

    /* arrays of which only the first nregions, ... entries are set */
    int                    regions[PLAYFAB_REGION_COUNT];
    playfab_custom_tag_t   custom_tags[PLAYFAB_CUSTOM_TAGS_MAX];

    playfab_entity_key_t   inline_keys[PLAYFAB_ENTITY_KEYS_INLINE];
} playfab_party_req_t;

/* what the server adds, never taken from the client */
typedef struct {
    const char   *playfab_id;          /* NULL: omit PlayFabId */
    size_t        playfab_id_len;
    const char   *bind_entity_id;      /* non-NULL: EntityKeys = [this],
                                          Revocability = Creator */
    size_t        bind_entity_id_len;
    const char   *bind_entity_type;
    size_t        bind_entity_type_len;
    const char   *request_id;          /* non-NULL: CustomTags.RequestId */
    size_t        request_id_len;
} playfab_party_extra_t;


/* name <-> index for the enums of the schema; lookups return -1 */
int playfab_region_lookup(const char *name, size_t len);
const char *playfab_region_name(int region);
int playfab_dpco_lookup(const char *name, size_t len);
const char *playfab_dpco_name(int dpco);
int playfab_revocability_lookup(const char *name, size_t len);
const char *playfab_revocability_name(int revocability);

/* "MaxUsers", ..., "DirectPeerConnectivityOptions", "Revocability" ->
 * 0 .. PLAYFAB_POLICY_FIELDS-1, or -1 */
int playfab_policy_field_lookup(const char *name, size_t len);
const char *playfab_policy_field_name(int field);

void playfab_party_policy_init(playfab_party_policy_t *pol);

/*
 * Configuration time: sets one policy value (a directive argument).
 * Returns 0, or -1 with a message in err naming the rule broken
 * (unknown field, value out of the schema's range, max on an enum, ...).
 */
int playfab_party_policy_set(playfab_party_policy_t *pol,
    playfab_policy_kind_e kind, const char *field, size_t field_len,
    const char *value, size_t value_len, char *err, size_t errlen);

/* "EastUs" etc. appended to the allowlist; -1 + err on unknown/dup */
int playfab_party_policy_add_region(playfab_party_policy_t *pol,
    const char *name, size_t len, char *err, size_t errlen);

/* whole-policy consistency: default or force above max; -1 + err */
int playfab_party_policy_check(const playfab_party_policy_t *pol,
    char *err, size_t errlen);

/*
 * Request time.  parse: JSON and schema (types, ranges, enums, lengths,
 * unknown and duplicate keys, UTF-8); body[0..len) must outlive req.
 * apply_policy: allowlist, caps, defaults, forced values, and the
 * required fields that no default supplied.  Both return 0, or -1 with err filled, or -2 on allocation
 * failure.  playfab_party_free() may be called after either.
 */
int playfab_party_parse(playfab_party_req_t *req, const char *body,
    size_t len, playfab_error_t *err);
int playfab_party_apply_policy(playfab_party_req_t *req,
    const playfab_party_policy_t *pol, playfab_error_t *err);

/* the JSON body for PlayFab; buf == NULL returns the length needed */
size_t playfab_party_serialize(const playfab_party_req_t *req,
    const playfab_party_extra_t *extra, char *buf);

void playfab_party_free(playfab_party_req_t *req);

#endif /* PLAYFAB_SCHEMA_H */
