/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests of playfab_schema.c: the RequestPartyService request parsed
 * against PlayFab's schema, the studio's policy, the body serialized for
 * PlayFab.  Bodies are copied to buffers of their exact size, without a
 * terminating NUL, so that AddressSanitizer reports any read past the end;
 * a request points into its body, which is kept until the next parse.
 */

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "playfab_schema.h"
#include "unit.h"


#define NC_FULL                                                              \
    "\"MaxUsers\":16,\"MaxDevices\":8,\"MaxUsersPerDevice\":2,"              \
    "\"MaxDevicesPerUser\":2,\"MaxEndpointsPerDevice\":4"

#define BODY_MIN                                                             \
    "{\"PreferredRegions\":[\"EastUs\"],\"NetworkConfiguration\":{"         \
    NC_FULL "}}"

#define REFUSED     "(any error)"

#define LONGEST_POLICY_ERROR                                                 \
    "\"DirectPeerConnectivityOptions\" force \"AnyPlatformTypeAndEntity\" "  \
    "must be one of the DirectPeerConnectivityOptions values"
#define PIC_PATH    "NetworkConfiguration.PartyInvitationConfiguration"
#define KEYS_PATH   PIC_PATH ".EntityKeys"
#define GUID        "23781fa9-e01e-4b29-4f0b-dd9f37a06a1e"

#define FAILS(body, code, field)                                             \
    CHECK(parse_fails(body, strlen(body), code, field, NULL))
#define FAILS_RULE(body, code, field, rule)                                  \
    CHECK(parse_fails(body, strlen(body), code, field, rule))
#define PASSES(body)                                                         \
    CHECK(parse_passes(body, strlen(body)))


typedef struct {
    const char  *name;
    const char  *below;
    const char  *min;
    const char  *max;
    const char  *above;
    const char  *rule;
} range_case_t;


static int parse_copy(playfab_party_req_t *req, const char *body,
    size_t len, playfab_error_t *err);
static int parse_str(playfab_party_req_t *req, const char *body,
    playfab_error_t *err);
static int parse_fails(const char *body, size_t len, const char *code,
    const char *field, const char *rule);
static int parse_passes(const char *body, size_t len);
static const char *wrap(char *buf, size_t size, const char *fmt,
    const char *inner);
static const char *nc(char *buf, size_t size, const char *inner);
static const char *pic(char *buf, size_t size, const char *inner);
static const char *tags(char *buf, size_t size, const char *inner);
static char *repeat(char *buf, const char *unit, size_t n);
static char *keys_body(size_t n, const char *key);
static int prepare(playfab_party_req_t *req, const char *body,
    const playfab_party_policy_t *pol, playfab_error_t *err);
static int apply_fails(const char *body, const playfab_party_policy_t *pol,
    const char *code, const char *field, const char *rule);
static char *serialize(const playfab_party_req_t *req,
    const playfab_party_extra_t *extra);
static int serialized(const char *body, const playfab_party_policy_t *pol,
    const playfab_party_extra_t *extra, const char *want);
static int policy_set(playfab_party_policy_t *pol,
    playfab_policy_kind_e kind, const char *field, const char *value,
    const char *want_err);
static const cJSON *path(const cJSON *root, const char *a, const char *b,
    const char *c);

static void test_enums(void);
static void test_malformed(void);
static void test_lexical(void);
static void test_escaped_values(void);
static void test_unknown(void);
static void test_duplicate(void);
static void test_regions(void);
static void test_numbers(void);
static void test_number_forms(void);
static void test_dpco(void);
static void test_invitation(void);
static void test_identifier(void);
static void test_entity_keys(void);
static void test_party_id(void);
static void test_custom_tags(void);
static void test_parsed_values(void);
static void test_policy_set(void);
static void test_policy_regions(void);
static void test_policy_check(void);
static void test_apply_regions(void);
static void test_apply_numbers(void);
static void test_apply_enums(void);
static void test_serialize_exact(void);
static void test_serialize_bind(void);
static void test_serialize_tags(void);
static void test_serialize_escaping(void);
static void test_serialize_round_trip(void);
static void test_serialize_length(void);
static void test_free(void);


static char  *held;          /* the body of the last request parsed */

static const range_case_t  ranges[PLAYFAB_NC_NUMERIC] = {
    { "MaxUsers", "0", "1", "4294967295", "4294967296",
      "must be an integer between 1 and 4294967295" },
    { "MaxDevices", "0", "1", "128", "129",
      "must be an integer between 1 and 128" },
    { "MaxUsersPerDevice", "0", "1", "8", "9",
      "must be an integer between 1 and 8" },
    { "MaxDevicesPerUser", "0", "1", "4294967295", "4294967296",
      "must be an integer between 1 and 4294967295" },
    { "MaxEndpointsPerDevice", "-1", "0", "32", "33",
      "must be an integer between 0 and 32" }
};


int
main(void)
{
    test_enums();
    test_malformed();
    test_lexical();
    test_escaped_values();
    test_unknown();
    test_duplicate();
    test_regions();
    test_numbers();
    test_number_forms();
    test_dpco();
    test_invitation();
    test_identifier();
    test_entity_keys();
    test_party_id();
    test_custom_tags();
    test_parsed_values();
    test_policy_set();
    test_policy_regions();
    test_policy_check();
    test_apply_regions();
    test_apply_numbers();
    test_apply_enums();
    test_serialize_exact();
    test_serialize_bind();
    test_serialize_tags();
    test_serialize_escaping();
    test_serialize_round_trip();
    test_serialize_length();
    test_free();

    free(held);

    return UNIT_DONE();
}


static int
parse_copy(playfab_party_req_t *req, const char *body, size_t len,
    playfab_error_t *err)
{
    int    rc;
    char  *copy;

    copy = malloc(len ? len : 1);
    if (copy == NULL) {
        abort();
    }

    memcpy(copy, body, len);
    memset(err, 0, sizeof(playfab_error_t));

    rc = playfab_party_parse(req, copy, len, err);

    free(held);
    held = copy;

    return rc;
}


static int
parse_str(playfab_party_req_t *req, const char *body, playfab_error_t *err)
{
    return parse_copy(req, body, strlen(body), err);
}


static int
parse_fails(const char *body, size_t len, const char *code,
    const char *field, const char *rule)
{
    int                  rc, ok;
    playfab_error_t      err;
    playfab_party_req_t  req;

    rc = parse_copy(&req, body, len, &err);

    ok = (rc == -1 && err.code != NULL && strcmp(err.code, code) == 0
          && strcmp(err.field, field) == 0
          && (rule == NULL || strcmp(err.rule, rule) == 0));

    if (!ok) {
        printf("# %.*s\n#   rc %d, %s \"%s\" \"%s\"\n",
               (int) (len > 200 ? 200 : len), body, rc,
               err.code ? err.code : "(no code)", err.field, err.rule);
    }

    playfab_party_free(&req);

    return ok;
}


static int
parse_passes(const char *body, size_t len)
{
    int                  rc;
    playfab_error_t      err;
    playfab_party_req_t  req;

    rc = parse_copy(&req, body, len, &err);

    if (rc != 0) {
        printf("# %.*s\n#   rc %d, %s \"%s\" \"%s\"\n",
               (int) (len > 200 ? 200 : len), body, rc,
               err.code ? err.code : "(no code)", err.field, err.rule);
    }

    playfab_party_free(&req);

    return rc == 0;
}


static const char *
wrap(char *buf, size_t size, const char *fmt, const char *inner)
{
    snprintf(buf, size, fmt, inner);

    return buf;
}


static const char *
nc(char *buf, size_t size, const char *inner)
{
    return wrap(buf, size, "{\"NetworkConfiguration\":{%s}}", inner);
}


static const char *
pic(char *buf, size_t size, const char *inner)
{
    return wrap(buf, size,
                "{\"NetworkConfiguration\":"
                "{\"PartyInvitationConfiguration\":{%s}}}", inner);
}


static const char *
tags(char *buf, size_t size, const char *inner)
{
    return wrap(buf, size, "{\"CustomTags\":{%s}}", inner);
}


/* buf must hold n copies of unit and a NUL */

static char *
repeat(char *buf, const char *unit, size_t n)
{
    size_t  i, len;

    len = strlen(unit);

    for (i = 0; i < n; i++) {
        memcpy(buf + i * len, unit, len);
    }

    buf[n * len] = '\0';

    return buf;
}


/* a body whose EntityKeys has n copies of key */

static char *
keys_body(size_t n, const char *key)
{
    char    *body, *p;
    size_t   i, klen;

    klen = strlen(key);
    body = malloc(100 + n * (klen + 1));
    if (body == NULL) {
        abort();
    }

    p = body + sprintf(body, "{\"NetworkConfiguration\":"
                             "{\"PartyInvitationConfiguration\":"
                             "{\"EntityKeys\":[");

    for (i = 0; i < n; i++) {
        if (i) {
            *p++ = ',';
        }

        memcpy(p, key, klen);
        p += klen;
    }

    strcpy(p, "]}}}");

    return body;
}


static int
prepare(playfab_party_req_t *req, const char *body,
    const playfab_party_policy_t *pol, playfab_error_t *err)
{
    int  rc;

    rc = parse_copy(req, body, strlen(body), err);

    if (rc == 0) {
        rc = playfab_party_apply_policy(req, pol, err);
    }

    return rc;
}


static int
apply_fails(const char *body, const playfab_party_policy_t *pol,
    const char *code, const char *field, const char *rule)
{
    int                  rc, ok;
    playfab_error_t      err;
    playfab_party_req_t  req;

    rc = prepare(&req, body, pol, &err);

    ok = (rc == -1 && err.code != NULL && strcmp(err.code, code) == 0
          && strcmp(err.field, field) == 0
          && (rule == NULL || strcmp(err.rule, rule) == 0));

    if (!ok) {
        printf("# %s\n#   rc %d, %s \"%s\" \"%s\"\n", body, rc,
               err.code ? err.code : "(no code)", err.field, err.rule);
    }

    playfab_party_free(&req);

    return ok;
}


/*
 * Serializes twice: the count and the writing must agree, and nothing is
 * written past the counted length (no NUL either).  Returns a C string.
 */

static char *
serialize(const playfab_party_req_t *req, const playfab_party_extra_t *extra)
{
    char    *buf;
    size_t   need, n;

    need = playfab_party_serialize(req, extra, NULL);

    buf = malloc(need + 1);
    if (buf == NULL) {
        abort();
    }

    buf[need] = '#';
    n = playfab_party_serialize(req, extra, buf);

    CHECK(n == need);
    CHECK(buf[need] == '#');

    buf[need] = '\0';

    return buf;
}


