/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * PlayFab's replies read in place with the strict reader: the envelope's
 * members in one pass over the top level, each operation's data in one
 * pass over "data".  Strings are used where they are in the reply; only
 * escaped ones are decoded, into env->scratch.
 */

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "playfab_json.h"
#include "playfab_reply.h"
#include "playfab_time.h"


#define PLAYFAB_REPLY_RETRY_MAX       86400
#define PLAYFAB_REPLY_ID_MAX          128
#define PLAYFAB_REPLY_INVITATION_MAX  512    /* 127 characters of UTF-8 */
#define PLAYFAB_REPLY_DESCRIPTOR_MAX  8192
#define PLAYFAB_REPLY_TIME_MAX        64

/* the character classes of playfab_reply_class[] */
#define PLAYFAB_REPLY_BASE64          1      /* A-Z a-z 0-9 + / */
#define PLAYFAB_REPLY_ID              2      /* A-Z a-z 0-9 . _ : - */

#define playfab_reply_name_t(s)       { s, sizeof(s) - 1 }
#define playfab_reply_literal(buf, n, s)                                     \
    playfab_reply_put(buf, n, s, sizeof(s) - 1)


typedef struct {
    const char   *name;
    size_t        len;
} playfab_reply_member_t;

/* the envelope's members, in the order of playfab_reply_top[] */
enum {
    PLAYFAB_ENV_CODE = 0,
    PLAYFAB_ENV_STATUS,
    PLAYFAB_ENV_ERRCODE,
    PLAYFAB_ENV_DATA,
    PLAYFAB_ENV_ERROR,
    PLAYFAB_ENV_MESSAGE,
    PLAYFAB_ENV_RETRY,
    PLAYFAB_ENV_TOP
};


static void playfab_reply_reset(playfab_envelope_t *env);
static playfab_reply_e playfab_reply_classify(playfab_envelope_t *env);
static playfab_reply_e playfab_reply_fault(playfab_envelope_t *env,
    const uint32_t *m);
static void playfab_reply_members(const playfab_envelope_t *env,
    uint32_t obj, const playfab_reply_member_t *names, size_t n,
    uint32_t *out);
static void playfab_reply_object(const playfab_envelope_t *env,
    uint32_t obj, const playfab_reply_member_t *names, size_t n,
    uint32_t *out);
static const char *playfab_reply_text(const playfab_envelope_t *env,
    uint32_t item, size_t *len);
static int playfab_reply_int(const playfab_envelope_t *env, uint32_t item,
    int *out);
static long playfab_reply_retry(double d);
static void playfab_reply_name(char *dst, size_t size, const char *s,
    size_t len);
static void playfab_reply_message(char *dst, size_t size, const char *s,
    size_t len);
static size_t playfab_reply_utf8(const char *p, size_t len);
static int playfab_reply_string(const playfab_envelope_t *env,
    uint32_t item, size_t max, const char **s, size_t *len);
static int playfab_reply_id(const playfab_envelope_t *env, uint32_t item,
    const char **s, size_t *len);
static int playfab_reply_optional_id(const playfab_envelope_t *env,
    uint32_t item, const char **s, size_t *len);
static int playfab_reply_ascii(const char *s, size_t len, unsigned char low);
static int playfab_reply_charset(const char *s, size_t len,
    unsigned char set);
static int playfab_reply_base64(const char *s, size_t len);
static size_t playfab_reply_put(char *buf, size_t n, const char *s,
    size_t len);


static const playfab_reply_member_t  playfab_reply_top[PLAYFAB_ENV_TOP] = {
    playfab_reply_name_t("code"),
    playfab_reply_name_t("status"),
    playfab_reply_name_t("errorCode"),
    playfab_reply_name_t("data"),
    playfab_reply_name_t("error"),
    playfab_reply_name_t("errorMessage"),
    playfab_reply_name_t("retryAfterSeconds")
};

static const playfab_reply_member_t  playfab_reply_token[] = {
    playfab_reply_name_t("EntityToken"),
    playfab_reply_name_t("TokenExpiration")
};

