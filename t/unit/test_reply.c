/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests for the PlayFab reply parsers.
 */

#include <stdarg.h>
#include <stdlib.h>

#include "unit.h"
#include "playfab_reply.h"


#define TOKEN_DATA_FMT                                                       \
    "{\"EntityToken\":\"%s\",\"TokenExpiration\":\"2022-01-26T07:24:12Z\"}"

#define PARTY_DATA_FMT                                                       \
    "{\"PartyId\":\"%s\",\"InvitationId\":\"%s\","                           \
    "\"SerializedNetworkDescriptor\":\"%s\"}"

/* a string the parsers return as a pointer and a length */
#define CHECK_SPAN(s, len, want)                                             \
    CHECK((s) != NULL && (len) == strlen(want)                               \
          && memcmp((s), (want), (len)) == 0)

#define GUID        "12baef1e-e31e-2b59-2fef-ff1f38c03a8d"
#define INVITATION  "01234567-89ab-cdef-0123-456789abcdef"
#define DESCRIPTOR                                                           \
    "AwCzm+YyPYt1XCGGCkeIv588A1Gon1VTV0VTVAAAAAAAAAAAAAAAAAAAt3qFc4+Pmn8b"   \
    "BLUynFkOvLnkJZJcbQmECJxDoCLeTxnCgRBmYWtlaG9zdG5hbWUuYml6"


static playfab_reply_e parse(playfab_envelope_t *env, const char *json,
    size_t len);
static playfab_reply_e parse_str(playfab_envelope_t *env, const char *json);
static playfab_reply_e kind(const char *json);
static char *repeat(char c, size_t n);
static char *format(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static int parse_ok(playfab_envelope_t *env, const char *data);
static int token_rc(const char *data, playfab_token_reply_t *out);
static int token_str(const char *token);
static int party_data_rc(const char *data);
static int party_rc(const char *party, const char *invitation,
    const char *descriptor);
static int identity_rc(playfab_envelope_t *env, const char *data,
    playfab_identity_t *out);
static int identity_check(const char *data);
static int fault_of(const char *json, playfab_fault_t *fault);
static void test_spec_token(void);
static void test_spec_identity(void);
static void test_spec_party(void);
static void test_spec_error(void);
static void test_malformed_json(void);
static void test_malformed_shapes(void);
static void test_numbers(void);
static void test_depth(void);
static void test_strict(void);
static void test_escaped(void);
static void test_long(void);
static void test_nul(void);
static void test_free(void);
static void test_fault_name(void);
static void test_fault_message(void);
static void test_fault_truncation(void);
static void test_retry_after(void);
static void test_token(void);
static void test_token_length(void);
static void test_party_ids(void);
static void test_party_descriptor(void);
static void test_party_types(void);
static void test_party_json(void);
static void test_identity(void);
static void test_identity_bad(void);


static const char  spec_token[] =
    "{\"code\":200,\"status\":\"OK\",\"data\":{"
    "\"EntityToken\":\"lS2hbYH1Gls1KbnlyozHSQBrF4zsq6q006ci9ijSNqQUiiO6xyCQ"
    "tVrLjsXjdBJ\",\"TokenExpiration\":\"2022-01-26T07:24:12Z\","
    "\"Entity\":{\"Id\":\"174812abf712\",\"Type\":\"title_player_account\","
    "\"TypeString\":\"title_player_account\"}}}";

static const char  spec_identity[] =
    "{\"code\":200,\"status\":\"OK\",\"data\":{"
    "\"Lineage\":{\"NamespaceId\":\"1679471093\",\"TitleId\":\"26917491733\","
    "\"MasterPlayerAccountId\":\"1234567787392\","
    "\"TitlePlayerAccountId\":\"42434567785265\"},"
    "\"IdentityProvider\":\"PlayFab\",\"IdentifiedDeviceType\":\"XboxOne\","
    "\"IdentityProviderIssuedId\":\"2533274790395904\","
    "\"Entity\":{\"Id\":\"42434567785265\",\"Type\":\"title_player_account\","
    "\"TypeString\":\"title_player_account\"}}}";

static const char  spec_party[] =
    "{\"code\":200,\"status\":\"OK\",\"data\":{"
    "\"PartyId\":\"" GUID "\","
    "\"SerializedNetworkDescriptor\":\"" DESCRIPTOR "\","
    "\"InvitationId\":\"" INVITATION "\"}}";

static const char  spec_error[] =
    "{\"code\":400,\"status\":\"BadRequest\",\"error\":\"InvalidParams\","
    "\"errorCode\":1000,\"errorMessage\":\"Invalid input parameters\","
    "\"errorDetails\":{\"PreferredRegions\":[\"The PreferredRegions field "
    "is required.\"]}}";


/*
 * parses an exact-size copy so that ASan sees any read past the end; the
 * envelope points into it: it is kept until the next parse
 */

static char  *held;

static playfab_reply_e
parse(playfab_envelope_t *env, const char *json, size_t len)
{
    char             *copy;
    playfab_reply_e   rc;

    copy = malloc(len ? len : 1);

    if (copy == NULL) {
        abort();
    }

    memcpy(copy, json, len);
    rc = playfab_envelope_parse(env, copy, len);

    free(held);
    held = copy;

    return rc;
}


static playfab_reply_e
parse_str(playfab_envelope_t *env, const char *json)
{
    return parse(env, json, strlen(json));
}


static playfab_reply_e
kind(const char *json)
{
    playfab_reply_e     rc;
    playfab_envelope_t  env;

    rc = parse(&env, json, strlen(json));

    if (rc == PLAYFAB_REPLY_MALFORMED
        && (env.text != NULL || env.data != NULL || env.scratch != NULL
            || env.fault.code != 0
            || env.fault.retry_after != -1))
    {
        printf("# malformed reply left state behind\n");
        rc = (playfab_reply_e) -1;
    }

    playfab_envelope_free(&env);

    return rc;
}


static char *
repeat(char c, size_t n)
{
    char  *s;

    s = malloc(n + 1);

    if (s == NULL) {
        abort();
    }

    memset(s, c, n);
    s[n] = '\0';

    return s;
}


static char *
format(const char *fmt, ...)
{
    int       n;
    char     *s;
    va_list   args;

    va_start(args, fmt);
    n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);

    s = malloc((size_t) n + 1);

    if (s == NULL) {
        abort();
    }

    va_start(args, fmt);
    vsnprintf(s, (size_t) n + 1, fmt, args);
    va_end(args);

    return s;
}