static int
serialized(const char *body, const playfab_party_policy_t *pol,
    const playfab_party_extra_t *extra, const char *want)
{
    int                  ok;
    char                *out;
    playfab_error_t      err;
    playfab_party_req_t  req;

    if (prepare(&req, body, pol, &err) != 0) {
        printf("# %s\n#   %s \"%s\" \"%s\"\n", body, err.code, err.field,
               err.rule);
        playfab_party_free(&req);
        return 0;
    }

    out = serialize(&req, extra);
    ok = (strcmp(out, want) == 0);

    if (!ok) {
        printf("# got  %s\n# want %s\n", out, want);
    }

    free(out);
    playfab_party_free(&req);

    return ok;
}


/* want_err: NULL for success, REFUSED for any error, or the message */

static int
policy_set(playfab_party_policy_t *pol, playfab_policy_kind_e kind,
    const char *field, const char *value, const char *want_err)
{
    int   rc, ok;
    char  err[256];

    err[0] = '\0';

    rc = playfab_party_policy_set(pol, kind, field, strlen(field), value,
                                  strlen(value), err, sizeof(err));

    if (want_err == NULL) {
        ok = (rc == 0);

    } else {
        ok = (rc == -1 && (strcmp(want_err, REFUSED) == 0
                           || strcmp(err, want_err) == 0));
    }

    if (!ok) {
        printf("# policy %s %s: rc %d \"%s\"\n", field, value, rc, err);
    }

    return ok;
}


static const cJSON *
path(const cJSON *root, const char *a, const char *b, const char *c)
{
    const cJSON  *item;

    item = cJSON_GetObjectItemCaseSensitive(root, a);

    if (b) {
        item = cJSON_GetObjectItemCaseSensitive(item, b);
    }

    if (c) {
        item = cJSON_GetObjectItemCaseSensitive(item, c);
    }

    return item;
}


static void
test_enums(void)
{
    CHECK(playfab_region_lookup("AustraliaEast", 13) == 0);
    CHECK(playfab_region_lookup("MexicoCentral", 13) == 25);
    CHECK(playfab_region_lookup("EastUs", 6) == 5);
    CHECK(playfab_region_lookup("EastUs2", 7) == 6);
    CHECK(playfab_region_lookup("EastUs2", 6) == 5);
    CHECK(playfab_region_lookup("eastus", 6) == -1);
    CHECK(playfab_region_lookup("", 0) == -1);
    CHECK_STR(playfab_region_name(0), "AustraliaEast");
    CHECK_STR(playfab_region_name(PLAYFAB_REGION_COUNT - 1), "MexicoCentral");
    CHECK(playfab_region_name(PLAYFAB_REGION_COUNT) == NULL);
    CHECK(playfab_region_name(-1) == NULL);

    CHECK(playfab_dpco_lookup("None", 4) == 0);
    CHECK(playfab_dpco_lookup("OnlyServers", 11) == 8);
    CHECK(playfab_dpco_lookup("none", 4) == -1);
    CHECK_STR(playfab_dpco_name(3), "AnyPlatformType");
    CHECK(playfab_dpco_name(9) == NULL);

    CHECK(playfab_revocability_lookup("Creator", 7) == 0);
    CHECK(playfab_revocability_lookup("Anyone", 6) == 1);
    CHECK(playfab_revocability_lookup("Anyon", 5) == -1);
    CHECK_STR(playfab_revocability_name(1), "Anyone");
    CHECK(playfab_revocability_name(2) == NULL);

    CHECK(playfab_policy_field_lookup("MaxUsers", 8) == PLAYFAB_NC_MAX_USERS);
    CHECK(playfab_policy_field_lookup("MaxEndpointsPerDevice", 21)
          == PLAYFAB_NC_MAX_ENDPOINTS_PER_DEVICE);
    CHECK(playfab_policy_field_lookup("DirectPeerConnectivityOptions", 29)
          == PLAYFAB_POLICY_DPCO);
    CHECK(playfab_policy_field_lookup("Revocability", 12)
          == PLAYFAB_POLICY_REVOCABILITY);
    CHECK(playfab_policy_field_lookup("PartyId", 7) == -1);
    CHECK_STR(playfab_policy_field_name(PLAYFAB_NC_MAX_DEVICES),
              "MaxDevices");
    CHECK(playfab_policy_field_name(PLAYFAB_POLICY_FIELDS) == NULL);
}


static void
test_malformed(void)
{
    char                 buf[256];
    playfab_error_t      err;
    playfab_party_req_t  req;

    /* no body at all, as nginx may hand it over */
    CHECK(playfab_party_parse(&req, NULL, 0, &err) == -1);
    CHECK_STR(err.code, "malformed_json");
    playfab_party_free(&req);

    FAILS_RULE("", "malformed_json", "", "must be valid JSON");
    FAILS(" ", "malformed_json", "");
    FAILS("{", "malformed_json", "");
    FAILS("{\"PartyId\":}", "malformed_json", "");
    FAILS("{\"a\" 1}", "malformed_json", "");
    FAILS("{'PartyId':1}", "malformed_json", "");
    FAILS("{\"PartyId\":\"x\",}", "malformed_json", "");
    FAILS("{\"PartyId\":\"\\x\"}", "malformed_json", "");
    FAILS("{\"PartyId\":\"\\ud800\"}", "malformed_json", "");
    FAILS("{\"PartyId\":\"\\udc00\"}", "malformed_json", "");
    FAILS("{\"PartyId\":\"abc", "malformed_json", "");
    FAILS("{\"PartyId\":tru}", "malformed_json", "");

    /* the top level must be an object */
    FAILS_RULE("[]", "malformed_json", "", "must be a JSON object");
    FAILS_RULE("\"EastUs\"", "malformed_json", "", "must be a JSON object");
    FAILS("1", "malformed_json", "");
    FAILS("null", "malformed_json", "");
    FAILS("true", "malformed_json", "");

    /* nothing but blanks after the value */
    FAILS("{}}", "malformed_json", "");
    FAILS("{} x", "malformed_json", "");
    FAILS("{}{}", "malformed_json", "");
    FAILS("{}\"", "malformed_json", "");
    CHECK(parse_fails("{}\0", 3, "malformed_json", "", NULL));
    PASSES("{}");
    PASSES(" \t\r\n{} \t\r\n");
    PASSES("\xef\xbb\xbf{}");

    /* the length is honoured: no NUL needed, what follows is not read */
    CHECK(parse_passes(BODY_MIN "garbage", sizeof(BODY_MIN) - 1));
    CHECK(parse_passes("{}}}}", 2));

    /* nesting: 8 levels are parsed, 9 are refused before cJSON */
    FAILS_RULE(nc(buf, sizeof(buf), "\"MaxUsers\":[[[[[[1]]]]]]"),
               "invalid_value", "NetworkConfiguration.MaxUsers",
               "must be an integer between 1 and 4294967295");
    FAILS_RULE(nc(buf, sizeof(buf), "\"MaxUsers\":[[[[[[[1]]]]]]]"),
               "malformed_json", "", "must not nest deeper than 8 levels");
    FAILS("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "malformed_json", "");

    /* brackets inside strings do not count */
    PASSES(tags(buf, sizeof(buf), "\"a\":\"[[[[[[[[[[[[{{{{{{{{\""));
}


static void
test_lexical(void)
{
    char  buf[256];

    /* numbers cJSON would take but JSON does not */
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":01"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":-01"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":00"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":1."), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":1.e2"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":1e"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":1e+"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":-"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":--1"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":+1"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":.5"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":1.5.3"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":1e5e3"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":1-2"), "malformed_json", "");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":0x10"), "malformed_json", "");

    /* control bytes: JSON has only four blanks, and none in strings */
    FAILS("{\v}", "malformed_json", "");
    FAILS("{\f}", "malformed_json", "");
    CHECK(parse_fails("{\0}", 3, "malformed_json", "", NULL));
    CHECK(parse_fails("\0{}", 3, "malformed_json", "", NULL));
    FAILS("{\"PartyId\":\"a\tb\"}", "malformed_json", "");
    FAILS("{\"Party\nId\":1}", "malformed_json", "");
    CHECK(parse_fails("{\"PartyId\":\"a\0b\"}", 17, "malformed_json", "",
                      NULL));

    /* U+0000 would cut the string short in cJSON: refused outright */
    FAILS_RULE("{\"PreferredRegions\":[\"EastUs\\u0000x\"]}",
               "invalid_value", "",
               "must not contain the character U+0000");
    FAILS("{\"PlayFabId\\u0000\":1}", "invalid_value", "");

    /* ... but an escaped backslash followed by "u0000" is plain text */
    PASSES(tags(buf, sizeof(buf), "\"a\":\"\\\\u0000\""));

    /* other escapes decode and are then checked as text */
    FAILS(tags(buf, sizeof(buf), "\"a\":\"\\u0001\""), "invalid_value",
          "CustomTags.a");
    PASSES(tags(buf, sizeof(buf), "\"a\":\"\\u00e9\\ud83d\\ude00\\/\""));

    /* "\u" needs four hexadecimal digits (cJSON read "\uZZZZ" as U+0000) */
    FAILS_RULE(tags(buf, sizeof(buf), "\"a\":\"x\\uZZZZ\""),
               "malformed_json", "", "must be valid JSON");
    FAILS(tags(buf, sizeof(buf), "\"a\":\"x\\u00e\""), "malformed_json", "");
    FAILS(tags(buf, sizeof(buf), "\"a\":\"\\ud83d\\u0041\""),
          "malformed_json", "");
    FAILS(tags(buf, sizeof(buf), "\"a\":\"\\U00e9\""), "malformed_json", "");

    /* keys are compared decoded: escaped names are the same names */
    PASSES("{\"Party\\u0049d\":\"" GUID "\"}");
    FAILS("{\"PartyId\":\"" GUID "\",\"Party\\u0049d\":\"" GUID "\"}",
          "duplicate_field", "PartyId");
    FAILS(tags(buf, sizeof(buf), "\"ab\":\"1\",\"a\\u0062\":\"2\""),
          "duplicate_field", "CustomTags.ab");
    FAILS(tags(buf, sizeof(buf), "\"Request\\u0049d\":\"r\""),
          "invalid_value", "CustomTags.RequestId");
}


