/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * JOSE building blocks shared by key sets (playfab_jwk.c) and tokens
 * (playfab_jwt.c): see playfab_jose.c.  Pure C.
 */

#ifndef PLAYFAB_JOSE_H
#define PLAYFAB_JOSE_H

#include <stddef.h>

#include "playfab_json.h"


#define PLAYFAB_JOSE_MEMBERS_MAX  256   /* members of any JSON object */

/*
 * Strict base64url (RFC 7515 section 2): A-Z a-z 0-9 - _ only, no
 * padding, no length of 4n+1, unused trailing bits zero.  Decodes
 * in[0..len) into out[0..size) and returns the decoded length, or -1.
 */
long playfab_jose_base64url_decode(const char *in, size_t len,
    unsigned char *out, size_t size);

/*
 * A JSON object as this code accepts one: the whole of s[0..len) but
 * blanks, nesting at most PLAYFAB_JSON_MAX_DEPTH, every object with at
 * most PLAYFAB_JOSE_MEMBERS_MAX members and no name twice, no "\u0000".
 * Returns the tree (cJSON_Delete() it) or NULL.
 */
struct cJSON *playfab_jose_json_parse(const char *s, size_t len);

#endif /* PLAYFAB_JOSE_H */
