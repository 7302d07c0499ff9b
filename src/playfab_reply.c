/*
 * Copyright (C) ngx_http_playfab_party authors
 */

#include <limits.h>
#include <string.h>

#include "playfab_json.h"
#include "playfab_reply.h"
#include "playfab_time.h"


#define PLAYFAB_REPLY_RETRY_MAX       86400
#define PLAYFAB_REPLY_ID_MAX          128
#define PLAYFAB_REPLY_INVITATION_MAX  512    /* 127 characters of UTF-8 */
#define PLAYFAB_REPLY_DESCRIPTOR_MAX  8192
#define PLAYFAB_REPLY_TIME_MAX        64


static void playfab_reply_reset(playfab_envelope_t *env);
static int playfab_reply_has_nul(const char *buf, size_t len);
static int playfab_reply_blank(const char *p, size_t len);
static playfab_reply_e playfab_reply_classify(playfab_envelope_t *env);
static playfab_reply_e playfab_reply_fault(playfab_envelope_t *env,
    const cJSON *errcode);
static const cJSON *playfab_reply_get(const cJSON *obj, const char *name);
static int playfab_reply_int(const cJSON *item, int *out);
static long playfab_reply_retry(double d);
static void playfab_reply_name(char *dst, size_t size, const char *s);
static void playfab_reply_message(char *dst, size_t size, const char *s);
static size_t playfab_reply_utf8(const char *p, size_t len);
static int playfab_reply_string(const cJSON *obj, const char *name,
    size_t max, const char **s, size_t *len);
static int playfab_reply_id(const cJSON *obj, const char *name,
    const char **s, size_t *len);
static int playfab_reply_optional_id(const cJSON *obj, const char *name,
    const char **s, size_t *len);
static int playfab_reply_ascii(const char *s, size_t len, unsigned char low);
static int playfab_reply_alnum(unsigned char c);
static int playfab_reply_guid(const char *s, size_t len);
static int playfab_reply_base64(const char *s, size_t len);
static size_t playfab_reply_put(char *buf, size_t n, const char *lit);
static size_t playfab_reply_member(char *buf, size_t n, const char *prefix,
    const char *s, size_t len);


playfab_reply_e
playfab_envelope_parse(playfab_envelope_t *env, const char *buf, size_t len)
{
    cJSON            *root;
    const char       *end;
    playfab_reply_e   rc;

    playfab_reply_reset(env);

    if (buf == NULL
        || len == 0
        || playfab_json_depth(buf, len) > PLAYFAB_JSON_MAX_DEPTH
        || playfab_reply_has_nul(buf, len))
    {
        return PLAYFAB_REPLY_MALFORMED;
    }

    end = NULL;
    root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);

    if (root == NULL) {
        return PLAYFAB_REPLY_MALFORMED;
    }

    env->root = root;

    if (!cJSON_IsObject(root)
        || !playfab_reply_blank(end, (size_t) (buf + len - end)))
    {
        rc = PLAYFAB_REPLY_MALFORMED;

    } else {
        rc = playfab_reply_classify(env);
    }

    if (rc == PLAYFAB_REPLY_MALFORMED) {
        playfab_envelope_free(env);
        playfab_reply_reset(env);
    }

    return rc;
}


void
playfab_envelope_free(playfab_envelope_t *env)
{
    cJSON_Delete(env->root);

    env->root = NULL;
    env->data = NULL;
}


static void
playfab_reply_reset(playfab_envelope_t *env)
{
    memset(env, 0, sizeof(playfab_envelope_t));
    env->fault.retry_after = -1;
}


/*
 * A raw NUL or a "\u0000" escape would end the C string cJSON makes of
 * a value, silently cutting it short: such a document is refused.
 */

static int
playfab_reply_has_nul(const char *buf, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {

        if (buf[i] == '\0') {
            return 1;
        }

        if (buf[i] != '\\') {
            continue;
        }

        if (len - i > 5 && memcmp(&buf[i + 1], "u0000", 5) == 0) {
            return 1;
        }

        if (i + 1 < len && buf[i + 1] == '\\') {
            i++;
        }
    }

    return 0;
}