static void
test_escaped_values(void)
{
    char                 buf[256];
    playfab_error_t      err;
    playfab_party_req_t  req;

    /* decoded into the request's own copy; the body is left as it is */
    nc(buf, sizeof(buf), "\"PartyInvitationConfiguration\":{"
                         "\"Identifier\":\"a\\\"b\\u00e9\","
                         "\"EntityKeys\":[{\"Id\":\"\\/x\","
                         "\"Type\":\"t\"}]},\"Max\\u0055sers\":3");
    CHECK(parse_str(&req, buf, &err) == 0);
    CHECK(req.scratch != NULL);
    CHECK(req.identifier_len == 5
          && memcmp(req.identifier, "a\"b\xc3\xa9", 5) == 0);
    CHECK(req.nentity_keys == 1 && req.entity_keys[0].id_len == 2
          && memcmp(req.entity_keys[0].id, "/x", 2) == 0
          && req.entity_keys[0].type_len == 1
          && req.entity_keys[0].type[0] == 't');
    CHECK(req.has_num[PLAYFAB_NC_MAX_USERS]
          && req.num[PLAYFAB_NC_MAX_USERS] == 3);
    CHECK(held != NULL && strstr(held, "a\\\"b\\u00e9") != NULL);
    playfab_party_free(&req);

    /* nothing escaped: nothing copied, strings point into the body */
    CHECK(parse_str(&req, "{\"PartyId\":\"" GUID "\"}", &err) == 0);
    CHECK(req.scratch == NULL && req.party_id == held + 12);
    playfab_party_free(&req);
}


static void
test_unknown(void)
{
    char  buf[512], key[200];

    FAILS_RULE("{\"Foo\":1}", "unknown_field", "Foo",
               "is not a field of RequestPartyServiceRequest");
    FAILS_RULE("{\"PlayFabId\":\"ABC\"}", "unknown_field", "PlayFabId",
               "is set by the server from the caller's identity");
    FAILS_RULE("{\"TitleId\":\"12345\"}", "unknown_field", "TitleId",
               "is set by the server from its configuration");
    FAILS("{\"preferredRegions\":[\"EastUs\"]}", "unknown_field",
          "preferredRegions");
    FAILS("{\"PreferredRegions\":[\"EastUs\"],\"X\":null}", "unknown_field",
          "X");

    FAILS_RULE(nc(buf, sizeof(buf), "\"MaxPlayers\":4"), "unknown_field",
               "NetworkConfiguration.MaxPlayers",
               "is not a field of PartyNetworkConfiguration");
    FAILS(nc(buf, sizeof(buf), "\"PlayFabId\":\"A\""), "unknown_field",
          "NetworkConfiguration.PlayFabId");
    FAILS_RULE(pic(buf, sizeof(buf), "\"Id\":\"x\""), "unknown_field",
               PIC_PATH ".Id",
               "is not a field of PartyInvitationConfiguration");
    FAILS_RULE(pic(buf, sizeof(buf), "\"EntityKeys\":[{\"Id\":\"a\"},"
                                     "{\"Id\":\"b\",\"Name\":\"c\"}]"),
               "unknown_field", KEYS_PATH "[1].Name",
               "is not a field of EntityKey");

    /* the field is always printable ASCII, cut to fit */
    FAILS("{\"\xc3\xa9t\xc3\xa9\":1}", "unknown_field", "??t??");
    FAILS("{\"a\\nb\\\"c\":1}", "unknown_field", "a?b\"c");

    snprintf(buf, sizeof(buf), "{\"%s\":1}", repeat(key, "k", 150));
    key[sizeof(((playfab_error_t *) 0)->field) - 1] = '\0';
    FAILS(buf, "unknown_field", key);
}


static void
test_duplicate(void)
{
    char  buf[512];

    FAILS_RULE("{\"PreferredRegions\":[\"EastUs\"],"
               "\"PreferredRegions\":[\"WestUs\"]}",
               "duplicate_field", "PreferredRegions",
               "must appear only once");
    FAILS("{\"PartyId\":\"" GUID "\",\"PartyId\":\"" GUID "\"}",
          "duplicate_field", "PartyId");
    FAILS("{\"CustomTags\":{},\"CustomTags\":{}}", "duplicate_field",
          "CustomTags");
    FAILS("{\"NetworkConfiguration\":{},\"NetworkConfiguration\":{}}",
          "duplicate_field", "NetworkConfiguration");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":4,\"MaxDevices\":4,"
                               "\"MaxUsers\":4"),
          "duplicate_field", "NetworkConfiguration.MaxUsers");
    FAILS(nc(buf, sizeof(buf), "\"DirectPeerConnectivityOptions\":\"None\","
                               "\"DirectPeerConnectivityOptions\":\"None\""),
          "duplicate_field",
          "NetworkConfiguration.DirectPeerConnectivityOptions");
    FAILS(pic(buf, sizeof(buf), "\"Identifier\":\"a\",\"Identifier\":\"b\""),
          "duplicate_field", PIC_PATH ".Identifier");
    FAILS(pic(buf, sizeof(buf), "\"EntityKeys\":[{\"Id\":\"a\","
                                "\"Type\":\"t\",\"Id\":\"b\"}]"),
          "duplicate_field", KEYS_PATH "[0].Id");
    FAILS(tags(buf, sizeof(buf), "\"a\":\"1\",\"b\":\"2\",\"a\":\"1\""),
          "duplicate_field", "CustomTags.a");

    /* same name, different case: different keys */
    PASSES(tags(buf, sizeof(buf), "\"a\":\"1\",\"A\":\"2\""));
}


static void
test_regions(void)
{
    int                  i;
    char                 buf[1024], *p;
    playfab_error_t      err;
    playfab_party_req_t  req;

    FAILS_RULE("{\"PreferredRegions\":[]}", "invalid_value",
               "PreferredRegions",
               "must be an array of 1 to 26 AzureRegion values");
    FAILS("{\"PreferredRegions\":\"EastUs\"}", "invalid_value",
          "PreferredRegions");
    FAILS("{\"PreferredRegions\":null}", "invalid_value", "PreferredRegions");
    FAILS("{\"PreferredRegions\":{\"EastUs\":1}}", "invalid_value",
          "PreferredRegions");
    FAILS_RULE("{\"PreferredRegions\":[\"EastUs\",\"Mars\"]}",
               "invalid_value", "PreferredRegions[1]",
               "must be one of the AzureRegion values");
    FAILS("{\"PreferredRegions\":[\"eastus\"]}", "invalid_value",
          "PreferredRegions[0]");
    FAILS("{\"PreferredRegions\":[\"EastUs \"]}", "invalid_value",
          "PreferredRegions[0]");
    FAILS("{\"PreferredRegions\":[5]}", "invalid_value",
          "PreferredRegions[0]");
    FAILS("{\"PreferredRegions\":[[\"EastUs\"]]}", "invalid_value",
          "PreferredRegions[0]");
    FAILS_RULE("{\"PreferredRegions\":[\"EastUs\",\"WestUs\",\"EastUs\"]}",
               "invalid_value", "PreferredRegions[2]",
               "must not repeat a region");
    PASSES("{\"PreferredRegions\":[\"EastUs\",\"EastUs2\"]}");

    /* all 26 in the enum's reverse order; a 27th is one too many */
    p = buf + sprintf(buf, "{\"PreferredRegions\":[");

    for (i = PLAYFAB_REGION_COUNT - 1; i >= 0; i--) {
        p += sprintf(p, "\"%s\",", playfab_region_name(i));
    }

    strcpy(p - 1, "]}");

    CHECK(parse_str(&req, buf, &err) == 0);
    CHECK(req.nregions == PLAYFAB_REGION_COUNT);
    CHECK(req.regions[0] == PLAYFAB_REGION_COUNT - 1);
    CHECK(req.regions[PLAYFAB_REGION_COUNT - 1] == 0);
    playfab_party_free(&req);

    strcpy(p - 1, ",\"EastUs\"]}");
    FAILS(buf, "invalid_value", "PreferredRegions");
}


static void
test_numbers(void)
{
    int                  i;
    char                 inner[128], buf[256];
    playfab_error_t      err;
    playfab_party_req_t  req;

    for (i = 0; i < PLAYFAB_NC_NUMERIC; i++) {
        snprintf(buf, sizeof(buf), "NetworkConfiguration.%s",
                 ranges[i].name);

        snprintf(inner, sizeof(inner), "\"%s\":%s", ranges[i].name,
                 ranges[i].below);
        FAILS_RULE(nc(buf + 100, sizeof(buf) - 100, inner), "invalid_value",
                   buf, ranges[i].rule);

        snprintf(inner, sizeof(inner), "\"%s\":%s", ranges[i].name,
                 ranges[i].above);
        FAILS_RULE(nc(buf + 100, sizeof(buf) - 100, inner), "invalid_value",
                   buf, ranges[i].rule);

        snprintf(inner, sizeof(inner), "\"%s\":%s", ranges[i].name,
                 ranges[i].min);
        nc(buf + 100, sizeof(buf) - 100, inner);
        CHECK(parse_copy(&req, buf + 100, strlen(buf + 100), &err) == 0);
        CHECK(req.has_num[i] && req.num[i] == strtoul(ranges[i].min, NULL,
                                                      10));
        playfab_party_free(&req);

        snprintf(inner, sizeof(inner), "\"%s\":%s", ranges[i].name,
                 ranges[i].max);
        nc(buf + 100, sizeof(buf) - 100, inner);
        CHECK(parse_copy(&req, buf + 100, strlen(buf + 100), &err) == 0);
        CHECK(req.has_num[i] && req.num[i] == strtoul(ranges[i].max, NULL,
                                                      10));
        playfab_party_free(&req);
    }

    /* optional at parse time: the policy decides what is missing */
    CHECK(parse_str(&req, "{\"NetworkConfiguration\":{}}", &err) == 0);
    CHECK(!req.has_num[0] && !req.has_num[4]);
    playfab_party_free(&req);

    FAILS_RULE("{\"NetworkConfiguration\":[]}", "invalid_value",
               "NetworkConfiguration", "must be an object");
    FAILS("{\"NetworkConfiguration\":\"x\"}", "invalid_value",
          "NetworkConfiguration");
    FAILS("{\"NetworkConfiguration\":null}", "invalid_value",
          "NetworkConfiguration");
}


