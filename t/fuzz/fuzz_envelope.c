/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * libFuzzer: a PlayFab reply through playfab_envelope_parse() and, for
 * a success envelope, the three data extractors.  What they accept must
 * have the documented character sets and bounds, and the client's reply
 * built from a party must be as long as counted and parse back to the
 * same three strings.
 */

#include <string.h>

#include <cjson/cJSON.h>

#include "playfab_json.h"
#include "playfab_reply.h"
#include "fuzz.h"


static void fuzz_fault(const playfab_fault_t *fault);
static void fuzz_token(const playfab_envelope_t *env);
static void fuzz_party(const playfab_envelope_t *env);
static void fuzz_identity(const playfab_envelope_t *env);
static int fuzz_ascii(const char *s, size_t len, unsigned char low);
static int fuzz_member_is(const cJSON *obj, const char *name, const char *s,
    size_t len);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    playfab_reply_e     rc;
    playfab_envelope_t  env;

    rc = playfab_envelope_parse(&env, (const char *) data, size);

    switch (rc) {

    case PLAYFAB_REPLY_OK:
        FUZZ_CHECK(env.text == (const char *) data && env.data != NULL
                   && *env.data == '{');
        fuzz_token(&env);
        fuzz_party(&env);
        fuzz_identity(&env);
        break;

    case PLAYFAB_REPLY_ERROR:
        FUZZ_CHECK(env.data == NULL);
        fuzz_fault(&env.fault);
        break;

    default:
        FUZZ_CHECK(rc == PLAYFAB_REPLY_MALFORMED);
        FUZZ_CHECK(env.text == NULL && env.data == NULL
                   && env.scratch == NULL);
        break;
    }

    playfab_envelope_free(&env);

    return 0;
}


static void
fuzz_fault(const playfab_fault_t *fault)
{
    size_t  n;

    n = strnlen(fault->error, sizeof(fault->error));
    FUZZ_CHECK(n < sizeof(fault->error));
    FUZZ_CHECK(fuzz_ascii(fault->error, n, 0x20));

    n = strnlen(fault->message, sizeof(fault->message));
    FUZZ_CHECK(n < sizeof(fault->message));
    FUZZ_CHECK(playfab_json_text_valid(fault->message, n));

    FUZZ_CHECK(fault->retry_after >= -1 && fault->retry_after <= 86400);
}


static void
fuzz_token(const playfab_envelope_t *env)
{
    playfab_token_reply_t  out;

    if (playfab_token_reply(env, &out) != 0) {
        return;
    }

    FUZZ_CHECK(out.token_len > 0 && out.token_len <= PLAYFAB_TOKEN_MAX);
    FUZZ_CHECK(fuzz_ascii(out.token, out.token_len, 0x21));

    /* 1970-01-01T00:00:00+23:59 .. 9999-12-31T23:59:59-23:59 */
    FUZZ_CHECK(out.expires > -86400 && out.expires < 253402387200LL);
}


static void
fuzz_party(const playfab_envelope_t *env)
{
    char                   *buf;
    size_t                  n;
    cJSON                  *root;
    const char             *end;
    playfab_party_reply_t   out;

    if (playfab_party_reply(env, &out) != 0) {
        return;
    }

    FUZZ_CHECK(playfab_json_text_valid(out.party_id, out.party_id_len));
    FUZZ_CHECK(playfab_json_text_valid(out.invitation_id,
                                       out.invitation_id_len));
    FUZZ_CHECK(fuzz_ascii(out.descriptor, out.descriptor_len, 0x21));

    n = playfab_party_reply_json(&out, NULL);

    buf = malloc(n);
    FUZZ_CHECK(buf != NULL);

    FUZZ_CHECK(playfab_party_reply_json(&out, buf) == n);

    root = cJSON_ParseWithLengthOpts(buf, n, &end, 0);

    FUZZ_CHECK(root != NULL && end == buf + n && cJSON_IsObject(root));
    FUZZ_CHECK(cJSON_GetArraySize(root) == 3);
    FUZZ_CHECK(fuzz_member_is(root, "PartyId", out.party_id,
                              out.party_id_len));
    FUZZ_CHECK(fuzz_member_is(root, "InvitationId", out.invitation_id,
                              out.invitation_id_len));
    FUZZ_CHECK(fuzz_member_is(root, "SerializedNetworkDescriptor",
                              out.descriptor, out.descriptor_len));

    cJSON_Delete(root);
    free(buf);
}


static void
fuzz_identity(const playfab_envelope_t *env)
{
    playfab_identity_t  out;

    if (playfab_identity_reply(env, &out) != 0) {
        return;
    }

    FUZZ_CHECK(out.entity_id_len > 0 && out.entity_id_len <= 128);
    FUZZ_CHECK(fuzz_ascii(out.entity_id, out.entity_id_len, 0x20));
    FUZZ_CHECK(out.entity_type_len > 0 && out.entity_type_len <= 128);
    FUZZ_CHECK(fuzz_ascii(out.entity_type, out.entity_type_len, 0x20));

    if (out.master_id) {
        FUZZ_CHECK(out.master_id_len > 0 && out.master_id_len <= 128);
        FUZZ_CHECK(fuzz_ascii(out.master_id, out.master_id_len, 0x20));
    }

    if (out.title_id) {
        FUZZ_CHECK(out.title_id_len > 0 && out.title_id_len <= 128);
        FUZZ_CHECK(fuzz_ascii(out.title_id, out.title_id_len, 0x20));
    }
}


/* every byte in [low, 0x7e] */

static int
fuzz_ascii(const char *s, size_t len, unsigned char low)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] < low || (unsigned char) s[i] > 0x7e) {
            return 0;
        }
    }

    return 1;
}


static int
fuzz_member_is(const cJSON *obj, const char *name, const char *s,
    size_t len)
{
    const cJSON  *item;

    item = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsString(item)
           && strlen(item->valuestring) == len
           && memcmp(item->valuestring, s, len) == 0;
}