static int
playfab_reply_blank(const char *p, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') {
            return 0;
        }
    }

    return 1;
}


static playfab_reply_e
playfab_reply_classify(playfab_envelope_t *env)
{
    const cJSON  *code, *status, *errcode, *data;

    code = playfab_reply_get(env->root, "code");
    status = playfab_reply_get(env->root, "status");
    errcode = playfab_reply_get(env->root, "errorCode");
    data = playfab_reply_get(env->root, "data");

    if (status != NULL && !cJSON_IsString(status)) {
        return PLAYFAB_REPLY_MALFORMED;
    }

    if (code != NULL && playfab_reply_int(code, &env->fault.code) != 0) {
        return PLAYFAB_REPLY_MALFORMED;
    }

    if (errcode != NULL) {
        if (env->fault.code == 200) {
            return PLAYFAB_REPLY_MALFORMED;
        }

        return playfab_reply_fault(env, errcode);
    }

    if (env->fault.code != 200 || !cJSON_IsObject(data)) {
        return PLAYFAB_REPLY_MALFORMED;
    }

    env->data = data;

    return PLAYFAB_REPLY_OK;
}


static playfab_reply_e
playfab_reply_fault(playfab_envelope_t *env, const cJSON *errcode)
{
    const cJSON      *error, *message, *retry;
    playfab_fault_t  *fault;

    fault = &env->fault;

    error = playfab_reply_get(env->root, "error");
    message = playfab_reply_get(env->root, "errorMessage");
    retry = playfab_reply_get(env->root, "retryAfterSeconds");

    if (playfab_reply_int(errcode, &fault->error_code) != 0
        || (error != NULL && !cJSON_IsString(error))
        || (message != NULL && !cJSON_IsString(message))
        || (retry != NULL && !cJSON_IsNumber(retry)))
    {
        return PLAYFAB_REPLY_MALFORMED;
    }

    if (error != NULL) {
        playfab_reply_name(fault->error, sizeof(fault->error),
                           error->valuestring);
    }

    if (message != NULL) {
        playfab_reply_message(fault->message, sizeof(fault->message),
                              message->valuestring);
    }

    if (retry != NULL) {
        fault->retry_after = playfab_reply_retry(retry->valuedouble);
    }

    return PLAYFAB_REPLY_ERROR;
}


/* a member of an object; a JSON null counts as absent */

static const cJSON *
playfab_reply_get(const cJSON *obj, const char *name)
{
    const cJSON  *item;

    if (!cJSON_IsObject(obj)) {
        return NULL;
    }

    item = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsNull(item) ? NULL : item;
}


/* a number with an integral value that fits in an int */

static int
playfab_reply_int(const cJSON *item, int *out)
{
    double  d;

    if (!cJSON_IsNumber(item)) {
        return -1;
    }

    d = item->valuedouble;

    if (!(d >= INT_MIN && d <= INT_MAX)) {
        return -1;
    }

    if (d != (double) (int) d) {
        return -1;
    }

    *out = (int) d;

    return 0;
}


static long
playfab_reply_retry(double d)
{
    if (d >= 0 && d <= PLAYFAB_REPLY_RETRY_MAX && d == (double) (long) d) {
        return (long) d;
    }

    return -1;
}


/* the error name, or "" when it is not printable ASCII or too long */

static void
playfab_reply_name(char *dst, size_t size, const char *s)
{
    size_t  len;

    len = strlen(s);

    if (len >= size || !playfab_reply_ascii(s, len, 0x20)) {
        dst[0] = '\0';
        return;
    }

    memcpy(dst, s, len + 1);
}


/*
 * The error message, cut to fit between UTF-8 sequences; controls become
 * ' ', bytes that do not start a valid UTF-8 sequence become '?'.
 */