static void
test_number_forms(void)
{
    char                 buf[256];
    playfab_error_t      err;
    playfab_party_req_t  req;

    /* not numbers */
    FAILS(nc(buf, sizeof(buf), "\"MaxDevices\":\"8\""), "invalid_value",
          "NetworkConfiguration.MaxDevices");
    FAILS(nc(buf, sizeof(buf), "\"MaxDevices\":true"), "invalid_value",
          "NetworkConfiguration.MaxDevices");
    FAILS(nc(buf, sizeof(buf), "\"MaxDevices\":null"), "invalid_value",
          "NetworkConfiguration.MaxDevices");
    FAILS(nc(buf, sizeof(buf), "\"MaxDevices\":[8]"), "invalid_value",
          "NetworkConfiguration.MaxDevices");

    /* fractions, infinities, beyond uint32 */
    FAILS(nc(buf, sizeof(buf), "\"MaxDevices\":1.5"), "invalid_value",
          "NetworkConfiguration.MaxDevices");
    FAILS(nc(buf, sizeof(buf), "\"MaxDevices\":8.000001"), "invalid_value",
          "NetworkConfiguration.MaxDevices");
    FAILS(nc(buf, sizeof(buf), "\"MaxDevices\":1e-1"), "invalid_value",
          "NetworkConfiguration.MaxDevices");
    FAILS(nc(buf, sizeof(buf), "\"MaxDevices\":15e-1"), "invalid_value",
          "NetworkConfiguration.MaxDevices");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":1e400"), "invalid_value",
          "NetworkConfiguration.MaxUsers");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":-1e400"), "invalid_value",
          "NetworkConfiguration.MaxUsers");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":1e10"), "invalid_value",
          "NetworkConfiguration.MaxUsers");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":4294967295.5"),
          "invalid_value", "NetworkConfiguration.MaxUsers");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":18446744073709551617"),
          "invalid_value", "NetworkConfiguration.MaxUsers");
    FAILS(nc(buf, sizeof(buf), "\"MaxUsers\":-4294967295"),
          "invalid_value", "NetworkConfiguration.MaxUsers");

    /* integral values written with an exponent or a zero fraction */
    nc(buf, sizeof(buf), "\"MaxUsers\":1e2,\"MaxDevices\":1.0,"
                         "\"MaxUsersPerDevice\":0.8e1,"
                         "\"MaxDevicesPerUser\":4.294967295E9,"
                         "\"MaxEndpointsPerDevice\":-0");
    CHECK(parse_str(&req, buf, &err) == 0);
    CHECK(req.num[PLAYFAB_NC_MAX_USERS] == 100);
    CHECK(req.num[PLAYFAB_NC_MAX_DEVICES] == 1);
    CHECK(req.num[PLAYFAB_NC_MAX_USERS_PER_DEVICE] == 8);
    CHECK(req.num[PLAYFAB_NC_MAX_DEVICES_PER_USER] == 4294967295u);
    CHECK(req.num[PLAYFAB_NC_MAX_ENDPOINTS_PER_DEVICE] == 0);
    playfab_party_free(&req);
}


static void
test_dpco(void)
{
    int                  i;
    char                 inner[128], buf[256];
    playfab_error_t      err;
    playfab_party_req_t  req;

    for (i = 0; playfab_dpco_name(i); i++) {
        snprintf(inner, sizeof(inner),
                 "\"DirectPeerConnectivityOptions\":\"%s\"",
                 playfab_dpco_name(i));
        CHECK(parse_str(&req, nc(buf, sizeof(buf), inner), &err) == 0);
        CHECK(req.dpco == i);
        playfab_party_free(&req);
    }

    CHECK(i == 9);

    FAILS_RULE(nc(buf, sizeof(buf),
                  "\"DirectPeerConnectivityOptions\":\"none\""),
               "invalid_value",
               "NetworkConfiguration.DirectPeerConnectivityOptions",
               "must be one of the DirectPeerConnectivityOptions values");
    FAILS(nc(buf, sizeof(buf), "\"DirectPeerConnectivityOptions\":0"),
          "invalid_value",
          "NetworkConfiguration.DirectPeerConnectivityOptions");
    FAILS(nc(buf, sizeof(buf), "\"DirectPeerConnectivityOptions\":\"\""),
          "invalid_value",
          "NetworkConfiguration.DirectPeerConnectivityOptions");
}


static void
test_invitation(void)
{
    char                 buf[256];
    playfab_error_t      err;
    playfab_party_req_t  req;

    FAILS_RULE(nc(buf, sizeof(buf), "\"PartyInvitationConfiguration\":[]"),
               "invalid_value", PIC_PATH, "must be an object");
    FAILS(nc(buf, sizeof(buf), "\"PartyInvitationConfiguration\":true"),
          "invalid_value", PIC_PATH);

    CHECK(parse_str(&req, pic(buf, sizeof(buf), ""), &err) == 0);
    CHECK(req.has_invitation && !req.has_entity_keys);
    CHECK(req.identifier == NULL && req.revocability == -1);
    playfab_party_free(&req);

    pic(buf, sizeof(buf), "\"Revocability\":\"Creator\"");
    CHECK(parse_str(&req, buf, &err) == 0);
    CHECK(req.revocability == 0);
    playfab_party_free(&req);

    pic(buf, sizeof(buf), "\"Revocability\":\"Anyone\"");
    CHECK(parse_str(&req, buf, &err) == 0);
    CHECK(req.revocability == 1);
    playfab_party_free(&req);

    FAILS_RULE(pic(buf, sizeof(buf), "\"Revocability\":\"creator\""),
               "invalid_value", PIC_PATH ".Revocability",
               "must be one of the PartyInvitationRevocability values");
    FAILS(pic(buf, sizeof(buf), "\"Revocability\":1"), "invalid_value",
          PIC_PATH ".Revocability");
}


static void
test_identifier(void)
{
    char                 text[1000], inner[1100], buf[1200];
    playfab_error_t      err;
    playfab_party_req_t  req;

    FAILS_RULE(pic(buf, sizeof(buf), "\"Identifier\":\"\""), "invalid_value",
               PIC_PATH ".Identifier", "must not be empty");
    FAILS_RULE(pic(buf, sizeof(buf), "\"Identifier\":7"), "invalid_value",
               PIC_PATH ".Identifier", "must be a string");
    FAILS(pic(buf, sizeof(buf), "\"Identifier\":null"), "invalid_value",
          PIC_PATH ".Identifier");

    /* 127 bytes, then 128 */
    snprintf(inner, sizeof(inner), "\"Identifier\":\"%s\"",
             repeat(text, "i", 127));
    CHECK(parse_str(&req, pic(buf, sizeof(buf), inner), &err) == 0);
    CHECK(req.identifier_len == 127);
    playfab_party_free(&req);

    snprintf(inner, sizeof(inner), "\"Identifier\":\"%s\"",
             repeat(text, "i", 128));
    FAILS_RULE(pic(buf, sizeof(buf), inner), "invalid_value",
               PIC_PATH ".Identifier", "must be at most 127 characters");

    /* characters, not bytes: 127 two-byte characters pass, 128 fail */
    snprintf(inner, sizeof(inner), "\"Identifier\":\"%s\"",
             repeat(text, "\xc3\xa9", 127));
    PASSES(pic(buf, sizeof(buf), inner));

    snprintf(inner, sizeof(inner), "\"Identifier\":\"%s\"",
             repeat(text, "\xc3\xa9", 128));
    FAILS(pic(buf, sizeof(buf), inner), "invalid_value",
          PIC_PATH ".Identifier");

    /* the length is of the decoded text: 127 "\u0041" are 127 bytes */
    snprintf(inner, sizeof(inner), "\"Identifier\":\"%s\"",
             repeat(text, "\\u0041", 127));
    PASSES(pic(buf, sizeof(buf), inner));

    /* invalid UTF-8 and controls */
    FAILS_RULE(pic(buf, sizeof(buf), "\"Identifier\":\"a\xff\""),
               "invalid_value", PIC_PATH ".Identifier",
               "must be valid UTF-8 without control characters");
    FAILS(pic(buf, sizeof(buf), "\"Identifier\":\"\xc0\xaf\""),
          "invalid_value", PIC_PATH ".Identifier");
    FAILS(pic(buf, sizeof(buf), "\"Identifier\":\"\xed\xa0\x80\""),
          "invalid_value", PIC_PATH ".Identifier");
    FAILS(pic(buf, sizeof(buf), "\"Identifier\":\"\xe2\x82\""),
          "invalid_value", PIC_PATH ".Identifier");
    FAILS(pic(buf, sizeof(buf), "\"Identifier\":\"a\\nb\""),
          "invalid_value", PIC_PATH ".Identifier");
    FAILS(pic(buf, sizeof(buf), "\"Identifier\":\"a\\u001fb\""),
          "invalid_value", PIC_PATH ".Identifier");
    FAILS(pic(buf, sizeof(buf), "\"Identifier\":\"a\x7f\""),
          "invalid_value", PIC_PATH ".Identifier");
    PASSES(pic(buf, sizeof(buf), "\"Identifier\":\"q\\\"b\\\\s\xe2\x82\xac\""));
}


static void
test_entity_keys(void)
{
    char                *body, text[300], key[400], buf[600];
    playfab_error_t      err;
    playfab_party_req_t  req;

    FAILS_RULE(pic(buf, sizeof(buf), "\"EntityKeys\":{}"), "invalid_value",
               KEYS_PATH, "must be an array of EntityKey objects");
    FAILS(pic(buf, sizeof(buf), "\"EntityKeys\":null"), "invalid_value",
          KEYS_PATH);

    pic(buf, sizeof(buf), "\"EntityKeys\":[]");
    CHECK(parse_str(&req, buf, &err) == 0);
    CHECK(req.has_entity_keys && req.nentity_keys == 0);
    playfab_party_free(&req);

    /* 1024 entries, then 1025 */
    body = keys_body(PLAYFAB_ENTITY_KEYS_MAX, "{\"Id\":\"x\",\"Type\":\"t\"}");
    CHECK(parse_copy(&req, body, strlen(body), &err) == 0);
    CHECK(req.nentity_keys == PLAYFAB_ENTITY_KEYS_MAX);
    CHECK(req.entity_keys[1023].id_len == 1
          && req.entity_keys[1023].type_len == 1);
    playfab_party_free(&req);
    free(body);

    body = keys_body(PLAYFAB_ENTITY_KEYS_MAX + 1, "{\"Id\":\"x\"}");
    FAILS_RULE(body, "invalid_value", KEYS_PATH,
               "must have at most 1024 entries");
    free(body);

    /* an error deep in the list: the path names the entry */
    body = keys_body(5, "{\"Id\":\"x\"}");
    memcpy(strstr(body, "[") + 1 + 3 * 11, "{\"Id\": 7 }", 10);
    FAILS_RULE(body, "invalid_value", KEYS_PATH "[3].Id", "must be a string");
    free(body);

    FAILS_RULE(pic(buf, sizeof(buf), "\"EntityKeys\":[{\"Id\":\"a\"},\"b\"]"),
               "invalid_value", KEYS_PATH "[1]", "must be an object");
    FAILS_RULE(pic(buf, sizeof(buf), "\"EntityKeys\":[{\"Type\":\"t\"}]"),
               "missing_field", KEYS_PATH "[0].Id", "is required");
    FAILS(pic(buf, sizeof(buf), "\"EntityKeys\":[{}]"), "missing_field",
          KEYS_PATH "[0].Id");
    FAILS(pic(buf, sizeof(buf), "\"EntityKeys\":[{\"Id\":\"\"}]"),
          "invalid_value", KEYS_PATH "[0].Id");
    FAILS(pic(buf, sizeof(buf),
              "\"EntityKeys\":[{\"Id\":\"a\",\"Type\":\"\"}]"),
          "invalid_value", KEYS_PATH "[0].Type");
    FAILS(pic(buf, sizeof(buf), "\"EntityKeys\":[{\"Id\":\"a\",\"Type\":1}]"),
          "invalid_value", KEYS_PATH "[0].Type");
    FAILS(pic(buf, sizeof(buf), "\"EntityKeys\":[{\"Id\":\"a\\u0002\"}]"),
          "invalid_value", KEYS_PATH "[0].Id");

    /* Id: 128 bytes, then 129; Type: 64, then 65 */
    snprintf(key, sizeof(key), "\"EntityKeys\":[{\"Id\":\"%s\"}]",
             repeat(text, "d", PLAYFAB_ENTITY_ID_MAX));
    PASSES(pic(buf, sizeof(buf), key));

    snprintf(key, sizeof(key), "\"EntityKeys\":[{\"Id\":\"%s\"}]",
             repeat(text, "d", PLAYFAB_ENTITY_ID_MAX + 1));
    FAILS_RULE(pic(buf, sizeof(buf), key), "invalid_value",
               KEYS_PATH "[0].Id", "must be at most 128 characters");

    snprintf(key, sizeof(key),
             "\"EntityKeys\":[{\"Id\":\"a\",\"Type\":\"%s\"}]",
             repeat(text, "t", PLAYFAB_ENTITY_TYPE_MAX));
    PASSES(pic(buf, sizeof(buf), key));

    snprintf(key, sizeof(key),
             "\"EntityKeys\":[{\"Id\":\"a\",\"Type\":\"%s\"}]",
             repeat(text, "t", PLAYFAB_ENTITY_TYPE_MAX + 1));
    FAILS_RULE(pic(buf, sizeof(buf), key), "invalid_value",
               KEYS_PATH "[0].Type", "must be at most 64 characters");
}