/* a success envelope around data: 0 when it is PLAYFAB_REPLY_OK */

static int
parse_ok(playfab_envelope_t *env, const char *data)
{
    char             *json;
    playfab_reply_e   rc;

    json = format("{\"code\":200,\"status\":\"OK\",\"data\":%s}", data);
    rc = parse(env, json, strlen(json));
    free(json);

    return rc == PLAYFAB_REPLY_OK ? 0 : -2;
}


static int
token_rc(const char *data, playfab_token_reply_t *out)
{
    int                 rc;
    playfab_envelope_t  env;

    rc = parse_ok(&env, data);

    if (rc == 0) {
        rc = playfab_token_reply(&env, out);
    }

    playfab_envelope_free(&env);

    return rc;
}


static int
token_str(const char *token)
{
    int                    rc;
    char                  *data;
    playfab_token_reply_t  out;

    data = format(TOKEN_DATA_FMT, token);
    rc = token_rc(data, &out);
    free(data);

    return rc;
}


static int
party_data_rc(const char *data)
{
    int                    rc;
    playfab_envelope_t     env;
    playfab_party_reply_t  out;

    rc = parse_ok(&env, data);

    if (rc == 0) {
        rc = playfab_party_reply(&env, &out);
    }

    playfab_envelope_free(&env);

    return rc;
}


static int
party_rc(const char *party, const char *invitation, const char *descriptor)
{
    int    rc;
    char  *data;

    data = format(PARTY_DATA_FMT, party, invitation, descriptor);
    rc = party_data_rc(data);
    free(data);

    return rc;
}


/* the caller frees env: out points into it */

static int
identity_rc(playfab_envelope_t *env, const char *data,
    playfab_identity_t *out)
{
    int  rc;

    rc = parse_ok(env, data);

    return rc == 0 ? playfab_identity_reply(env, out) : rc;
}


static int
identity_check(const char *data)
{
    int                 rc;
    playfab_envelope_t  env;
    playfab_identity_t  id;

    rc = identity_rc(&env, data, &id);
    playfab_envelope_free(&env);

    return rc;
}


/* 0 and the fault of an error envelope, else -1 */

static int
fault_of(const char *json, playfab_fault_t *fault)
{
    playfab_reply_e     rc;
    playfab_envelope_t  env;

    rc = parse(&env, json, strlen(json));
    *fault = env.fault;
    playfab_envelope_free(&env);

    return rc == PLAYFAB_REPLY_ERROR ? 0 : -1;
}


static void
test_spec_token(void)
{
    playfab_reply_e        rc;
    playfab_envelope_t     env;
    playfab_token_reply_t  tok;
    playfab_party_reply_t  party;
    playfab_identity_t     id;

    rc = parse(&env, spec_token, sizeof(spec_token) - 1);
    CHECK(rc == PLAYFAB_REPLY_OK);
    CHECK(env.text != NULL && env.data != NULL);
    CHECK(env.fault.code == 200);
    CHECK(env.fault.retry_after == -1);

    CHECK(playfab_token_reply(&env, &tok) == 0);
    CHECK(tok.token_len == 63);
    CHECK(tok.token_len == strlen("lS2hbYH1Gls1KbnlyozHSQBrF4zsq6q006ci9ij"
                                  "SNqQUiiO6xyCQtVrLjsXjdBJ"));
    CHECK(memcmp(tok.token, "lS2hbYH1Gls1", 12) == 0);
    CHECK(tok.expires == 1643181852);

    /* the other operations' data is not there */
    CHECK(playfab_party_reply(&env, &party) == -1);

    /* Entity is there, Lineage is not */
    CHECK(playfab_identity_reply(&env, &id) == 0);
    CHECK_SPAN(id.entity_id, id.entity_id_len, "174812abf712");
    CHECK(id.master_id == NULL && id.title_id == NULL);

    playfab_envelope_free(&env);
    CHECK(env.text == NULL && env.data == NULL && env.scratch == NULL);
}


static void
test_spec_identity(void)
{
    playfab_envelope_t     env;
    playfab_identity_t     id;
    playfab_token_reply_t  tok;

    CHECK(parse(&env, spec_identity, sizeof(spec_identity) - 1)
          == PLAYFAB_REPLY_OK);
    CHECK(playfab_identity_reply(&env, &id) == 0);

    CHECK_SPAN(id.entity_id, id.entity_id_len, "42434567785265");
    CHECK(id.entity_id_len == 14);
    CHECK_SPAN(id.entity_type, id.entity_type_len, "title_player_account");
    CHECK(id.entity_type_len == 20);
    CHECK_SPAN(id.master_id, id.master_id_len, "1234567787392");
    CHECK(id.master_id_len == 13);
    CHECK_SPAN(id.title_id, id.title_id_len, "26917491733");
    CHECK(id.title_id_len == 11);

    CHECK(playfab_token_reply(&env, &tok) == -1);

    playfab_envelope_free(&env);
}


static void
test_spec_party(void)
{
    playfab_envelope_t     env;
    playfab_party_reply_t  p;

    CHECK(parse(&env, spec_party, sizeof(spec_party) - 1)
          == PLAYFAB_REPLY_OK);
    CHECK(playfab_party_reply(&env, &p) == 0);

    CHECK(p.party_id_len == strlen(GUID)
          && memcmp(p.party_id, GUID, p.party_id_len) == 0);
    CHECK(p.invitation_id_len == strlen(INVITATION)
          && memcmp(p.invitation_id, INVITATION, p.invitation_id_len) == 0);
    CHECK(p.descriptor_len == strlen(DESCRIPTOR)
          && memcmp(p.descriptor, DESCRIPTOR, p.descriptor_len) == 0);

    playfab_envelope_free(&env);
}


