/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * PlayFab's error codes (shared/playfab-api/playfab-party-api.json, and
 * the two rate limits PlayFab answers any call with): see
 * playfab_errors.h.  docs/errors.md prints this table; t/unit checks
 * that it does.
 */

#include "playfab_errors.h"


const playfab_error_info_t  playfab_errors[PLAYFAB_NERRORS] = {

    /* the request: PlayFab's HTTP status decides (400, 404, 409) */
    { 1000, "InvalidParams",                         PLAYFAB_ERROR_BY_STATUS,
      0 },
    { 1071, "InvalidRequest",                        PLAYFAB_ERROR_BY_STATUS,
      0 },
    { 1431, "PartyError",                            PLAYFAB_ERROR_BY_STATUS,
      0 },
    { 1432, "PartyRequests",                         PLAYFAB_ERROR_BY_STATUS,
      0 },
    { 1433, "PartyNoContent",                        PLAYFAB_ERROR_BY_STATUS,
      0 },
    { 1434, "PartyBadRequest",                       PLAYFAB_ERROR_BY_STATUS,
      0 },
    { 6005, "PartySerializationError",               PLAYFAB_ERROR_BY_STATUS,
      0 },
    { 1437, "PartyNotFound",                         PLAYFAB_ERROR_REJECTED,
      404 },
    { 1438, "PartyConflict",                         PLAYFAB_ERROR_REJECTED,
      409 },

    /* the title is calling too often */
    { 1130, "APIRequestLimitExceeded",               PLAYFAB_ERROR_THROTTLED,
      0 },
    { 1199, "APIClientRequestRateLimitExceeded",     PLAYFAB_ERROR_THROTTLED,
      0 },
    { 1342, "APIConcurrentRequestLimitExceeded",     PLAYFAB_ERROR_THROTTLED,
      0 },
    { 1441, "PartyTooManyRequests",                  PLAYFAB_ERROR_THROTTLED,
      0 },
    { 1504, "PartyRequestsThrottledFromRateLimiter", PLAYFAB_ERROR_THROTTLED,
      0 },

    /* this service's credentials or title: the operator must act */
    { 1089, "NotAuthorized",                     PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 1191, "NotAuthorizedByTitle",              PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 1004, "InvalidTitleId",                    PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 1347, "TitleDeleted",                      PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 1334, "EntityTokenMissing",                PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 1335, "EntityTokenInvalid",                PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 1336, "EntityTokenExpired",                PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 1337, "EntityTokenRevoked",                PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 1435, "PartyUnauthorized",                 PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 1436, "PartyForbidden",                    PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 6000, "TitleNotEnabledForParty",           PLAYFAB_ERROR_CONFIGURATION,
      0 },
    { 6001, "PartyVersionNotFound",              PLAYFAB_ERROR_CONFIGURATION,
      0 },

    /* PlayFab cannot serve now */
    { 1123, "ServiceUnavailable",                  PLAYFAB_ERROR_UNAVAILABLE,
      0 },
    { 1127, "DownstreamServiceUnavailable",        PLAYFAB_ERROR_UNAVAILABLE,
      0 },
    { 1439, "PartyInternalServerError",            PLAYFAB_ERROR_UNAVAILABLE,
      0 },
    { 1440, "PartyUnavailable",                    PLAYFAB_ERROR_UNAVAILABLE,
      0 },
    { 500,  "UnkownError",                         PLAYFAB_ERROR_UNAVAILABLE,
      0 }
};

static const char  *playfab_error_problems[] = {
    NULL, "playfab_rejected", "playfab_throttled", "playfab_configuration",
    "playfab_unavailable"
};


const playfab_error_info_t *
playfab_error_find(int code)
{
    size_t  i;

    i = playfab_error_index(code);

    return (i < PLAYFAB_NERRORS) ? &playfab_errors[i] : NULL;
}


size_t
playfab_error_index(int code)
{
    size_t  i;

    for (i = 0; i < PLAYFAB_NERRORS; i++) {
        if (playfab_errors[i].code == code) {
            break;
        }
    }

    return i;
}


const char *
playfab_error_problem(playfab_error_class_e class)
{
    return playfab_error_problems[class];
}