static void
test_party_id(void)
{
    const char  *rule;

    rule = "must be a GUID in 8-4-4-4-12 hexadecimal form";

    PASSES("{\"PartyId\":\"" GUID "\"}");
    PASSES("{\"PartyId\":\"23781FA9-E01E-4B29-4F0B-DD9F37A06A1E\"}");
    PASSES("{\"PartyId\":\"00000000-0000-0000-0000-000000000000\"}");

    FAILS_RULE("{\"PartyId\":\"23781fa9-e01e-4b29-4f0b-dd9f37a06a1\"}",
               "invalid_value", "PartyId", rule);
    FAILS("{\"PartyId\":\"23781fa9-e01e-4b29-4f0b-dd9f37a06a1e0\"}",
          "invalid_value", "PartyId");
    FAILS("{\"PartyId\":\"23781fa9e-01e-4b29-4f0b-dd9f37a06a1e\"}",
          "invalid_value", "PartyId");
    FAILS("{\"PartyId\":\"23781fa9-e01e-4b29-4f0b_dd9f37a06a1e\"}",
          "invalid_value", "PartyId");
    FAILS("{\"PartyId\":\"g3781fa9-e01e-4b29-4f0b-dd9f37a06a1e\"}",
          "invalid_value", "PartyId");
    FAILS("{\"PartyId\":\"{23781fa9-e01e-4b29-4f0b-dd9f37a06a1}\"}",
          "invalid_value", "PartyId");
    FAILS("{\"PartyId\":\"23781fa9e01e4b294f0bdd9f37a06a1e\"}",
          "invalid_value", "PartyId");
    FAILS("{\"PartyId\":\"\"}", "invalid_value", "PartyId");
    FAILS("{\"PartyId\":123}", "invalid_value", "PartyId");
    FAILS("{\"PartyId\":null}", "invalid_value", "PartyId");
}


static void
test_custom_tags(void)
{
    int    i;
    char  *p, text[300], inner[1024], buf[1100];

    PASSES("{\"CustomTags\":{}}");
    FAILS_RULE("{\"CustomTags\":[]}", "invalid_value", "CustomTags",
               "must be an object of string values");
    FAILS("{\"CustomTags\":\"a=b\"}", "invalid_value", "CustomTags");

    /* 16 entries, then 17 */
    p = inner;

    for (i = 0; i < PLAYFAB_CUSTOM_TAGS_MAX; i++) {
        p += sprintf(p, "%s\"k%d\":\"v\"", i ? "," : "", i);
    }

    PASSES(tags(buf, sizeof(buf), inner));

    sprintf(p, ",\"k%d\":\"v\"", i);
    FAILS_RULE(tags(buf, sizeof(buf), inner), "invalid_value", "CustomTags",
               "must have at most 16 entries");

    /* keys: 1 to 64 bytes of text */
    FAILS_RULE(tags(buf, sizeof(buf), "\"\":\"v\""), "invalid_value",
               "CustomTags", "must have keys of 1 to 64 bytes");

    snprintf(inner, sizeof(inner), "\"%s\":\"v\"", repeat(text, "k", 64));
    PASSES(tags(buf, sizeof(buf), inner));

    snprintf(inner, sizeof(inner), "\"%s\":\"v\"", repeat(text, "k", 65));
    FAILS(tags(buf, sizeof(buf), inner), "invalid_value", "CustomTags");

    FAILS_RULE(tags(buf, sizeof(buf), "\"k\xff\":\"v\""), "invalid_value",
               "CustomTags",
               "must have keys of valid UTF-8 without control characters");
    FAILS(tags(buf, sizeof(buf), "\"k\\t\":\"v\""), "invalid_value",
          "CustomTags");

    /* values: strings of at most 256 bytes of text */
    PASSES(tags(buf, sizeof(buf), "\"k\":\"\""));

    snprintf(inner, sizeof(inner), "\"k\":\"%s\"", repeat(text, "v", 256));
    PASSES(tags(buf, sizeof(buf), inner));

    snprintf(inner, sizeof(inner), "\"k\":\"%s\"", repeat(text, "v", 257));
    FAILS_RULE(tags(buf, sizeof(buf), inner), "invalid_value", "CustomTags.k",
               "must be at most 256 characters");

    FAILS_RULE(tags(buf, sizeof(buf), "\"k\":1"), "invalid_value",
               "CustomTags.k", "must be a string");
    FAILS(tags(buf, sizeof(buf), "\"k\":null"), "invalid_value",
          "CustomTags.k");
    FAILS(tags(buf, sizeof(buf), "\"k\":{}"), "invalid_value",
          "CustomTags.k");
    FAILS(tags(buf, sizeof(buf), "\"k\":\"\xc3\""), "invalid_value",
          "CustomTags.k");
    FAILS(tags(buf, sizeof(buf), "\"k\":\"a\\r\""), "invalid_value",
          "CustomTags.k");

    /* RequestId is the server's, in any case */
    FAILS_RULE(tags(buf, sizeof(buf), "\"RequestId\":\"r\""), "invalid_value",
               "CustomTags.RequestId",
               "is reserved for the server's request id");
    FAILS(tags(buf, sizeof(buf), "\"a\":\"b\",\"requestid\":\"r\""),
          "invalid_value", "CustomTags.requestid");
    PASSES(tags(buf, sizeof(buf), "\"RequestIds\":\"r\""));
}


static void
test_parsed_values(void)
{
    playfab_error_t      err;
    playfab_party_req_t  req;
    const char          *body;

    body = "{\"PartyId\":\"" GUID "\","
           "\"CustomTags\":{\"build\":\"1.2\"},"
           "\"NetworkConfiguration\":{"
           "\"PartyInvitationConfiguration\":{"
           "\"EntityKeys\":[{\"Type\":\"title_player_account\","
           "\"Id\":\"ABC\"},{\"Id\":\"DEF\"}],"
           "\"Identifier\":\"inv\"},"
           "\"DirectPeerConnectivityOptions\":\"OnlyServers\","
           "\"MaxEndpointsPerDevice\":3},"
           "\"PreferredRegions\":[\"WestUs\",\"EastUs\"]}";

    CHECK(parse_copy(&req, body, strlen(body), &err) == 0);

    CHECK(req.scratch == NULL);         /* nothing escaped: no copy */
    CHECK(req.nregions == 2);
    CHECK(req.regions[0] == playfab_region_lookup("WestUs", 6));
    CHECK(req.regions[1] == playfab_region_lookup("EastUs", 6));
    CHECK(!req.has_num[PLAYFAB_NC_MAX_USERS]);
    CHECK(req.has_num[PLAYFAB_NC_MAX_ENDPOINTS_PER_DEVICE]);
    CHECK(req.num[PLAYFAB_NC_MAX_ENDPOINTS_PER_DEVICE] == 3);
    CHECK(req.dpco == 8);
    CHECK(req.has_invitation && req.has_entity_keys);
    CHECK(req.identifier_len == 3 && memcmp(req.identifier, "inv", 3) == 0);
    CHECK(req.revocability == -1);
    CHECK(req.nentity_keys == 2);
    CHECK(req.entity_keys[0].id_len == 3
          && memcmp(req.entity_keys[0].id, "ABC", 3) == 0);
    CHECK(req.entity_keys[0].type_len == 20
          && memcmp(req.entity_keys[0].type, "title_player_account", 20)
             == 0);
    CHECK(req.entity_keys[1].type == NULL);
    CHECK(req.party_id_len == 36 && memcmp(req.party_id, GUID, 36) == 0);
    CHECK(req.has_custom_tags && req.ncustom_tags == 1);
    CHECK(req.custom_tags[0].key_len == 5
          && memcmp(req.custom_tags[0].key, "build", 5) == 0
          && req.custom_tags[0].value_len == 3
          && memcmp(req.custom_tags[0].value, "1.2", 3) == 0);

    playfab_party_free(&req);

    CHECK(parse_copy(&req, "{}", 2, &err) == 0);
    CHECK(req.nregions == 0 && req.dpco == -1 && req.revocability == -1);
    CHECK(!req.has_invitation && req.party_id == NULL
          && !req.has_custom_tags && req.identifier == NULL);
    playfab_party_free(&req);
}