static void
playfab_reply_message(char *dst, size_t size, const char *s)
{
    size_t          i, n, len, seq;
    unsigned char   c;

    len = strlen(s);
    i = 0;
    n = 0;

    while (i < len) {
        c = (unsigned char) s[i];
        seq = (c < 0x80) ? 1 : playfab_reply_utf8(&s[i], len - i);

        if (n + (seq ? seq : 1) >= size) {
            break;
        }

        if (seq == 0) {
            dst[n++] = '?';
            i++;

        } else if (seq == 1) {
            dst[n++] = (c < 0x20 || c == 0x7f) ? ' ' : (char) c;
            i++;

        } else {
            memcpy(&dst[n], &s[i], seq);
            n += seq;
            i += seq;
        }
    }

    dst[n] = '\0';
}


/* the length of the valid multi-byte UTF-8 sequence at p, or 0 */

static size_t
playfab_reply_utf8(const char *p, size_t len)
{
    size_t          n;
    unsigned char   c;

    c = (unsigned char) p[0];

    if (c >= 0xf0) {
        n = 4;

    } else if (c >= 0xe0) {
        n = 3;

    } else if (c >= 0xc0) {
        n = 2;

    } else {
        return 0;
    }

    if (n > len || !playfab_json_text_valid(p, n)) {
        return 0;
    }

    return n;
}


int
playfab_token_reply(const playfab_envelope_t *env,
    playfab_token_reply_t *out)
{
    size_t       len;
    const char  *exp;

    memset(out, 0, sizeof(playfab_token_reply_t));

    if (playfab_reply_string(env->data, "EntityToken", PLAYFAB_TOKEN_MAX,
                             &out->token, &out->token_len) != 0
        || !playfab_reply_ascii(out->token, out->token_len, 0x21)
        || playfab_reply_string(env->data, "TokenExpiration",
                                PLAYFAB_REPLY_TIME_MAX, &exp, &len) != 0
        || playfab_rfc3339_parse(exp, len, &out->expires) != 0)
    {
        return -1;
    }

    return 0;
}


int
playfab_party_reply(const playfab_envelope_t *env,
    playfab_party_reply_t *out)
{
    memset(out, 0, sizeof(playfab_party_reply_t));

    if (playfab_reply_string(env->data, "PartyId", PLAYFAB_REPLY_ID_MAX,
                             &out->party_id, &out->party_id_len) != 0
        || !playfab_reply_guid(out->party_id, out->party_id_len))
    {
        return -1;
    }

    if (playfab_reply_string(env->data, "InvitationId",
                             PLAYFAB_REPLY_INVITATION_MAX, &out->invitation_id,
                             &out->invitation_id_len) != 0
        || !playfab_json_text_valid(out->invitation_id,
                                    out->invitation_id_len))
    {
        return -1;
    }

    if (playfab_reply_string(env->data, "SerializedNetworkDescriptor",
                             PLAYFAB_REPLY_DESCRIPTOR_MAX,
                             &out->descriptor, &out->descriptor_len) != 0
        || !playfab_reply_base64(out->descriptor, out->descriptor_len))
    {
        return -1;
    }

    return 0;
}


int
playfab_identity_reply(const playfab_envelope_t *env,
    playfab_identity_t *out)
{
    const cJSON  *entity, *lineage;

    memset(out, 0, sizeof(playfab_identity_t));

    entity = playfab_reply_get(env->data, "Entity");
    lineage = playfab_reply_get(env->data, "Lineage");

    if (playfab_reply_id(entity, "Id", &out->entity_id,
                         &out->entity_id_len) != 0
        || playfab_reply_id(entity, "Type", &out->entity_type,
                            &out->entity_type_len) != 0)
    {
        return -1;
    }

    if (lineage != NULL && !cJSON_IsObject(lineage)) {
        return -1;
    }

    if (playfab_reply_optional_id(lineage, "MasterPlayerAccountId",
                                  &out->master_id, &out->master_id_len) != 0
        || playfab_reply_optional_id(lineage, "TitleId", &out->title_id,
                                     &out->title_id_len) != 0)
    {
        return -1;
    }

    return 0;
}