static void
test_spec_error(void)
{
    playfab_reply_e        rc;
    playfab_envelope_t     env;
    playfab_token_reply_t  tok;
    playfab_party_reply_t  p;
    playfab_identity_t     id;

    rc = parse(&env, spec_error, sizeof(spec_error) - 1);
    CHECK(rc == PLAYFAB_REPLY_ERROR);
    CHECK(env.data == NULL);
    CHECK(env.fault.code == 400);
    CHECK(env.fault.error_code == 1000);
    CHECK_STR(env.fault.error, "InvalidParams");
    CHECK_STR(env.fault.message, "Invalid input parameters");
    CHECK(env.fault.retry_after == -1);

    /* extractors refuse an error envelope */
    CHECK(playfab_token_reply(&env, &tok) == -1);
    CHECK(playfab_party_reply(&env, &p) == -1);
    CHECK(playfab_identity_reply(&env, &id) == -1);

    playfab_envelope_free(&env);
    playfab_envelope_free(&env);

    /* the throttling and the not-enabled cases the module maps */
    rc = parse_str(&env, "{\"code\":429,\"status\":\"TooManyRequests\","
               "\"error\":\"APIRequestLimitExceeded\",\"errorCode\":1130,"
               "\"errorMessage\":\"The request rate limit was exceeded\","
               "\"retryAfterSeconds\":12}");
    CHECK(rc == PLAYFAB_REPLY_ERROR);
    CHECK(env.fault.code == 429 && env.fault.error_code == 1130);
    CHECK_STR(env.fault.error, "APIRequestLimitExceeded");
    CHECK(env.fault.retry_after == 12);
    playfab_envelope_free(&env);

    CHECK(kind("{\"code\":400,\"errorCode\":6000,"
               "\"error\":\"TitleNotEnabledForParty\"}")
          == PLAYFAB_REPLY_ERROR);

    /* "code" is optional in an error envelope: 0 */
    rc = parse_str(&env, "{\"errorCode\":1123}");
    CHECK(rc == PLAYFAB_REPLY_ERROR);
    CHECK(env.fault.code == 0 && env.fault.error_code == 1123);
    CHECK_STR(env.fault.error, "");
    CHECK_STR(env.fault.message, "");
    playfab_envelope_free(&env);

    /* nulls are absent members */
    rc = parse_str(&env, "{\"code\":null,\"status\":null,\"errorCode\":500,"
               "\"error\":null,\"errorMessage\":null,"
               "\"retryAfterSeconds\":null,\"data\":null}");
    CHECK(rc == PLAYFAB_REPLY_ERROR);
    CHECK(env.fault.code == 0 && env.fault.error_code == 500);
    CHECK(env.fault.retry_after == -1);
    playfab_envelope_free(&env);
}


static void
test_malformed_json(void)
{
    size_t              i;
    playfab_envelope_t  env;
    static const char  *bad[] = {
        "",
        " ",
        "\n\t ",
        "null",
        "true",
        "42",
        "\"code\"",
        "[]",
        "[{\"code\":200,\"data\":{}}]",
        "{",
        "}",
        "{\"code\":200,\"data\":{}",
        "{\"code\":200,\"data\":{\"EntityToken\":\"abc",
        "{\"code\":200,\"data\":{}}x",
        "{\"code\":200,\"data\":{}}{}",
        "{\"code\":200,\"data\":{}},",
        "{\"code\":200,\"data\":{},}",
        "{code:200,data:{}}",
        "{'code':200,'data':{}}",
        "{\"code\":200,\"data\":{}} // comment",
        "{\"code\":200 \"data\":{}}",
        "{\"code\":200,\"data\":{\"a\":\"\\x41\"}}",
        "{\"code\":200,\"data\":{\"a\":\"\\udc00\"}}",
        "{\"code\":200,\"data\":{\"a\":\"\\ud800\"}}",
        "{\"code\":NaN,\"errorCode\":1}",
        "{\"code\":Infinity,\"errorCode\":1}",
        "{\"code\":-Infinity,\"errorCode\":1}",
        "{\"code\":nan,\"data\":{}}",
        "{\"code\":0x1F,\"errorCode\":1}",
        "{\"code\":+200,\"data\":{}}",
        "{\"code\":-,\"errorCode\":1}",
        "{\"code\":200,\"data\":{}}\x01",
        NULL
    };

    for (i = 0; bad[i] != NULL; i++) {
        if (kind(bad[i]) != PLAYFAB_REPLY_MALFORMED) {
            printf("# not malformed: %s\n", bad[i]);
            CHECK(0);
        }
    }

    CHECK(i > 30);

    CHECK(playfab_envelope_parse(&env, NULL, 0) == PLAYFAB_REPLY_MALFORMED);
    playfab_envelope_free(&env);
    CHECK(playfab_envelope_parse(&env, "{}", 0) == PLAYFAB_REPLY_MALFORMED);
    playfab_envelope_free(&env);

    /* trailing whitespace is fine, so is a shorter len than the text */
    CHECK(kind("{\"code\":200,\"data\":{}} \r\n\t") == PLAYFAB_REPLY_OK);
    CHECK(parse(&env, "{\"code\":200,\"data\":{}}garbage", 22)
          == PLAYFAB_REPLY_OK);
    playfab_envelope_free(&env);
}


static void
test_malformed_shapes(void)
{
    size_t              i;
    static const char  *bad[] = {
        "{}",
        "{\"status\":\"OK\"}",
        "{\"code\":200}",
        "{\"code\":200,\"status\":\"OK\"}",
        "{\"code\":200,\"data\":null}",
        "{\"code\":200,\"data\":[]}",
        "{\"code\":200,\"data\":\"{}\"}",
        "{\"code\":200,\"data\":1}",
        "{\"code\":200,\"data\":true}",
        "{\"data\":{}}",
        "{\"code\":null,\"data\":{}}",
        "{\"code\":\"200\",\"data\":{}}",
        "{\"code\":true,\"data\":{}}",
        "{\"code\":[200],\"data\":{}}",
        "{\"code\":201,\"data\":{}}",
        "{\"code\":0,\"data\":{}}",
        "{\"code\":200,\"status\":200,\"data\":{}}",
        "{\"code\":200,\"status\":{},\"data\":{}}",
        "{\"Code\":200,\"Data\":{}}",
        "{\"code\":200,\"Data\":{}}",
        "{\"code\":200,\"data\":{},\"errorCode\":1000}",
        "{\"code\":200,\"errorCode\":1000}",
        "{\"code\":400}",
        "{\"code\":400,\"error\":\"InvalidParams\"}",
        "{\"code\":400,\"errorcode\":1000}",
        "{\"code\":400,\"errorCode\":\"1000\"}",
        "{\"code\":400,\"errorCode\":true}",
        "{\"code\":400,\"errorCode\":[1000]}",
        "{\"code\":400,\"errorCode\":{}}",
        "{\"code\":\"400\",\"errorCode\":1000}",
        "{\"code\":400,\"status\":400,\"errorCode\":1000}",
        "{\"code\":400,\"errorCode\":1000,\"error\":1000}",
        "{\"code\":400,\"errorCode\":1000,\"error\":[\"x\"]}",
        "{\"code\":400,\"errorCode\":1000,\"errorMessage\":5}",
        "{\"code\":400,\"errorCode\":1000,\"errorMessage\":{}}",
        "{\"code\":400,\"errorCode\":1000,\"errorMessage\":false}",
        "{\"code\":400,\"errorCode\":1000,\"retryAfterSeconds\":\"5\"}",
        "{\"code\":400,\"errorCode\":1000,\"retryAfterSeconds\":[5]}",
        "{\"code\":400,\"errorCode\":1000,\"retryAfterSeconds\":true}",
        NULL
    };

    for (i = 0; bad[i] != NULL; i++) {
        if (kind(bad[i]) != PLAYFAB_REPLY_MALFORMED) {
            printf("# not malformed: %s\n", bad[i]);
            CHECK(0);
        }
    }

    CHECK(i > 35);
}


