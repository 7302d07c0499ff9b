/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The studio's policy for RequestPartyService: built from directive
 * arguments at configuration time, applied to a parsed request (region
 * allowlist, caps, defaults, forced values, required fields).
 */

#include <stdio.h>
#include <string.h>

#include "playfab_schema_int.h"


#define PLAYFAB_SHOWN_MAX        24   /* config text quoted in messages */


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


static const char  *const playfab_kind_names[] = {
    "default", "max", "force"
};


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
                 playfab_policy_field_name(f));
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
                 playfab_policy_field_name(field),
                 playfab_kind_names[kind]);
        return -1;
    }

    r = &playfab_nc_ranges[field];

    if (playfab_party_decimal(value, len, &v) != 0
        || v < r->min || v > r->max)
    {
        snprintf(err, errlen,
                 "\"%s\" %s \"%.*s\" must be an integer between %u and %u",
                 playfab_policy_field_name(field),
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
                 playfab_policy_field_name(field),
                 playfab_kind_names[kind]);
        return -1;
    }

    v = playfab_party_enum_lookup(e, value, len);

    if (v == -1) {
        snprintf(err, errlen, "\"%s\" %s \"%.*s\" must be one of the %s values",
                 playfab_policy_field_name(field),
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
                     playfab_region_name(region));
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
                     playfab_policy_field_name(f), (unsigned) np->def,
                     (unsigned) np->max);
            return -1;
        }

        if (np->has_force && np->force > np->max) {
            snprintf(err, errlen, "\"%s\" force %u is above its max %u",
                     playfab_policy_field_name(f), (unsigned) np->force,
                     (unsigned) np->max);
            return -1;
        }
    }

    return 0;
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
                               playfab_policy_field_name(field));
            playfab_error_set(err, "missing_field", path, "is required");
            return -1;
        }

        req->num[field] = np->def;
        req->has_num[field] = 1;
        return 0;
    }

    if (np->has_max && req->num[field] > np->max) {
        playfab_party_path(path, PLAYFAB_NC_PATH,
                           playfab_policy_field_name(field));
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