static const playfab_reply_member_t  playfab_reply_party[] = {
    playfab_reply_name_t("PartyId"),
    playfab_reply_name_t("InvitationId"),
    playfab_reply_name_t("SerializedNetworkDescriptor")
};

static const playfab_reply_member_t  playfab_reply_identity[] = {
    playfab_reply_name_t("Entity"),
    playfab_reply_name_t("Lineage")
};

static const playfab_reply_member_t  playfab_reply_entity[] = {
    playfab_reply_name_t("Id"),
    playfab_reply_name_t("Type")
};

static const playfab_reply_member_t  playfab_reply_lineage[] = {
    playfab_reply_name_t("MasterPlayerAccountId"),
    playfab_reply_name_t("TitleId")
};

/* PLAYFAB_REPLY_BASE64 | PLAYFAB_REPLY_ID by byte; 0 from 0x80 on */
static const unsigned char  playfab_reply_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 1,     /* + - . / */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 0, 0, 0, 0, 0,     /* 0-9 : */
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,     /* A-O */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 2,     /* P-Z _ */
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,     /* a-o */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0      /* p-z */
};


/*
 * The text is checked whole first: RFC 8259 JSON, nested at most
 * PLAYFAB_JSON_MAX_DEPTH deep, no NUL and no "\u0000" (either would cut
 * a string short), raw control bytes inside strings taken as cJSON
 * takes them (an errorMessage's are made blanks).
 */

playfab_reply_e
playfab_envelope_parse(playfab_envelope_t *env, const char *buf, size_t len)
{
    playfab_reply_e  rc;

    playfab_reply_reset(env);

    if (buf == NULL
        || len == 0
        || playfab_json_parse(&env->json, buf, len,
                              PLAYFAB_JSON_RAW_CONTROLS)
           != 0
        || !playfab_json_is_object(&env->json, 0))
    {
        rc = PLAYFAB_REPLY_MALFORMED;
        goto done;
    }

    if (env->json.escaped) {
        env->scratch = malloc(len);
        if (env->scratch == NULL) {
            rc = PLAYFAB_REPLY_MALFORMED;
            goto done;
        }
    }

    env->text = buf;

    rc = playfab_reply_classify(env);

done:

    if (rc == PLAYFAB_REPLY_MALFORMED) {
        playfab_envelope_free(env);
        playfab_reply_reset(env);
    }

    return rc;
}


void
playfab_envelope_free(playfab_envelope_t *env)
{
    free(env->scratch);
    playfab_json_free(&env->json);

    env->scratch = NULL;
    env->text = NULL;
    env->data = NULL;
    env->data_i = 0;
}


/* the tape is left as it is: it is read only after a parse */

static void
playfab_reply_reset(playfab_envelope_t *env)
{
    env->text = NULL;
    env->data = NULL;
    env->data_i = 0;
    env->scratch = NULL;
    env->json.tape = NULL;
    env->json.n = 0;
    memset(&env->fault, 0, sizeof(playfab_fault_t));
    env->fault.retry_after = -1;
}


static playfab_reply_e
playfab_reply_classify(playfab_envelope_t *env)
{
    uint32_t  m[PLAYFAB_ENV_TOP], data;

    playfab_reply_object(env, 0, playfab_reply_top, PLAYFAB_ENV_TOP, m);

    if (m[PLAYFAB_ENV_STATUS]
        && !playfab_json_is_string(&env->json, m[PLAYFAB_ENV_STATUS]))
    {
        return PLAYFAB_REPLY_MALFORMED;
    }

    if (m[PLAYFAB_ENV_CODE]
        && playfab_reply_int(env, m[PLAYFAB_ENV_CODE], &env->fault.code)
           != 0)
    {
        return PLAYFAB_REPLY_MALFORMED;
    }

    if (m[PLAYFAB_ENV_ERRCODE]) {
        if (env->fault.code == 200) {
            return PLAYFAB_REPLY_MALFORMED;
        }

        return playfab_reply_fault(env, m);
    }

    data = m[PLAYFAB_ENV_DATA];

    if (env->fault.code != 200
        || data == 0
        || !playfab_json_is_object(&env->json, data))
    {
        return PLAYFAB_REPLY_MALFORMED;
    }

    env->data_i = data;
    env->data = env->text + env->json.tape[data].start;

    return PLAYFAB_REPLY_OK;
}