static void
test_numbers(void)
{
    playfab_fault_t  f;

    CHECK(kind("{\"code\":200.5,\"data\":{}}") == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":200.0,\"data\":{}}") == PLAYFAB_REPLY_OK);
    CHECK(kind("{\"code\":1e400,\"errorCode\":1}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":-1e400,\"errorCode\":1}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":400,\"errorCode\":1000.25}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":400,\"errorCode\":1e400}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":400,\"errorCode\":2147483648}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":400,\"errorCode\":-2147483649}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":400,\"errorCode\":1e19}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":4294967696,\"errorCode\":1}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":4294967496,\"data\":{}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":400,\"errorCode\":1"
               "0000000000000000000000000000000000000000000000000000000000"
               "0000000000000000000000000000000000000000000000000000000000}")
          == PLAYFAB_REPLY_MALFORMED);

    CHECK(fault_of("{\"code\":400,\"errorCode\":2147483647}", &f) == 0);
    CHECK(f.error_code == 2147483647);
    CHECK(fault_of("{\"code\":-400,\"errorCode\":-2147483648}", &f) == 0);
    CHECK(f.error_code == (-2147483647 - 1) && f.code == -400);
    CHECK(fault_of("{\"code\":5e2,\"errorCode\":-0}", &f) == 0);
    CHECK(f.code == 500 && f.error_code == 0);
}


static void
test_depth(void)
{
    char  *json;

    /* the envelope and data are 2 levels: 6 more make 8, accepted */
    CHECK(kind("{\"code\":200,\"data\":{\"a\":[[[[[[1]]]]]]}}")
          == PLAYFAB_REPLY_OK);
    CHECK(kind("{\"code\":200,\"data\":{\"a\":[[[[[[[1]]]]]]]}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":400,\"errorCode\":1,\"errorDetails\":"
               "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}}")
          == PLAYFAB_REPLY_MALFORMED);

    /* brackets inside strings do not count */
    CHECK(kind("{\"code\":200,\"data\":{\"a\":\"[[[[[[[[[[{{{{{{{{\","
               "\"b\":\"\\\"[[[[[[[[[[\"}}")
          == PLAYFAB_REPLY_OK);

    /* a nesting bomb is refused before cJSON sees it */
    json = repeat('[', 100000);
    CHECK(kind(json) == PLAYFAB_REPLY_MALFORMED);
    free(json);
}


/*
 * The reader is strict where cJSON was lenient: numbers and blanks as
 * RFC 8259 has them, "\u" with four hexadecimal digits; raw control
 * bytes inside strings are still taken (an errorMessage's are blanked).
 */

static void
test_strict(void)
{
    CHECK(kind("{\"code\":200,\"data\":{\"a\":01}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":200,\"data\":{\"a\":1.}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":200,\"data\":{\"a\":.5}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":200,\x01\"data\":{}}") == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("\x0c{\"code\":200,\"data\":{}}") == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":200,\"data\":{\"a\":\"\\uZZZZ\"}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":200,\"data\":{\"a\":\"\\u00\"}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":200,\"data\":{\"a\":\"x\x01y\"}}")
          == PLAYFAB_REPLY_OK);
    CHECK(kind("\xef\xbb\xbf{\"code\":200,\"data\":{}}") == PLAYFAB_REPLY_OK);
}


/* names are compared decoded; strings decode into env's own copy */

static void
test_escaped(void)
{
    playfab_envelope_t     env;
    playfab_party_reply_t  p;
    playfab_fault_t        f;

    CHECK(parse_str(&env, "{\"c\\u006fde\":200,\"data\":{"
                    "\"P\\u0061rtyId\":\"" GUID "\","
                    "\"InvitationId\":\"a\\\"b\\u00e9\","
                    "\"SerializedNetworkDescriptor\":\"AA\\/\\/\"}}")
          == PLAYFAB_REPLY_OK);
    CHECK(env.scratch != NULL);
    CHECK(playfab_party_reply(&env, &p) == 0);
    CHECK_SPAN(p.party_id, p.party_id_len, GUID);
    CHECK_SPAN(p.invitation_id, p.invitation_id_len, "a\"b\xc3\xa9");
    CHECK_SPAN(p.descriptor, p.descriptor_len, "AA//");
    playfab_envelope_free(&env);
    CHECK(env.scratch == NULL);

    /* the first of two members of a name counts, as cJSON had it */
    CHECK(fault_of("{\"errorCode\":1,\"error\":\"First\","
                   "\"err\\u006fr\":\"Second\"}", &f) == 0);
    CHECK_STR(f.error, "First");
    CHECK(fault_of("{\"errorCode\":null,\"errorCode\":7,\"code\":1}", &f)
          == -1);
}


/* a reply with more values than a tape holds inline */

static void
test_long(void)
{
    size_t                 i;
    char                  *json, *p;
    playfab_envelope_t     env;
    playfab_party_reply_t  party;

    json = malloc(8 * PLAYFAB_JSON_TAPE + 256);

    if (json == NULL) {
        abort();
    }

    p = json + sprintf(json, "{\"code\":200,\"data\":{\"Extra\":[");

    for (i = 0; i < 2 * PLAYFAB_JSON_TAPE; i++) {
        p += sprintf(p, "%s%zu", i ? "," : "", i);
    }

    sprintf(p, "],\"PartyId\":\"p\",\"InvitationId\":\"i\","
               "\"SerializedNetworkDescriptor\":\"AAAA\"}}");

    CHECK(parse_str(&env, json) == PLAYFAB_REPLY_OK);
    CHECK(env.json.n > 2 * PLAYFAB_JSON_TAPE
          && env.json.tape != env.json.inline_tape);
    CHECK(playfab_party_reply(&env, &party) == 0);
    CHECK_SPAN(party.invitation_id, party.invitation_id_len, "i");
    playfab_envelope_free(&env);

    free(json);
}