static void
test_policy_set(void)
{
    int                     i;
    playfab_party_policy_t  pol;

    playfab_party_policy_init(&pol);
    CHECK(pol.nregions == 0 && pol.dpco_default == -1
          && pol.dpco_force == -1 && pol.revocability_default == -1
          && pol.revocability_force == -1);
    CHECK(!pol.num[0].has_default && !pol.num[0].has_max
          && !pol.num[0].has_force);

    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxPlayers", "4",
                     "\"MaxPlayers\" is not a policy field"));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "maxusers", "4",
                     "\"maxusers\" is not a policy field"));

    /* every numeric field, every kind, both sides of both edges */
    for (i = 0; i < PLAYFAB_NC_NUMERIC; i++) {
        playfab_party_policy_init(&pol);

        if (ranges[i].below[0] != '-') {
            CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, ranges[i].name,
                             ranges[i].below, REFUSED));
        }

        CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, ranges[i].name,
                         ranges[i].above, REFUSED));
        CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, ranges[i].name,
                         ranges[i].min, NULL));
        CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, ranges[i].name,
                         ranges[i].max, NULL));
        CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, ranges[i].name,
                         ranges[i].max, NULL));

        CHECK(pol.num[i].has_default && pol.num[i].has_max
              && pol.num[i].has_force);
        CHECK(pol.num[i].def == strtoul(ranges[i].min, NULL, 10));
        CHECK(pol.num[i].max == strtoul(ranges[i].max, NULL, 10));
        CHECK(pol.num[i].force == pol.num[i].max);
    }

    playfab_party_policy_init(&pol);

    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxDevices", "129",
                     "\"MaxDevices\" max \"129\" must be an integer "
                     "between 1 and 128"));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxDevices", "0",
                     "\"MaxDevices\" default \"0\" must be an integer "
                     "between 1 and 128"));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "MaxEndpointsPerDevice",
                     "33", "\"MaxEndpointsPerDevice\" force \"33\" must be "
                     "an integer between 0 and 32"));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxEndpointsPerDevice",
                     "0", NULL));

    /* decimal digits only */
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "", REFUSED));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "+5", REFUSED));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "-5", REFUSED));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", " 5", REFUSED));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "5 ", REFUSED));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "5.0", REFUSED));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "1e3", REFUSED));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "0x10", REFUSED));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "99999999999",
                     REFUSED));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers",
                     "18446744073709551617", REFUSED));
    CHECK(!pol.num[PLAYFAB_NC_MAX_USERS].has_max);
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "0000000064",
                     NULL));
    CHECK(pol.num[PLAYFAB_NC_MAX_USERS].max == 64);

    /* the same kind twice */
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "32",
                     "\"MaxUsers\" max is duplicate"));
    CHECK(pol.num[PLAYFAB_NC_MAX_USERS].max == 64);
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxEndpointsPerDevice",
                     "1", "\"MaxEndpointsPerDevice\" default is duplicate"));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "MaxUsers", "8", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "MaxUsers", "8",
                     "\"MaxUsers\" force is duplicate"));

    /* the enums: no max, values from the enum */
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX,
                     "DirectPeerConnectivityOptions", "None",
                     "\"DirectPeerConnectivityOptions\" is not a number and "
                     "cannot have a max"));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "Revocability", "Creator",
                     "\"Revocability\" is not a number and cannot have a "
                     "max"));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT,
                     "DirectPeerConnectivityOptions", "none",
                     "\"DirectPeerConnectivityOptions\" default \"none\" "
                     "must be one of the DirectPeerConnectivityOptions "
                     "values"));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "Revocability", "Nobody",
                     "\"Revocability\" force \"Nobody\" must be one of the "
                     "PartyInvitationRevocability values"));
    /* the value is quoted cut short: the longest message fits in 128 */
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE,
                     "DirectPeerConnectivityOptions",
                     "AnyPlatformTypeAndEntityLoginProviderXYZ",
                     LONGEST_POLICY_ERROR));
    CHECK(sizeof(LONGEST_POLICY_ERROR) <= 128);
    CHECK(pol.dpco_default == -1 && pol.revocability_force == -1);

    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT,
                     "DirectPeerConnectivityOptions", "None", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE,
                     "DirectPeerConnectivityOptions", "OnlyServers", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "Revocability", "Anyone",
                     NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "Revocability", "Creator",
                     NULL));
    CHECK(pol.dpco_default == 0 && pol.dpco_force == 8);
    CHECK(pol.revocability_default == 1 && pol.revocability_force == 0);

    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT,
                     "DirectPeerConnectivityOptions", "AnyPlatformType",
                     "\"DirectPeerConnectivityOptions\" default is "
                     "duplicate"));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "Revocability", "Anyone",
                     "\"Revocability\" force is duplicate"));

    /* errors fit any buffer */
    CHECK(playfab_party_policy_set(&pol, PLAYFAB_POLICY_MAX, "X", 1, "1", 1,
                                   NULL, 0) == -1);
}


static void
test_policy_regions(void)
{
    int                     i;
    char                    err[128];
    playfab_party_policy_t  pol;

    playfab_party_policy_init(&pol);

    CHECK(playfab_party_policy_add_region(&pol, "WestUs", 6, err,
                                          sizeof(err)) == 0);
    CHECK(playfab_party_policy_add_region(&pol, "EastUs", 6, err,
                                          sizeof(err)) == 0);
    CHECK(pol.nregions == 2);
    CHECK(pol.regions[0] == playfab_region_lookup("WestUs", 6));

    CHECK(playfab_party_policy_add_region(&pol, "WestUs", 6, err,
                                          sizeof(err)) == -1);
    CHECK_STR(err, "region \"WestUs\" is duplicate");

    CHECK(playfab_party_policy_add_region(&pol, "westus", 6, err,
                                          sizeof(err)) == -1);
    CHECK_STR(err, "\"westus\" must be one of the AzureRegion values");
    CHECK(pol.nregions == 2);

    playfab_party_policy_init(&pol);

    for (i = 0; i < PLAYFAB_REGION_COUNT; i++) {
        CHECK(playfab_party_policy_add_region(&pol, playfab_region_name(i),
                                              strlen(playfab_region_name(i)),
                                              err, sizeof(err)) == 0);
    }

    CHECK(pol.nregions == PLAYFAB_REGION_COUNT);
    CHECK(playfab_party_policy_add_region(&pol, "EastUs", 6, err,
                                          sizeof(err)) == -1);
}


static void
test_policy_check(void)
{
    char                    err[128];
    playfab_party_policy_t  pol;

    playfab_party_policy_init(&pol);
    CHECK(playfab_party_policy_check(&pol, err, sizeof(err)) == 0);

    /* default and force without a max, or equal to it: fine */
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxUsers", "100", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "MaxDevices", "64", NULL));
    CHECK(playfab_party_policy_check(&pol, err, sizeof(err)) == 0);

    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "100", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxDevices", "64", NULL));
    CHECK(playfab_party_policy_check(&pol, err, sizeof(err)) == 0);

    /* above the max */
    playfab_party_policy_init(&pol);
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxUsers", "101", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "100", NULL));
    CHECK(playfab_party_policy_check(&pol, err, sizeof(err)) == -1);
    CHECK_STR(err, "\"MaxUsers\" default 101 is above its max 100");

    playfab_party_policy_init(&pol);
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "MaxEndpointsPerDevice",
                     "5", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxEndpointsPerDevice", "4",
                     NULL));
    CHECK(playfab_party_policy_check(&pol, err, sizeof(err)) == -1);
    CHECK_STR(err, "\"MaxEndpointsPerDevice\" force 5 is above its max 4");
}


static void
test_apply_regions(void)
{
    playfab_error_t         err;
    playfab_party_req_t     req;
    playfab_party_policy_t  pol;

    playfab_party_policy_init(&pol);

    /* no allowlist: the client must name them */
    CHECK(apply_fails("{\"NetworkConfiguration\":{" NC_FULL "}}", &pol,
                      "missing_field", "PreferredRegions", "is required"));

    CHECK(prepare(&req, BODY_MIN, &pol, &err) == 0);
    CHECK(req.nregions == 1 && req.regions[0] == 5);
    playfab_party_free(&req);

    /* an allowlist: the default when absent, in its order */
    CHECK(playfab_party_policy_add_region(&pol, "WestUs", 6, NULL, 0) == 0);
    CHECK(playfab_party_policy_add_region(&pol, "EastUs", 6, NULL, 0) == 0);

    CHECK(prepare(&req, "{\"NetworkConfiguration\":{" NC_FULL "}}", &pol,
                  &err) == 0);
    CHECK(req.nregions == 2);
    CHECK(req.regions[0] == playfab_region_lookup("WestUs", 6));
    CHECK(req.regions[1] == playfab_region_lookup("EastUs", 6));
    playfab_party_free(&req);

    /* ... and a filter when present, the client's order kept */
    CHECK(prepare(&req, "{\"PreferredRegions\":[\"EastUs\",\"WestUs\"],"
                        "\"NetworkConfiguration\":{" NC_FULL "}}",
                  &pol, &err) == 0);
    CHECK(req.nregions == 2 && req.regions[0] == 5);
    playfab_party_free(&req);

    CHECK(prepare(&req, BODY_MIN, &pol, &err) == 0);
    CHECK(req.nregions == 1);
    playfab_party_free(&req);

    CHECK(apply_fails("{\"PreferredRegions\":[\"EastUs\",\"JapanEast\","
                      "\"NorthEurope\"],\"NetworkConfiguration\":{"
                      NC_FULL "}}", &pol,
                      "policy_violation", "PreferredRegions[1]",
                      "must be a region allowed by the server policy"));
}


static void
test_apply_numbers(void)
{
    playfab_error_t         err;
    playfab_party_req_t     req;
    playfab_party_policy_t  pol;

    playfab_party_policy_init(&pol);

    /* required without a default: the first one missing is named */
    CHECK(apply_fails("{\"PreferredRegions\":[\"EastUs\"]}", &pol,
                      "missing_field", "NetworkConfiguration.MaxUsers",
                      "is required"));
    CHECK(apply_fails("{\"PreferredRegions\":[\"EastUs\"],"
                      "\"NetworkConfiguration\":{\"MaxUsers\":4,"
                      "\"MaxDevices\":4,\"MaxUsersPerDevice\":1,"
                      "\"MaxDevicesPerUser\":1}}", &pol,
                      "missing_field",
                      "NetworkConfiguration.MaxEndpointsPerDevice",
                      "is required"));

    /* defaults fill what is absent, never what is present */
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxUsers", "10", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxDevices", "10",
                     NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxUsersPerDevice", "1",
                     NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxDevicesPerUser", "1",
                     NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxEndpointsPerDevice",
                     "0", NULL));

    CHECK(prepare(&req, "{\"PreferredRegions\":[\"EastUs\"]}", &pol, &err)
          == 0);
    CHECK(req.has_num[0] && req.num[0] == 10);
    CHECK(req.has_num[4] && req.num[4] == 0);
    playfab_party_free(&req);

    CHECK(prepare(&req, BODY_MIN, &pol, &err) == 0);
    CHECK(req.num[PLAYFAB_NC_MAX_USERS] == 16);
    CHECK(req.num[PLAYFAB_NC_MAX_ENDPOINTS_PER_DEVICE] == 4);
    playfab_party_free(&req);

    /* a max: equal passes, above is refused */
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxUsers", "16", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_MAX, "MaxDevices", "7", NULL));
    CHECK(apply_fails(BODY_MIN, &pol, "policy_violation",
                      "NetworkConfiguration.MaxDevices",
                      "must be at most 7 (server policy)"));

    /* force replaces whatever the client sent */
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "MaxDevices", "6", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "MaxEndpointsPerDevice",
                     "0", NULL));
    CHECK(prepare(&req, BODY_MIN, &pol, &err) == 0);
    CHECK(req.num[PLAYFAB_NC_MAX_USERS] == 16);
    CHECK(req.num[PLAYFAB_NC_MAX_DEVICES] == 6);
    CHECK(req.num[PLAYFAB_NC_MAX_ENDPOINTS_PER_DEVICE] == 0);
    playfab_party_free(&req);

    CHECK(apply_fails("{\"PreferredRegions\":[\"EastUs\"],"
                      "\"NetworkConfiguration\":{\"MaxUsers\":17}}", &pol,
                      "policy_violation", "NetworkConfiguration.MaxUsers",
                      "must be at most 16 (server policy)"));
}