size_t
playfab_party_reply_json(const playfab_party_reply_t *reply, char *buf)
{
    size_t  n;

    n = playfab_reply_member(buf, 0, "{\"PartyId\":\"",
                             reply->party_id, reply->party_id_len);
    n = playfab_reply_member(buf, n, "\",\"InvitationId\":\"",
                             reply->invitation_id, reply->invitation_id_len);
    n = playfab_reply_member(buf, n, "\",\"SerializedNetworkDescriptor\":\"",
                             reply->descriptor, reply->descriptor_len);

    return playfab_reply_put(buf, n, "\"}");
}


/* a string member of obj, 1..max bytes */

static int
playfab_reply_string(const cJSON *obj, const char *name, size_t max,
    const char **s, size_t *len)
{
    const cJSON  *item;

    item = playfab_reply_get(obj, name);

    if (!cJSON_IsString(item) || item->valuestring == NULL) {
        return -1;
    }

    *s = item->valuestring;
    *len = strlen(*s);

    return (*len == 0 || *len > max) ? -1 : 0;
}


/* a string member of 1..128 bytes of printable ASCII */

static int
playfab_reply_id(const cJSON *obj, const char *name, const char **s,
    size_t *len)
{
    if (playfab_reply_string(obj, name, PLAYFAB_REPLY_ID_MAX, s, len) != 0
        || !playfab_reply_ascii(*s, *len, 0x20))
    {
        return -1;
    }

    return 0;
}


/* as playfab_reply_id(), but an absent member leaves *s NULL */

static int
playfab_reply_optional_id(const cJSON *obj, const char *name,
    const char **s, size_t *len)
{
    if (playfab_reply_get(obj, name) == NULL) {
        *s = NULL;
        *len = 0;
        return 0;
    }

    return playfab_reply_id(obj, name, s, len);
}


/* 1 if every byte is in [low, 0x7e] */

static int
playfab_reply_ascii(const char *s, size_t len, unsigned char low)
{
    size_t          i;
    unsigned char   c;

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];

        if (c < low || c > 0x7e) {
            return 0;
        }
    }

    return 1;
}


static int
playfab_reply_alnum(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9');
}


/* [A-Za-z0-9._:-]+, which covers a GUID */

static int
playfab_reply_guid(const char *s, size_t len)
{
    size_t          i;
    unsigned char   c;

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];

        if (!playfab_reply_alnum(c)
            && c != '-' && c != '_' && c != '.' && c != ':')
        {
            return 0;
        }
    }

    return 1;
}


/*
 * Standard base64: [A-Za-z0-9+/], then at most two '=' which make the
 * length a multiple of 4; without padding the length is not 4k+1.
 */

static int
playfab_reply_base64(const char *s, size_t len)
{
    size_t          i, pad;
    unsigned char   c;

    for (pad = 0; pad < len && s[len - 1 - pad] == '='; pad++) {
        /* count the padding */
    }

    if (pad > 2 || (pad != 0 && len % 4 != 0) || (len - pad) % 4 == 1) {
        return 0;
    }

    for (i = 0; i < len - pad; i++) {
        c = (unsigned char) s[i];

        if (!playfab_reply_alnum(c) && c != '+' && c != '/') {
            return 0;
        }
    }

    return 1;
}


static size_t
playfab_reply_put(char *buf, size_t n, const char *lit)
{
    size_t  len;

    len = strlen(lit);

    if (buf) {
        memcpy(&buf[n], lit, len);
    }

    return n + len;
}


static size_t
playfab_reply_member(char *buf, size_t n, const char *prefix, const char *s,
    size_t len)
{
    n = playfab_reply_put(buf, n, prefix);

    return n + playfab_json_escape(buf ? &buf[n] : NULL, s, len);
}