static playfab_reply_e
playfab_reply_fault(playfab_envelope_t *env, const uint32_t *m)
{
    double                     d;
    size_t                     len;
    uint32_t                   error, message, retry;
    const char                *s;
    playfab_fault_t           *fault;
    const playfab_json_doc_t  *json;

    fault = &env->fault;
    json = &env->json;

    error = m[PLAYFAB_ENV_ERROR];
    message = m[PLAYFAB_ENV_MESSAGE];
    retry = m[PLAYFAB_ENV_RETRY];

    if (playfab_reply_int(env, m[PLAYFAB_ENV_ERRCODE], &fault->error_code)
        != 0
        || (error && !playfab_json_is_string(json, error))
        || (message && !playfab_json_is_string(json, message))
        || (retry && !playfab_json_is_number(json, retry)))
    {
        return PLAYFAB_REPLY_MALFORMED;
    }

    if (error) {
        s = playfab_reply_text(env, error, &len);
        playfab_reply_name(fault->error, sizeof(fault->error), s, len);
    }

    if (message) {
        s = playfab_reply_text(env, message, &len);
        playfab_reply_message(fault->message, sizeof(fault->message), s,
                              len);
    }

    if (retry) {
        if (playfab_json_number(json, retry, &d) != 0) {
            return PLAYFAB_REPLY_MALFORMED;
        }

        fault->retry_after = playfab_reply_retry(d);
    }

    return PLAYFAB_REPLY_ERROR;
}


/*
 * out[i]: the value of the first member of obj named names[i], 0 if
 * there is none or it is a JSON null, or if obj (0: none) is not an
 * object
 */

static void
playfab_reply_members(const playfab_envelope_t *env, uint32_t obj,
    const playfab_reply_member_t *names, size_t n, uint32_t *out)
{
    size_t  i;

    if (obj == 0 || !playfab_json_is_object(&env->json, obj)) {
        for (i = 0; i < n; i++) {
            out[i] = 0;
        }

        return;
    }

    playfab_reply_object(env, obj, names, n, out);
}


static void
playfab_reply_object(const playfab_envelope_t *env, uint32_t obj,
    const playfab_reply_member_t *names, size_t n, uint32_t *out)
{
    size_t                     i, len;
    uint32_t                   k, found, all;
    const char                *key;
    const playfab_json_doc_t  *json;

    json = &env->json;

    for (i = 0; i < n; i++) {
        out[i] = 0;
    }

    found = 0;
    all = (1u << n) - 1;

    for (k = playfab_json_first(json, obj);
         k != 0 && found != all;
         k = playfab_json_next_member(json, obj, k))
    {
        key = playfab_json_text(json, k, env->scratch, &len);

        for (i = 0; i < n; i++) {
            if (names[i].len == len
                && !(found & (1u << i))
                && memcmp(names[i].name, key, len) == 0)
            {
                found |= 1u << i;
                out[i] = playfab_json_is_null(json, k + 1) ? 0 : k + 1;
                break;
            }
        }
    }
}


/* the decoded text of the string at item */

static const char *
playfab_reply_text(const playfab_envelope_t *env, uint32_t item,
    size_t *len)
{
    return playfab_json_text(&env->json, item, env->scratch, len);
}


/* a number with an integral value that fits in an int */