static void
test_apply_enums(void)
{
    playfab_error_t         err;
    playfab_party_req_t     req;
    playfab_party_policy_t  pol;

    /* optional: absent stays absent without a default */
    playfab_party_policy_init(&pol);
    CHECK(prepare(&req, BODY_MIN, &pol, &err) == 0);
    CHECK(req.dpco == -1 && req.revocability == -1 && !req.has_invitation);
    playfab_party_free(&req);

    /* a default fills the absent, keeps the present */
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT,
                     "DirectPeerConnectivityOptions", "SamePlatformType",
                     NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "Revocability", "Creator",
                     NULL));

    CHECK(prepare(&req, BODY_MIN, &pol, &err) == 0);
    CHECK(req.dpco == 1 && req.revocability == 0 && req.has_invitation);
    playfab_party_free(&req);

    CHECK(prepare(&req, "{\"PreferredRegions\":[\"EastUs\"],"
                        "\"NetworkConfiguration\":{" NC_FULL ","
                        "\"DirectPeerConnectivityOptions\":\"None\","
                        "\"PartyInvitationConfiguration\":"
                        "{\"Revocability\":\"Anyone\"}}}",
                  &pol, &err) == 0);
    CHECK(req.dpco == 0 && req.revocability == 1);
    playfab_party_free(&req);

    /* force replaces */
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE,
                     "DirectPeerConnectivityOptions", "OnlyServers", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "Revocability", "Creator",
                     NULL));

    CHECK(prepare(&req, "{\"PreferredRegions\":[\"EastUs\"],"
                        "\"NetworkConfiguration\":{" NC_FULL ","
                        "\"DirectPeerConnectivityOptions\":\"None\","
                        "\"PartyInvitationConfiguration\":"
                        "{\"Revocability\":\"Anyone\"}}}",
                  &pol, &err) == 0);
    CHECK(req.dpco == 8 && req.revocability == 0);
    playfab_party_free(&req);
}


static void
test_serialize_exact(void)
{
    playfab_party_extra_t   extra;
    playfab_party_policy_t  pol;

    playfab_party_policy_init(&pol);

    /* only what is required */
    CHECK(serialized(BODY_MIN, &pol, NULL,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{\"MaxUsers\":16,"
                     "\"MaxDevices\":8,\"MaxUsersPerDevice\":2,"
                     "\"MaxDevicesPerUser\":2,\"MaxEndpointsPerDevice\":4}}"));

    /* everything, given in another order */
    memset(&extra, 0, sizeof(extra));
    extra.playfab_id = "A1B2C3";
    extra.playfab_id_len = 6;
    extra.request_id = "req-9";
    extra.request_id_len = 5;

    CHECK(serialized("{\"CustomTags\":{\"build\":\"1.2\",\"env\":\"qa\"},"
                     "\"PartyId\":\"" GUID "\","
                     "\"NetworkConfiguration\":{"
                     "\"PartyInvitationConfiguration\":{"
                     "\"EntityKeys\":[{\"Type\":\"title_player_account\","
                     "\"Id\":\"ABC\"},{\"Id\":\"DEF\"}],"
                     "\"Revocability\":\"Anyone\",\"Identifier\":\"inv-1\"},"
                     "\"DirectPeerConnectivityOptions\":\"AnyPlatformType\","
                     "\"MaxEndpointsPerDevice\":32,"
                     "\"MaxDevicesPerUser\":4294967295,"
                     "\"MaxUsersPerDevice\":8,\"MaxDevices\":128,"
                     "\"MaxUsers\":1},"
                     "\"PreferredRegions\":[\"WestUs\",\"EastUs\"]}",
                     &pol, &extra,
                     "{\"PreferredRegions\":[\"WestUs\",\"EastUs\"],"
                     "\"NetworkConfiguration\":{\"MaxUsers\":1,"
                     "\"MaxDevices\":128,\"MaxUsersPerDevice\":8,"
                     "\"MaxDevicesPerUser\":4294967295,"
                     "\"MaxEndpointsPerDevice\":32,"
                     "\"DirectPeerConnectivityOptions\":\"AnyPlatformType\","
                     "\"PartyInvitationConfiguration\":{"
                     "\"Identifier\":\"inv-1\",\"Revocability\":\"Anyone\","
                     "\"EntityKeys\":[{\"Id\":\"ABC\","
                     "\"Type\":\"title_player_account\"},{\"Id\":\"DEF\"}]}},"
                     "\"PartyId\":\"" GUID "\",\"PlayFabId\":\"A1B2C3\","
                     "\"CustomTags\":{\"build\":\"1.2\",\"env\":\"qa\","
                     "\"RequestId\":\"req-9\"}}"));

    /* an empty invitation and an empty key list stay as sent */
    CHECK(serialized("{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":{}}}",
                     &pol, NULL,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":{}}}"));
    CHECK(serialized("{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":"
                     "{\"EntityKeys\":[]}}}",
                     &pol, NULL,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":"
                     "{\"EntityKeys\":[]}}}"));

    /* policy values appear in the output */
    CHECK(playfab_party_policy_add_region(&pol, "NorthEurope", 11, NULL, 0)
          == 0);
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "MaxUsers", "2", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "Revocability", "Creator",
                     NULL));
    CHECK(serialized("{\"NetworkConfiguration\":{" NC_FULL "}}", &pol, NULL,
                     "{\"PreferredRegions\":[\"NorthEurope\"],"
                     "\"NetworkConfiguration\":{\"MaxUsers\":2,"
                     "\"MaxDevices\":8,\"MaxUsersPerDevice\":2,"
                     "\"MaxDevicesPerUser\":2,\"MaxEndpointsPerDevice\":4,"
                     "\"PartyInvitationConfiguration\":"
                     "{\"Revocability\":\"Creator\"}}}"));
}


static void
test_serialize_bind(void)
{
    playfab_party_extra_t   extra;
    playfab_party_policy_t  pol;

    playfab_party_policy_init(&pol);
    CHECK(policy_set(&pol, PLAYFAB_POLICY_FORCE, "Revocability", "Anyone",
                     NULL));

    memset(&extra, 0, sizeof(extra));
    extra.bind_entity_id = "E\"1";
    extra.bind_entity_id_len = 3;
    extra.bind_entity_type = "title_player_account";
    extra.bind_entity_type_len = 20;

    /* the client's keys and revocability are replaced */
    CHECK(serialized("{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":{"
                     "\"Identifier\":\"inv\",\"Revocability\":\"Anyone\","
                     "\"EntityKeys\":[{\"Id\":\"X\"},{\"Id\":\"Y\"}]}}}",
                     &pol, &extra,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":{"
                     "\"Identifier\":\"inv\",\"Revocability\":\"Creator\","
                     "\"EntityKeys\":[{\"Id\":\"E\\\"1\","
                     "\"Type\":\"title_player_account\"}]}}}"));

    /* and added when the client sent no invitation; no type, no Type */
    extra.bind_entity_type = NULL;
    extra.bind_entity_type_len = 0;

    CHECK(serialized(BODY_MIN, &pol, &extra,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":{"
                     "\"Revocability\":\"Creator\","
                     "\"EntityKeys\":[{\"Id\":\"E\\\"1\"}]}}}"));
}


static void
test_serialize_tags(void)
{
    playfab_party_extra_t   extra;
    playfab_party_policy_t  pol;

    playfab_party_policy_init(&pol);
    memset(&extra, 0, sizeof(extra));

    /* client tags only, even none */
    CHECK(serialized("{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL "},"
                     "\"CustomTags\":{}}", &pol, &extra,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL "},"
                     "\"CustomTags\":{}}"));

    /* the request id alone */
    extra.request_id = "r-1";
    extra.request_id_len = 3;

    CHECK(serialized(BODY_MIN, &pol, &extra,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL "},"
                     "\"CustomTags\":{\"RequestId\":\"r-1\"}}"));

    CHECK(serialized("{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL "},"
                     "\"CustomTags\":{}}", &pol, &extra,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL "},"
                     "\"CustomTags\":{\"RequestId\":\"r-1\"}}"));

    /* the PlayFabId alone */
    memset(&extra, 0, sizeof(extra));
    extra.playfab_id = "P";
    extra.playfab_id_len = 1;

    CHECK(serialized(BODY_MIN, &pol, &extra,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL "},"
                     "\"PlayFabId\":\"P\"}"));
}