static void
test_nul(void)
{
    playfab_envelope_t  env;
    static const char   raw[] =
        "{\"code\":200,\"data\":{\"EntityToken\":\"ab\0cd\"}}";

    CHECK(parse(&env, raw, sizeof(raw) - 1) == PLAYFAB_REPLY_MALFORMED);
    playfab_envelope_free(&env);

    CHECK(kind("{\"code\":200,\"data\":{\"EntityToken\":\"ab\\u0000cd\"}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":400,\"errorCode\":1,\"errorMessage\":"
               "\"cut\\u0000here\"}")
          == PLAYFAB_REPLY_MALFORMED);

    /* an escaped backslash followed by "u0000" is only text */
    CHECK(kind("{\"code\":200,\"data\":{\"a\":\"\\\\u0000\"}}")
          == PLAYFAB_REPLY_OK);
    CHECK(kind("{\"code\":200,\"data\":{\"a\":\"\\\\\\u0000\"}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":200,\"data\":{\"a\":\"\\u0001\\u00000\"}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(kind("{\"code\":200,\"data\":{\"a\":\"\\u0100\"}}")
          == PLAYFAB_REPLY_OK);
}


static void
test_free(void)
{
    playfab_envelope_t  env;

    CHECK(parse(&env, "[1,2", 4) == PLAYFAB_REPLY_MALFORMED);
    CHECK(env.text == NULL && env.scratch == NULL);
    playfab_envelope_free(&env);
    playfab_envelope_free(&env);

    CHECK(parse(&env, "[1,2]", 5) == PLAYFAB_REPLY_MALFORMED);
    CHECK(env.text == NULL && env.scratch == NULL);
    playfab_envelope_free(&env);

    CHECK(parse_str(&env, "{\"code\":201,\"data\":{}}")
          == PLAYFAB_REPLY_MALFORMED);
    CHECK(env.text == NULL && env.data == NULL && env.fault.code == 0);
    playfab_envelope_free(&env);

    /* a fault half filled before a bad member is wiped */
    CHECK(parse_str(&env, "{\"code\":400,\"errorCode\":1,\"error\":\"X\","
                "\"errorMessage\":7}") == PLAYFAB_REPLY_MALFORMED);
    CHECK(env.fault.code == 0 && env.fault.error_code == 0);
    CHECK(env.fault.error[0] == '\0' && env.fault.retry_after == -1);
    playfab_envelope_free(&env);

    CHECK(parse(&env, spec_token, sizeof(spec_token) - 1)
          == PLAYFAB_REPLY_OK);
    playfab_envelope_free(&env);
    playfab_envelope_free(&env);
}


static void
test_fault_name(void)
{
    char            *json, *name;
    playfab_fault_t  f;

    CHECK(fault_of("{\"errorCode\":1,\"error\":\"Party Bad Request!\"}", &f)
          == 0);
    CHECK_STR(f.error, "Party Bad Request!");

    CHECK(fault_of("{\"errorCode\":1,\"error\":\"Bad\\nName\"}", &f) == 0);
    CHECK_STR(f.error, "");
    CHECK(fault_of("{\"errorCode\":1,\"error\":\"Bad\\u007fName\"}", &f)
          == 0);
    CHECK_STR(f.error, "");
    CHECK(fault_of("{\"errorCode\":1,\"error\":\"Caf\xc3\xa9\"}", &f) == 0);
    CHECK_STR(f.error, "");
    CHECK(fault_of("{\"errorCode\":1,\"error\":\"\"}", &f) == 0);
    CHECK_STR(f.error, "");

    name = repeat('N', PLAYFAB_ERROR_NAME_MAX - 1);
    json = format("{\"errorCode\":1,\"error\":\"%s\"}", name);
    CHECK(fault_of(json, &f) == 0);
    CHECK_STR(f.error, name);
    free(json);
    free(name);

    name = repeat('N', PLAYFAB_ERROR_NAME_MAX);
    json = format("{\"errorCode\":1,\"error\":\"%s\"}", name);
    CHECK(fault_of(json, &f) == 0);
    CHECK_STR(f.error, "");
    free(json);
    free(name);
}


static void
test_fault_message(void)
{
    playfab_fault_t  f;

    CHECK(fault_of("{\"errorCode\":1,\"errorMessage\":"
                   "\"a\\nb\\rc\\td\\u0001e\\u001ff\\u007fg\x01h\x7fi\"}",
                   &f) == 0);
    CHECK_STR(f.message, "a b c d e f g h i");

    /* valid UTF-8 is kept, C1 controls included */
    CHECK(fault_of("{\"errorCode\":1,\"errorMessage\":"
                   "\"\xe2\x82\xac \xf0\x9f\x98\x80 \\u00e9 \xc2\x85\"}",
                   &f) == 0);
    CHECK_STR(f.message, "\xe2\x82\xac \xf0\x9f\x98\x80 \xc3\xa9 \xc2\x85");

    /* invalid sequences: a '?' for every byte that does not start one */
    CHECK(fault_of("{\"errorCode\":1,\"errorMessage\":"
                   "\"a\xff" "b\x80" "c\xc0\xaf" "d\xed\xa0\x80"
                   "e\xf4\x90\x80\x80" "f\xe2\x82" "g\xf8\x88\x80\x80\x80"
                   "h\xc3\"}", &f) == 0);
    CHECK_STR(f.message, "a?b?c??d???e????f??g?????h?");

    CHECK(fault_of("{\"errorCode\":1,\"errorMessage\":\"\"}", &f) == 0);
    CHECK_STR(f.message, "");
}


static void
test_fault_truncation(void)
{
    char            *json, *msg, *want;
    size_t           max;
    playfab_fault_t  f;

    max = PLAYFAB_ERROR_MSG_MAX - 1;

    /* exactly fits */
    msg = repeat('m', max);
    json = format("{\"errorCode\":1,\"errorMessage\":\"%s\"}", msg);
    CHECK(fault_of(json, &f) == 0);
    CHECK_STR(f.message, msg);
    free(json);
    free(msg);

    /* cut */
    msg = repeat('m', 5000);
    json = format("{\"errorCode\":1,\"errorMessage\":\"%s\"}", msg);
    CHECK(fault_of(json, &f) == 0);
    CHECK(strlen(f.message) == max);
    CHECK(strspn(f.message, "m") == max);
    free(json);
    free(msg);

    /* a 3-byte sequence that would not fit is left out whole */
    msg = repeat('m', max - 1);
    json = format("{\"errorCode\":1,\"errorMessage\":\"%s\xe2\x82\xac\"}", msg);
    CHECK(fault_of(json, &f) == 0);
    CHECK_STR(f.message, msg);
    free(json);
    free(msg);

    /* and one that just fits is kept */
    msg = repeat('m', max - 3);
    want = format("%s\xe2\x82\xac", msg);
    json = format("{\"errorCode\":1,\"errorMessage\":\"%s\xe2\x82\xac"
                  "tail\"}", msg);
    CHECK(fault_of(json, &f) == 0);
    CHECK_STR(f.message, want);
    free(json);
    free(msg);
    free(want);

    /* replacements count as one byte each */
    msg = repeat('\x80', 1000);
    json = format("{\"errorCode\":1,\"errorMessage\":\"%s\"}", msg);
    CHECK(fault_of(json, &f) == 0);
    CHECK(strlen(f.message) == max && strspn(f.message, "?") == max);
    free(json);
    free(msg);
}


static void
test_retry_after(void)
{
    size_t           i;
    char            *json;
    playfab_fault_t  f;
    static const struct {
        const char  *value;
        long         want;
    } cases[] = {
        { "0", 0 },
        { "1", 1 },
        { "30.0", 30 },
        { "86400", 86400 },
        { "86401", -1 },
        { "-1", -1 },
        { "-0", 0 },
        { "1.5", -1 },
        { "0.000001", -1 },
        { "1e300", -1 },
        { "1e400", -1 },
        { "-1e400", -1 },
        { "9223372036854775807", -1 },
        { "null", -1 },
        { NULL, 0 }
    };

    for (i = 0; cases[i].value != NULL; i++) {
        json = format("{\"code\":429,\"errorCode\":1130,"
                      "\"retryAfterSeconds\":%s}", cases[i].value);

        if (fault_of(json, &f) != 0 || f.retry_after != cases[i].want) {
            printf("# retryAfterSeconds %s: %ld\n", cases[i].value,
                   f.retry_after);
            CHECK(0);

        } else {
            CHECK(1);
        }

        free(json);
    }

    CHECK(fault_of("{\"code\":429,\"errorCode\":1130}", &f) == 0);
    CHECK(f.retry_after == -1);
}


static void
test_token(void)
{
    playfab_token_reply_t  t;

    CHECK(token_str("abc") == 0);
    CHECK(token_str("!~") == 0);
    CHECK(token_str("") == -1);
    CHECK(token_str("ab cd") == -1);
    CHECK(token_str("abcd ") == -1);
    CHECK(token_str("ab\\r\\nX-Injected: 1") == -1);
    CHECK(token_str("ab\\ncd") == -1);
    CHECK(token_str("ab\\rcd") == -1);
    CHECK(token_str("ab\\tcd") == -1);
    CHECK(token_str("ab\\u007fcd") == -1);
    CHECK(token_str("ab\\u00e9cd") == -1);
    CHECK(token_str("ab\xc3\xa9" "cd") == -1);
    CHECK(token_str("ab\x01" "cd") == -1);

    CHECK(token_rc("{\"EntityToken\":\"abc\","
                   "\"TokenExpiration\":\"2022-01-26T08:24:12.5+01:00\"}",
                   &t) == 0);
    CHECK(t.token_len == 3 && t.expires == 1643181852);

    CHECK(token_rc("{\"EntityToken\":\"abc\"}", &t) == -1);
    CHECK(token_rc("{\"TokenExpiration\":\"2022-01-26T07:24:12Z\"}", &t)
          == -1);
    CHECK(token_rc("{\"EntityToken\":null,"
                   "\"TokenExpiration\":\"2022-01-26T07:24:12Z\"}", &t)
          == -1);
    CHECK(token_rc("{\"EntityToken\":123,"
                   "\"TokenExpiration\":\"2022-01-26T07:24:12Z\"}", &t)
          == -1);
    CHECK(token_rc("{\"EntityToken\":[\"abc\"],"
                   "\"TokenExpiration\":\"2022-01-26T07:24:12Z\"}", &t)
          == -1);
    CHECK(token_rc("{\"entitytoken\":\"abc\","
                   "\"TokenExpiration\":\"2022-01-26T07:24:12Z\"}", &t)
          == -1);
    CHECK(token_rc("{\"EntityToken\":\"abc\","
                   "\"TokenExpiration\":1643181852}", &t) == -1);
    CHECK(token_rc("{\"EntityToken\":\"abc\","
                   "\"TokenExpiration\":\"2022-01-26\"}", &t) == -1);
    CHECK(token_rc("{\"EntityToken\":\"abc\","
                   "\"TokenExpiration\":\"2023-02-29T00:00:00Z\"}", &t)
          == -1);
    CHECK(token_rc("{\"EntityToken\":\"abc\","
                   "\"TokenExpiration\":\"\"}", &t) == -1);
    CHECK(token_rc("{\"EntityToken\":\"abc\",\"TokenExpiration\":"
                   "\"2022-01-26T07:24:12Z                          "
                   "                                          \"}", &t)
          == -1);
}


static void
test_token_length(void)
{
    char                   *token, *data;
    playfab_token_reply_t   t;

    token = repeat('T', PLAYFAB_TOKEN_MAX);
    data = format(TOKEN_DATA_FMT, token);
    CHECK(token_rc(data, &t) == 0);
    CHECK(t.token_len == PLAYFAB_TOKEN_MAX);
    free(data);
    free(token);

    token = repeat('T', PLAYFAB_TOKEN_MAX + 1);
    CHECK(token_str(token) == -1);
    free(token);

    token = repeat('T', 100000);
    CHECK(token_str(token) == -1);
    free(token);
}


static void
test_party_ids(void)
{
    char  *s;

    CHECK(party_rc(GUID, INVITATION, DESCRIPTOR) == 0);
    CHECK(party_rc("a.b_c:d-E9", INVITATION, DESCRIPTOR) == 0);

    CHECK(party_rc("", INVITATION, DESCRIPTOR) == -1);
    CHECK(party_rc("12baef1e e31e", INVITATION, DESCRIPTOR) == -1);
    CHECK(party_rc("12baef1e/e31e", INVITATION, DESCRIPTOR) == -1);
    CHECK(party_rc("{12baef1e}", INVITATION, DESCRIPTOR) == -1);
    CHECK(party_rc("12baef1e\\n", INVITATION, DESCRIPTOR) == -1);
    CHECK(party_rc("caf\xc3\xa9", INVITATION, DESCRIPTOR) == -1);

    s = repeat('p', 128);
    CHECK(party_rc(s, INVITATION, DESCRIPTOR) == 0);
    free(s);
    s = repeat('p', 129);
    CHECK(party_rc(s, INVITATION, DESCRIPTOR) == -1);
    free(s);

    /* InvitationId: any UTF-8 text without controls */
    CHECK(party_rc(GUID, "my lobby \xe2\x82\xac \\\"1\\\"", DESCRIPTOR)
          == 0);
    CHECK(party_rc(GUID, "\\ud83d\\ude00", DESCRIPTOR) == 0);
    CHECK(party_rc(GUID, "", DESCRIPTOR) == -1);
    CHECK(party_rc(GUID, "a\\nb", DESCRIPTOR) == -1);
    CHECK(party_rc(GUID, "a\\u0001b", DESCRIPTOR) == -1);
    CHECK(party_rc(GUID, "a\\u007fb", DESCRIPTOR) == -1);
    CHECK(party_rc(GUID, "a\xff" "b", DESCRIPTOR) == -1);
    CHECK(party_rc(GUID, "a\xc0\xaf" "b", DESCRIPTOR) == -1);
    CHECK(party_rc(GUID, "a\xed\xa0\x80" "b", DESCRIPTOR) == -1);
    CHECK(party_rc(GUID, "a\xe2\x82", DESCRIPTOR) == -1);

    s = repeat('i', 512);
    CHECK(party_rc(GUID, s, DESCRIPTOR) == 0);
    free(s);
    s = repeat('i', 513);
    CHECK(party_rc(GUID, s, DESCRIPTOR) == -1);
    free(s);
}


static void
test_party_descriptor(void)
{
    char  *s;

    CHECK(party_rc(GUID, INVITATION, "AAAA") == 0);
    CHECK(party_rc(GUID, INVITATION, "AAA=") == 0);
    CHECK(party_rc(GUID, INVITATION, "AA==") == 0);
    CHECK(party_rc(GUID, INVITATION, "AAA") == 0);
    CHECK(party_rc(GUID, INVITATION, "AA") == 0);
    CHECK(party_rc(GUID, INVITATION, "+/09azAZ") == 0);
    CHECK(party_rc(GUID, INVITATION, "\\/\\/AA") == 0);

    CHECK(party_rc(GUID, INVITATION, "") == -1);
    CHECK(party_rc(GUID, INVITATION, "A") == -1);
    CHECK(party_rc(GUID, INVITATION, "AAAAA") == -1);
    CHECK(party_rc(GUID, INVITATION, "=") == -1);
    CHECK(party_rc(GUID, INVITATION, "==") == -1);
    CHECK(party_rc(GUID, INVITATION, "====") == -1);
    CHECK(party_rc(GUID, INVITATION, "A===") == -1);
    CHECK(party_rc(GUID, INVITATION, "AA=") == -1);
    CHECK(party_rc(GUID, INVITATION, "AA=A") == -1);
    CHECK(party_rc(GUID, INVITATION, "=AAA") == -1);
    CHECK(party_rc(GUID, INVITATION, "AA==AAAA") == -1);
    CHECK(party_rc(GUID, INVITATION, "AAAA====") == -1);
    CHECK(party_rc(GUID, INVITATION, "AA-_") == -1);
    CHECK(party_rc(GUID, INVITATION, "AA A") == -1);
    CHECK(party_rc(GUID, INVITATION, "AA.A") == -1);
    CHECK(party_rc(GUID, INVITATION, "AA\\nA") == -1);
    CHECK(party_rc(GUID, INVITATION, "AA\xc3\xa9") == -1);
    CHECK(party_rc(GUID, INVITATION, "AAAA\\r\\n") == -1);

    s = repeat('D', 8192);
    CHECK(party_rc(GUID, INVITATION, s) == 0);
    free(s);
    s = repeat('D', 8196);
    CHECK(party_rc(GUID, INVITATION, s) == -1);
    free(s);
}


static void
test_party_types(void)
{
    CHECK(party_data_rc("{\"PartyId\":1,\"InvitationId\":\"i\","
                        "\"SerializedNetworkDescriptor\":\"AAAA\"}") == -1);
    CHECK(party_data_rc("{\"PartyId\":\"p\",\"InvitationId\":[\"i\"],"
                        "\"SerializedNetworkDescriptor\":\"AAAA\"}") == -1);
    CHECK(party_data_rc("{\"PartyId\":\"p\",\"InvitationId\":\"i\","
                        "\"SerializedNetworkDescriptor\":{}}") == -1);
    CHECK(party_data_rc("{\"PartyId\":\"p\",\"InvitationId\":\"i\","
                        "\"SerializedNetworkDescriptor\":null}") == -1);
    CHECK(party_data_rc("{\"InvitationId\":\"i\","
                        "\"SerializedNetworkDescriptor\":\"AAAA\"}") == -1);
    CHECK(party_data_rc("{\"PartyId\":\"p\","
                        "\"SerializedNetworkDescriptor\":\"AAAA\"}") == -1);
    CHECK(party_data_rc("{\"PartyId\":\"p\",\"InvitationId\":\"i\"}") == -1);
    CHECK(party_data_rc("{\"partyid\":\"p\",\"InvitationId\":\"i\","
                        "\"SerializedNetworkDescriptor\":\"AAAA\"}") == -1);
    CHECK(party_data_rc("{\"PartyId\":\"p\",\"InvitationId\":\"i\","
                        "\"SerializedNetworkDescriptor\":\"AAAA\","
                        "\"Extra\":[1,2,3]}") == 0);
}


static void
test_party_json(void)
{
    char                   *buf;
    size_t                  n;
    playfab_party_reply_t   p;
    playfab_envelope_t      env;
    static const char       want[] =
        "{\"PartyId\":\"" GUID "\",\"InvitationId\":\"" INVITATION "\","
        "\"SerializedNetworkDescriptor\":\"" DESCRIPTOR "\"}";

    CHECK(parse(&env, spec_party, sizeof(spec_party) - 1)
          == PLAYFAB_REPLY_OK);
    CHECK(playfab_party_reply(&env, &p) == 0);

    n = playfab_party_reply_json(&p, NULL);
    CHECK(n == sizeof(want) - 1);

    /* exactly n bytes: ASan sees a write past them */
    buf = malloc(n);
    CHECK(buf != NULL && playfab_party_reply_json(&p, buf) == n);
    CHECK(buf != NULL && memcmp(buf, want, n) == 0);
    free(buf);
    playfab_envelope_free(&env);

    /* the InvitationId is escaped again on the way out */
    CHECK(parse_ok(&env, "{\"PartyId\":\"p\",\"InvitationId\":"
                   "\"say \\\"hi\\\" \\\\ \xe2\x82\xac\","
                   "\"SerializedNetworkDescriptor\":\"AA==\"}") == 0);
    CHECK(playfab_party_reply(&env, &p) == 0);

    n = playfab_party_reply_json(&p, NULL);
    buf = malloc(n + 1);
    CHECK(buf != NULL && playfab_party_reply_json(&p, buf) == n);

    if (buf) {
        buf[n] = '\0';
        CHECK_STR(buf, "{\"PartyId\":\"p\",\"InvitationId\":"
                       "\"say \\\"hi\\\" \\\\ \xe2\x82\xac\","
                       "\"SerializedNetworkDescriptor\":\"AA==\"}");
    }

    free(buf);
    playfab_envelope_free(&env);
}


static void
test_identity(void)
{
    char                *s, *data;
    playfab_envelope_t   env;
    playfab_identity_t   id;

    CHECK(identity_rc(&env, "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"title\"}}",
                      &id) == 0);
    CHECK_SPAN(id.entity_id, id.entity_id_len, "E1");
    CHECK(id.entity_id_len == 2);
    CHECK_SPAN(id.entity_type, id.entity_type_len, "title");
    CHECK(id.entity_type_len == 5);
    CHECK(id.master_id == NULL && id.master_id_len == 0);
    CHECK(id.title_id == NULL && id.title_id_len == 0);
    playfab_envelope_free(&env);

    CHECK(identity_rc(&env, "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\"},"
                      "\"Lineage\":{\"TitleId\":\"ABCD\"}}", &id) == 0);
    CHECK(id.master_id == NULL);
    CHECK_SPAN(id.title_id, id.title_id_len, "ABCD");
    CHECK(id.title_id_len == 4);
    playfab_envelope_free(&env);

    CHECK(identity_rc(&env, "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\"},"
                      "\"Lineage\":{\"MasterPlayerAccountId\":null,"
                      "\"TitleId\":null}}", &id) == 0);
    CHECK(id.master_id == NULL && id.title_id == NULL);
    playfab_envelope_free(&env);

    s = repeat('x', 128);
    data = format("{\"Entity\":{\"Id\":\"%s\",\"Type\":\"t\"},"
                  "\"Lineage\":{\"MasterPlayerAccountId\":\"%s\","
                  "\"TitleId\":\"%s\"}}", s, s, s);
    CHECK(identity_rc(&env, data, &id) == 0);
    CHECK(id.entity_id_len == 128 && id.master_id_len == 128
          && id.title_id_len == 128);
    playfab_envelope_free(&env);
    free(data);
    free(s);

    CHECK(identity_check("{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\"},"
                         "\"Lineage\":null}") == 0);
    CHECK(identity_check("{\"Entity\":{\"Id\":\"has space\","
                         "\"Type\":\"t\"}}") == 0);

    s = repeat('x', 129);
    data = format("{\"Entity\":{\"Id\":\"%s\",\"Type\":\"t\"}}", s);
    CHECK(identity_check(data) == -1);
    free(data);
    data = format("{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\"},"
                  "\"Lineage\":{\"MasterPlayerAccountId\":\"%s\"}}", s);
    CHECK(identity_check(data) == -1);
    free(data);
    free(s);
}


static void
test_identity_bad(void)
{
    size_t              i;
    static const char  *bad[] = {
        "{}",
        "{\"Entity\":null}",
        "{\"Entity\":\"E1\"}",
        "{\"Entity\":[\"E1\",\"t\"]}",
        "{\"entity\":{\"Id\":\"E1\",\"Type\":\"t\"}}",
        "{\"Entity\":{\"Type\":\"t\"}}",
        "{\"Entity\":{\"Id\":\"E1\"}}",
        "{\"Entity\":{\"Id\":null,\"Type\":\"t\"}}",
        "{\"Entity\":{\"Id\":1,\"Type\":\"t\"}}",
        "{\"Entity\":{\"Id\":\"E1\",\"Type\":{}}}",
        "{\"Entity\":{\"Id\":\"\",\"Type\":\"t\"}}",
        "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"\"}}",
        "{\"Entity\":{\"Id\":\"E\\r\\n1\",\"Type\":\"t\"}}",
        "{\"Entity\":{\"Id\":\"E\xc3\xa9\",\"Type\":\"t\"}}",
        "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\\u007f\"}}",
        "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\"},\"Lineage\":\"x\"}",
        "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\"},\"Lineage\":[]}",
        "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\"},"
            "\"Lineage\":{\"MasterPlayerAccountId\":12}}",
        "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\"},"
            "\"Lineage\":{\"TitleId\":\"\"}}",
        "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\"},"
            "\"Lineage\":{\"TitleId\":\"A\\tB\"}}",
        "{\"Entity\":{\"Id\":\"E1\",\"Type\":\"t\"},"
            "\"Lineage\":{\"TitleId\":[\"A\"]}}",
        NULL
    };

    for (i = 0; bad[i] != NULL; i++) {
        if (identity_check(bad[i]) != -1) {
            printf("# identity accepted: %s\n", bad[i]);
            CHECK(0);
        }
    }

    CHECK(i > 20);
}


int
main(void)
{
    test_spec_token();
    test_spec_identity();
    test_spec_party();
    test_spec_error();
    test_malformed_json();
    test_malformed_shapes();
    test_numbers();
    test_depth();
    test_strict();
    test_escaped();
    test_long();
    test_nul();
    test_free();
    test_fault_name();
    test_fault_message();
    test_fault_truncation();
    test_retry_after();
    test_token();
    test_token_length();
    test_party_ids();
    test_party_descriptor();
    test_party_types();
    test_party_json();
    test_identity();
    test_identity_bad();

    free(held);

    return UNIT_DONE();
}