static int
playfab_reply_int(const playfab_envelope_t *env, uint32_t item, int *out)
{
    double  d;

    if (!playfab_json_is_number(&env->json, item)
        || playfab_json_number(&env->json, item, &d) != 0)
    {
        return -1;
    }

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
playfab_reply_name(char *dst, size_t size, const char *s, size_t len)
{
    if (len >= size || !playfab_reply_ascii(s, len, 0x20)) {
        dst[0] = '\0';
        return;
    }

    memcpy(dst, s, len);
    dst[len] = '\0';
}


/*
 * The error message, cut to fit between UTF-8 sequences; controls become
 * ' ', bytes that do not start a valid UTF-8 sequence become '?'.
 */

static void
playfab_reply_message(char *dst, size_t size, const char *s, size_t len)
{
    size_t          i, n, seq;
    unsigned char   c;

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
    uint32_t     m[2];
    const char  *exp;

    memset(out, 0, sizeof(playfab_token_reply_t));

    playfab_reply_members(env, env->data_i, playfab_reply_token, 2, m);

    if (playfab_reply_string(env, m[0], PLAYFAB_TOKEN_MAX, &out->token,
                             &out->token_len) != 0
        || !playfab_reply_ascii(out->token, out->token_len, 0x21)
        || playfab_reply_string(env, m[1], PLAYFAB_REPLY_TIME_MAX, &exp,
                                &len) != 0
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
    uint32_t  m[3];

    memset(out, 0, sizeof(playfab_party_reply_t));

    playfab_reply_members(env, env->data_i, playfab_reply_party, 3, m);

    if (playfab_reply_string(env, m[0], PLAYFAB_REPLY_ID_MAX,
                             &out->party_id, &out->party_id_len) != 0
        || !playfab_reply_charset(out->party_id, out->party_id_len,
                                  PLAYFAB_REPLY_ID))
    {
        return -1;
    }

    if (playfab_reply_string(env, m[1], PLAYFAB_REPLY_INVITATION_MAX,
                             &out->invitation_id, &out->invitation_id_len)
        != 0
        || !playfab_json_text_valid(out->invitation_id,
                                    out->invitation_id_len))
    {
        return -1;
    }

    if (playfab_reply_string(env, m[2], PLAYFAB_REPLY_DESCRIPTOR_MAX,
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
    uint32_t  m[2], e[2], l[2];

    memset(out, 0, sizeof(playfab_identity_t));

    playfab_reply_members(env, env->data_i, playfab_reply_identity, 2, m);
    playfab_reply_members(env, m[0], playfab_reply_entity, 2, e);

    if (playfab_reply_id(env, e[0], &out->entity_id, &out->entity_id_len)
        != 0
        || playfab_reply_id(env, e[1], &out->entity_type,
                            &out->entity_type_len) != 0)
    {
        return -1;
    }

    if (m[1] && !playfab_json_is_object(&env->json, m[1])) {
        return -1;
    }

    playfab_reply_members(env, m[1], playfab_reply_lineage, 2, l);

    if (playfab_reply_optional_id(env, l[0], &out->master_id,
                                  &out->master_id_len) != 0
        || playfab_reply_optional_id(env, l[1], &out->title_id,
                                     &out->title_id_len) != 0)
    {
        return -1;
    }

    return 0;
}


/*
 * PartyId ([A-Za-z0-9._:-]) and the descriptor (base64) were checked by
 * playfab_party_reply() to hold nothing JSON escapes: they are copied;
 * the InvitationId is text, escaped.
 */

size_t
playfab_party_reply_json(const playfab_party_reply_t *reply, char *buf)
{
    size_t  n;

    n = playfab_reply_literal(buf, 0, "{\"PartyId\":\"");
    n = playfab_reply_put(buf, n, reply->party_id, reply->party_id_len);
    n = playfab_reply_literal(buf, n, "\",\"InvitationId\":\"");
    n += playfab_json_escape(buf ? &buf[n] : NULL, reply->invitation_id,
                             reply->invitation_id_len);
    n = playfab_reply_literal(buf, n, "\",\"SerializedNetworkDescriptor\":\"");
    n = playfab_reply_put(buf, n, reply->descriptor, reply->descriptor_len);

    return playfab_reply_literal(buf, n, "\"}");
}


/* a string of 1..max bytes */

static int
playfab_reply_string(const playfab_envelope_t *env, uint32_t item,
    size_t max, const char **s, size_t *len)
{
    if (item == 0 || !playfab_json_is_string(&env->json, item)) {
        return -1;
    }

    *s = playfab_reply_text(env, item, len);

    return (*len == 0 || *len > max) ? -1 : 0;
}


/* a string of 1..128 bytes of printable ASCII */

static int
playfab_reply_id(const playfab_envelope_t *env, uint32_t item,
    const char **s, size_t *len)
{
    if (playfab_reply_string(env, item, PLAYFAB_REPLY_ID_MAX, s, len) != 0
        || !playfab_reply_ascii(*s, *len, 0x20))
    {
        return -1;
    }

    return 0;
}


/* as playfab_reply_id(), but an absent member leaves *s NULL */

static int
playfab_reply_optional_id(const playfab_envelope_t *env, uint32_t item,
    const char **s, size_t *len)
{
    if (item == 0) {
        *s = NULL;
        *len = 0;
        return 0;
    }

    return playfab_reply_id(env, item, s, len);
}


/* 1 if every byte is in [low, 0x7e]; 8 at a time as text_valid() does */

static int
playfab_reply_ascii(const char *s, size_t len, unsigned char low)
{
    size_t          i;
    uint64_t        x, lows;
    unsigned char   c;

    lows = 0x0101010101010101ULL * low;

    for (i = 0; len - i >= 8; i += 8) {
        memcpy(&x, &s[i], 8);

        if (((x - lows) | x | (x + 0x0101010101010101ULL))
            & 0x8080808080808080ULL)
        {
            break;
        }
    }

    for ( /* void */ ; i < len; i++) {
        c = (unsigned char) s[i];

        if (c < low || c > 0x7e) {
            return 0;
        }
    }

    return 1;
}


/* 1 if every byte is in the class set of playfab_reply_class[] */

static int
playfab_reply_charset(const char *s, size_t len, unsigned char set)
{
    size_t          i;
    unsigned char   all;

    all = set;

    for (i = 0; i + 4 <= len; i += 4) {
        all &= playfab_reply_class[(unsigned char) s[i]]
               & playfab_reply_class[(unsigned char) s[i + 1]]
               & playfab_reply_class[(unsigned char) s[i + 2]]
               & playfab_reply_class[(unsigned char) s[i + 3]];
    }

    for ( /* void */ ; i < len; i++) {
        all &= playfab_reply_class[(unsigned char) s[i]];
    }

    return all == set;
}


/*
 * Standard base64: [A-Za-z0-9+/], then at most two '=' which make the
 * length a multiple of 4; without padding the length is not 4k+1.
 */

static int
playfab_reply_base64(const char *s, size_t len)
{
    size_t   pad, i;
#if defined(__SSE2__)
    __m128i  x, t, ok;
#endif

    for (pad = 0; pad < len && s[len - 1 - pad] == '='; pad++) {
        /* count the padding */
    }

    if (pad > 2 || (pad != 0 && len % 4 != 0) || (len - pad) % 4 == 1) {
        return 0;
    }

    len -= pad;
    i = 0;

#if defined(__SSE2__)

    /*
     * 16 bytes at a time: x - lo <= hi - lo, unsigned, for each range;
     * x | 0x20 is in a-z for the letters of both cases, and only for them
     */

    for ( /* void */ ; len - i >= 16; i += 16) {
        x = _mm_loadu_si128((const __m128i *) (const void *) &s[i]);

        t = _mm_sub_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)),
                         _mm_set1_epi8('a'));
        ok = _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(25)), t);
        t = _mm_sub_epi8(x, _mm_set1_epi8('0'));
        ok = _mm_or_si128(ok,
                          _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(9)),
                                         t));
        ok = _mm_or_si128(ok, _mm_cmpeq_epi8(x, _mm_set1_epi8('+')));
        ok = _mm_or_si128(ok, _mm_cmpeq_epi8(x, _mm_set1_epi8('/')));

        if (_mm_movemask_epi8(ok) != 0xffff) {
            return 0;
        }
    }

#endif

    return playfab_reply_charset(&s[i], len - i, PLAYFAB_REPLY_BASE64);
}


static size_t
playfab_reply_put(char *buf, size_t n, const char *s, size_t len)
{
    if (buf) {
        memcpy(&buf[n], s, len);
    }

    return n + len;
}