static void
test_serialize_escaping(void)
{
    playfab_party_extra_t   extra;
    playfab_party_policy_t  pol;

    playfab_party_policy_init(&pol);

    /* quotes and backslashes escaped, UTF-8 as it is, "\/" decoded */
    CHECK(serialized("{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":{\"Identifier\":"
                     "\"q\\\"b\\\\s\\/\\u00e9\xe2\x82\xac\\ud83d\\ude00\"}}}",
                     &pol, NULL,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":{\"Identifier\":"
                     "\"q\\\"b\\\\s/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}}}"
                     ));

    /* tag keys and values, entity keys */
    CHECK(serialized("{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":{\"EntityKeys\":"
                     "[{\"Id\":\"a\\\\b\",\"Type\":\"\\\"t\\\"\"}]}},"
                     "\"CustomTags\":{\"k\\\"\":\"v\\\\\"}}",
                     &pol, NULL,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL ","
                     "\"PartyInvitationConfiguration\":{\"EntityKeys\":"
                     "[{\"Id\":\"a\\\\b\",\"Type\":\"\\\"t\\\"\"}]}},"
                     "\"CustomTags\":{\"k\\\"\":\"v\\\\\"}}"));

    /* what the server adds is escaped too, controls included */
    memset(&extra, 0, sizeof(extra));
    extra.playfab_id = "a\"b";
    extra.playfab_id_len = 3;
    extra.request_id = "r\n\x01";
    extra.request_id_len = 3;

    CHECK(serialized(BODY_MIN, &pol, &extra,
                     "{\"PreferredRegions\":[\"EastUs\"],"
                     "\"NetworkConfiguration\":{" NC_FULL "},"
                     "\"PlayFabId\":\"a\\\"b\","
                     "\"CustomTags\":{\"RequestId\":\"r\\u000a\\u0001\"}}"));
}


static void
test_serialize_round_trip(void)
{
    char                   *out;
    cJSON                  *json;
    const cJSON            *item, *key;
    playfab_error_t         err;
    playfab_party_req_t     req;
    playfab_party_extra_t   extra;
    playfab_party_policy_t  pol;
    const char             *body;

    body = "{\"PreferredRegions\":[\"UkSouth\",\"SwedenCentral\"],"
           "\"NetworkConfiguration\":{\"MaxUsers\":1e3,\"MaxDevices\":64,"
           "\"MaxUsersPerDevice\":4,\"MaxDevicesPerUser\":2,"
           "\"MaxEndpointsPerDevice\":0,"
           "\"DirectPeerConnectivityOptions\":\"DifferentPlatformType\","
           "\"PartyInvitationConfiguration\":{"
           "\"Identifier\":\"\\\"x\\\\y\\\" \\u00fc\","
           "\"EntityKeys\":[{\"Id\":\"\\u4e2d\",\"Type\":\"t\"}]}},"
           "\"PartyId\":\"" GUID "\","
           "\"CustomTags\":{\"a b\":\"\\\\\\\"\",\"c\":\"\"}}";

    playfab_party_policy_init(&pol);
    memset(&extra, 0, sizeof(extra));
    extra.playfab_id = "F00D";
    extra.playfab_id_len = 4;
    extra.request_id = "0af\"7";
    extra.request_id_len = 5;

    CHECK(prepare(&req, body, &pol, &err) == 0);

    out = serialize(&req, &extra);
    json = cJSON_Parse(out);
    CHECK(json != NULL);

    item = path(json, "PreferredRegions", NULL, NULL);
    CHECK(cJSON_GetArraySize(item) == 2);
    CHECK_STR(cJSON_GetArrayItem(item, 0)->valuestring, "UkSouth");
    CHECK_STR(cJSON_GetArrayItem(item, 1)->valuestring, "SwedenCentral");

    CHECK(path(json, "NetworkConfiguration", "MaxUsers", NULL)->valuedouble
          == 1000);
    CHECK(path(json, "NetworkConfiguration", "MaxDevices", NULL)->valuedouble
          == 64);
    CHECK(path(json, "NetworkConfiguration", "MaxEndpointsPerDevice", NULL)
          ->valuedouble == 0);
    CHECK_STR(path(json, "NetworkConfiguration",
                   "DirectPeerConnectivityOptions", NULL)->valuestring,
              "DifferentPlatformType");

    item = path(json, "NetworkConfiguration", "PartyInvitationConfiguration",
                NULL);
    CHECK_STR(cJSON_GetObjectItem(item, "Identifier")->valuestring,
              "\"x\\y\" \xc3\xbc");
    CHECK(cJSON_GetObjectItem(item, "Revocability") == NULL);

    key = cJSON_GetArrayItem(cJSON_GetObjectItem(item, "EntityKeys"), 0);
    CHECK_STR(cJSON_GetObjectItem(key, "Id")->valuestring, "\xe4\xb8\xad");
    CHECK_STR(cJSON_GetObjectItem(key, "Type")->valuestring, "t");

    CHECK_STR(path(json, "PartyId", NULL, NULL)->valuestring, GUID);
    CHECK_STR(path(json, "PlayFabId", NULL, NULL)->valuestring, "F00D");
    CHECK_STR(path(json, "CustomTags", "a b", NULL)->valuestring, "\\\"");
    CHECK_STR(path(json, "CustomTags", "c", NULL)->valuestring, "");
    CHECK_STR(path(json, "CustomTags", "RequestId", NULL)->valuestring,
              "0af\"7");
    CHECK(cJSON_GetArraySize(path(json, "CustomTags", NULL, NULL)) == 3);

    /* and our own parser takes it back, but for the server's fields */
    CHECK(parse_fails(out, strlen(out), "unknown_field", "PlayFabId", NULL));

    cJSON_Delete(json);
    free(out);
    playfab_party_free(&req);
}


#define KEYS_HEAD                                                            \
    "{\"PreferredRegions\":[\"EastUs\"],\"NetworkConfiguration\":"          \
    "{\"MaxUsers\":1,\"MaxDevices\":1,\"MaxUsersPerDevice\":1,"             \
    "\"MaxDevicesPerUser\":1,\"MaxEndpointsPerDevice\":1,"                  \
    "\"PartyInvitationConfiguration\":{\"EntityKeys\":["
#define KEY_OUT     "{\"Id\":\"\\\"\",\"Type\":\"\\\\\"}"


static void
test_serialize_length(void)
{
    size_t                  i;
    char                   *out, *body;
    cJSON                  *json;
    playfab_error_t         err;
    playfab_party_req_t     req;
    playfab_party_extra_t   extra;
    playfab_party_policy_t  pol;

    static const char  *const bodies[] = {
        BODY_MIN,
        "{\"PreferredRegions\":[\"EastUs\",\"WestUs\",\"JapanEast\"],"
        "\"NetworkConfiguration\":{\"MaxUsers\":4294967295,"
        "\"MaxDevices\":128,\"MaxUsersPerDevice\":8,"
        "\"MaxDevicesPerUser\":10,\"MaxEndpointsPerDevice\":0,"
        "\"PartyInvitationConfiguration\":{\"Identifier\":"
        "\"\\\\\\\\\\\"\\\"\"}}}",
        "{\"PreferredRegions\":[\"EastUs\"],\"NetworkConfiguration\":{"
        NC_FULL ",\"PartyInvitationConfiguration\":{\"EntityKeys\":"
        "[{\"Id\":\"1\"},{\"Id\":\"2\",\"Type\":\"\\\"\"}]}},"
        "\"CustomTags\":{\"x\":\"\\\"\\\\\"}}"
    };

    playfab_party_policy_init(&pol);
    memset(&extra, 0, sizeof(extra));

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        CHECK(prepare(&req, bodies[i], &pol, &err) == 0);

        out = serialize(&req, NULL);
        json = cJSON_Parse(out);
        CHECK(json != NULL);
        cJSON_Delete(json);
        free(out);

        extra.playfab_id = "\"\\";
        extra.playfab_id_len = 2;
        extra.request_id = "\x01\x02";
        extra.request_id_len = 2;
        extra.bind_entity_id = "id";
        extra.bind_entity_id_len = 2;
        extra.bind_entity_type = "\"";
        extra.bind_entity_type_len = 1;

        out = serialize(&req, &extra);
        free(out);

        playfab_party_free(&req);
    }

    /* 1024 entity keys: the longest list */
    body = keys_body(PLAYFAB_ENTITY_KEYS_MAX,
                     "{\"Id\":\"\\\"\",\"Type\":\"\\\\\"}");
    CHECK(parse_copy(&req, body, strlen(body), &err) == 0);
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxUsers", "1", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxDevices", "1", NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxUsersPerDevice", "1",
                     NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxDevicesPerUser", "1",
                     NULL));
    CHECK(policy_set(&pol, PLAYFAB_POLICY_DEFAULT, "MaxEndpointsPerDevice",
                     "1", NULL));
    CHECK(playfab_party_policy_add_region(&pol, "EastUs", 6, NULL, 0) == 0);
    CHECK(playfab_party_apply_policy(&req, &pol, &err) == 0);

    out = serialize(&req, NULL);
    CHECK(strlen(out) == sizeof(KEYS_HEAD) - 1
                         + PLAYFAB_ENTITY_KEYS_MAX * (sizeof(KEY_OUT ",") - 1)
                         - 1
                         + sizeof("]}}}") - 1);
    CHECK(strncmp(out, KEYS_HEAD KEY_OUT "," KEY_OUT ",",
                  sizeof(KEYS_HEAD KEY_OUT "," KEY_OUT ",") - 1) == 0);
    json = cJSON_Parse(out);
    CHECK(cJSON_GetArraySize(path(json, "NetworkConfiguration",
                                  "PartyInvitationConfiguration",
                                  "EntityKeys"))
          == PLAYFAB_ENTITY_KEYS_MAX);
    cJSON_Delete(json);
    free(out);

    playfab_party_free(&req);
    free(body);
}


static void
test_free(void)
{
    char                *body;
    playfab_error_t      err;
    playfab_party_req_t  req;

    /* zeroed, twice */
    memset(&req, 0, sizeof(req));
    playfab_party_free(&req);
    playfab_party_free(&req);
    CHECK(req.scratch == NULL && req.entity_keys == NULL);

    /* after a failure with the key list and the decoded text allocated */
    body = keys_body(PLAYFAB_ENTITY_KEYS_INLINE + 1, "{\"Id\":\"\\u0078\"}");
    strcpy(strstr(body, "]"), ",{}]}}}");
    CHECK(parse_copy(&req, body, strlen(body), &err) == -1);
    CHECK(strcmp(err.field, KEYS_PATH "[9].Id") == 0
          && PLAYFAB_ENTITY_KEYS_INLINE == 8);
    CHECK(req.entity_keys != NULL && req.entity_keys != req.inline_keys
          && req.scratch != NULL);
    CHECK(req.nentity_keys == PLAYFAB_ENTITY_KEYS_INLINE + 1
          && req.entity_keys[0].id_len == 1
          && req.entity_keys[0].id[0] == 'x');
    playfab_party_free(&req);
    CHECK(req.scratch == NULL && req.entity_keys == NULL
          && req.nentity_keys == 0 && !req.has_custom_tags);
    playfab_party_free(&req);
    free(body);

    /* a short list is held in the request itself */
    body = keys_body(PLAYFAB_ENTITY_KEYS_INLINE - 1, "{\"Id\":\"x\"}");
    strcpy(strstr(body, "]"), ",{}]}}}");
    CHECK(parse_copy(&req, body, strlen(body), &err) == -1);
    CHECK(req.entity_keys == req.inline_keys && req.scratch == NULL
          && req.nentity_keys == PLAYFAB_ENTITY_KEYS_INLINE - 1);
    playfab_party_free(&req);
    CHECK(req.entity_keys == NULL);
    free(body);

    /* after success, twice */
    CHECK(parse_copy(&req, BODY_MIN, strlen(BODY_MIN), &err) == 0);
    playfab_party_free(&req);
    playfab_party_free(&req);
}
