/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * PlayFab replies: the {"code","status","data"} / error envelope and the
 * data of the three operations.  Pure C, no nginx headers.  All input
 * is untrusted: lengths and character sets of everything copied into a
 * response or a header are checked here.
 */

#ifndef PLAYFAB_REPLY_H
#define PLAYFAB_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "playfab_lex.h"


#define PLAYFAB_TOKEN_MAX        2048   /* an EntityToken longer: refused */
#define PLAYFAB_ERROR_NAME_MAX   64
#define PLAYFAB_ERROR_MSG_MAX    256


typedef enum {
    PLAYFAB_REPLY_OK = 0,        /* success envelope, data is an object */
    PLAYFAB_REPLY_ERROR,         /* error envelope, fault filled */
    PLAYFAB_REPLY_MALFORMED      /* not JSON, not an envelope, bad types */
} playfab_reply_e;

typedef struct {
    int      code;                              /* "code", 0 if absent */
    int      error_code;                        /* "errorCode" */
    char     error[PLAYFAB_ERROR_NAME_MAX];     /* "error", printable
                                                   ASCII, "" if absent */
    char     message[PLAYFAB_ERROR_MSG_MAX];    /* "errorMessage",
                                                   truncated, controls
                                                   replaced by ' ' */
    long     retry_after;                       /* "retryAfterSeconds",
                                                   -1 if absent */
} playfab_fault_t;

/*
 * A parsed reply points into the text it was parsed from, which must
 * stay as it is until playfab_envelope_free().
 */
typedef struct {
    const char          *text;      /* the reply, NULL when malformed */
    const char          *data;      /* the "data" object's text, NULL
                                       unless OK */
    uint32_t             data_i;    /* its entry on the tape */
    char                *scratch;   /* malloc'ed when the reply has
                                       escapes: strings decoded */
    playfab_json_doc_t   json;      /* the reply's tape */
    playfab_fault_t      fault;
} playfab_envelope_t;

/* GetEntityToken */
typedef struct {
    const char   *token;        /* 1..PLAYFAB_TOKEN_MAX bytes of 0x21-0x7e */
    size_t        token_len;
    int64_t       expires;      /* TokenExpiration, Unix seconds */
} playfab_token_reply_t;

/* RequestPartyService */
typedef struct {
    const char   *party_id;
    size_t        party_id_len;
    const char   *invitation_id;
    size_t        invitation_id_len;
    const char   *descriptor;   /* SerializedNetworkDescriptor: base64 */
    size_t        descriptor_len;
} playfab_party_reply_t;

/* ValidateEntityToken */
typedef struct {
    const char   *entity_id;
    size_t        entity_id_len;
    const char   *entity_type;
    size_t        entity_type_len;
    const char   *master_id;        /* Lineage.MasterPlayerAccountId,
                                       NULL if absent */
    size_t        master_id_len;
    const char   *title_id;         /* Lineage.TitleId, NULL if absent */
    size_t        title_id_len;
} playfab_identity_t;


/*
 * Parses an envelope in place: buf[0..len) must outlive env.  Any
 * return leaves env safe to pass to playfab_envelope_free().  An error
 * envelope without "errorCode" or with fields of the wrong type is
 * PLAYFAB_REPLY_MALFORMED.
 */
playfab_reply_e playfab_envelope_parse(playfab_envelope_t *env,
    const char *buf, size_t len);
void playfab_envelope_free(playfab_envelope_t *env);

/* data extractors for a PLAYFAB_REPLY_OK envelope: 0, or -1 when the
 * data does not have the documented shape; pointers point into the
 * text or env's scratch, valid until playfab_envelope_free() */
int playfab_token_reply(const playfab_envelope_t *env,
    playfab_token_reply_t *out);
int playfab_party_reply(const playfab_envelope_t *env,
    playfab_party_reply_t *out);
int playfab_identity_reply(const playfab_envelope_t *env,
    playfab_identity_t *out);

/* {"PartyId":..,"InvitationId":..,"SerializedNetworkDescriptor":..} of
 * a reply filled by playfab_party_reply(), whose PartyId and descriptor
 * are copied as they are (their character sets need no escaping); buf
 * == NULL returns the length needed */
size_t playfab_party_reply_json(const playfab_party_reply_t *reply,
    char *buf);

#endif /* PLAYFAB_REPLY_H */
