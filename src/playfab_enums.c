/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The enums of the RequestPartyService schema and of the policy fields:
 * name <-> index tables shared by the parser, the policy and the
 * serializer, and the schema's numeric ranges.
 */

#include <string.h>

#include "playfab_schema_int.h"


static const char *playfab_party_enum_name(const playfab_party_enum_t *e,
    int value);


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

static const playfab_party_enum_t  playfab_party_regions_enum = {
    playfab_region_names, PLAYFAB_REGION_COUNT, "AzureRegion"
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

static const playfab_party_enum_t  playfab_party_fields_enum = {
    playfab_field_names, PLAYFAB_POLICY_FIELDS, "policy field"
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
