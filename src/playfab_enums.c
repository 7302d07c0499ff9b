/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The enums of the RequestPartyService schema and of the policy fields:
 * name <-> index tables shared by the parser, the policy and the
 * serializer, and the schema's numeric ranges.
 */

#include <string.h>

#include "playfab_schema_int.h"


#define playfab_name(s)  { s, sizeof(s) - 1 }


static const char *playfab_party_enum_name(const playfab_party_enum_t *e,
    int value);


static const playfab_party_name_t  playfab_regions[PLAYFAB_REGION_COUNT] = {
    playfab_name("AustraliaEast"),
    playfab_name("AustraliaSoutheast"),
    playfab_name("BrazilSouth"),
    playfab_name("CentralUs"),
    playfab_name("EastAsia"),
    playfab_name("EastUs"),
    playfab_name("EastUs2"),
    playfab_name("JapanEast"),
    playfab_name("JapanWest"),
    playfab_name("NorthCentralUs"),
    playfab_name("NorthEurope"),
    playfab_name("SouthCentralUs"),
    playfab_name("SoutheastAsia"),
    playfab_name("WestEurope"),
    playfab_name("WestUs"),
    playfab_name("SouthAfricaNorth"),
    playfab_name("WestCentralUs"),
    playfab_name("KoreaCentral"),
    playfab_name("FranceCentral"),
    playfab_name("WestUs2"),
    playfab_name("CentralIndia"),
    playfab_name("UaeNorth"),
    playfab_name("UkSouth"),
    playfab_name("SwedenCentral"),
    playfab_name("CanadaCentral"),
    playfab_name("MexicoCentral")
};

static const playfab_party_name_t  playfab_dpco_names[] = {
    playfab_name("None"),
    playfab_name("SamePlatformType"),
    playfab_name("DifferentPlatformType"),
    playfab_name("AnyPlatformType"),
    playfab_name("SameEntityLoginProvider"),
    playfab_name("DifferentEntityLoginProvider"),
    playfab_name("AnyEntityLoginProvider"),
    playfab_name("AnyPlatformTypeAndEntityLoginProvider"),
    playfab_name("OnlyServers")
};

static const playfab_party_name_t  playfab_revocability_names[] = {
    playfab_name("Creator"),
    playfab_name("Anyone")
};

static const playfab_party_name_t  playfab_fields[PLAYFAB_POLICY_FIELDS] = {
    playfab_name("MaxUsers"),
    playfab_name("MaxDevices"),
    playfab_name("MaxUsersPerDevice"),
    playfab_name("MaxDevicesPerUser"),
    playfab_name("MaxEndpointsPerDevice"),
    playfab_name("DirectPeerConnectivityOptions"),
    playfab_name("Revocability")
};

const playfab_party_enum_t  playfab_party_regions_enum = {
    playfab_regions, PLAYFAB_REGION_COUNT, "AzureRegion"
};

const playfab_party_enum_t  playfab_party_dpco_enum = {
    playfab_dpco_names,
    sizeof(playfab_dpco_names) / sizeof(playfab_dpco_names[0]),
    "DirectPeerConnectivityOptions"
};

const playfab_party_enum_t  playfab_party_revocability_enum = {
    playfab_revocability_names,
    sizeof(playfab_revocability_names)
        / sizeof(playfab_revocability_names[0]),
    "PartyInvitationRevocability"
};

const playfab_party_enum_t  playfab_party_fields_enum = {
    playfab_fields, PLAYFAB_POLICY_FIELDS, "policy field"
};

/* the schema's ranges; "greater than 0" is bounded by uint32 */
const playfab_party_range_t  playfab_nc_ranges[PLAYFAB_NC_NUMERIC] = {
    { 1, UINT32_MAX },
    { 1, 128 },
    { 1, 8 },
    { 1, UINT32_MAX },
    { 0, 32 }
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


int
playfab_party_enum_lookup(const playfab_party_enum_t *e, const char *name,
    size_t len)
{
    int  i;

    if (len == 0) {
        return -1;
    }

    /* the length and the first byte, then the rest */

    for (i = 0; i < e->n; i++) {
        if (e->names[i].len == len
            && e->names[i].name[0] == name[0]
            && memcmp(e->names[i].name, name, len) == 0)
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

    return e->names[value].name;
}
