# shellcheck shell=bash
#
# The benchmark's scenarios, one "scenario" line each:
#
#   scenario NAME RATIO P99 'AUTH DIRECTIVES' HEADER CREDENTIALS...
#
# NAME      the location is /v1/party/NAME
# RATIO     the lowest ratio module/baseline of req/s the issue accepts
# P99       the most ms its p99 may exceed the baseline's
#           ("-" for RATIO or P99: no target, the value is reported)
# AUTH      what the location has before "playfab_party;"; @KEYS@ is the
#           directory where make_keys (lib.sh) put the key material
# HEADER    the request header that carries the credential
# CREDENTIALS  a lib.sh function and its arguments that print the header's
#           values, one per line: one line is sent on every request,
#           several are sent in turn (a new credential per request;
#           JWT_NEW_TOKENS must exceed any per-worker cache of tokens)
#
# run.sh skips, with "skipped: not supported by this build", a scenario
# whose directives nginx -t rejects.

scenario api_key        0.90 0.3 'playfab_auth api_key @KEYS@/api-keys;' \
    X-API-Key     credential bench-api-key

scenario jwt_rs256      0.85 -   'playfab_auth jwt; playfab_auth_jwt_key pem @KEYS@/rs256.pub; playfab_auth_jwt_algorithms RS256;' \
    Authorization jwt_tokens rs256 RS256 1
scenario jwt_rs256_new  -    -   'playfab_auth jwt; playfab_auth_jwt_key pem @KEYS@/rs256.pub; playfab_auth_jwt_algorithms RS256;' \
    Authorization jwt_tokens rs256 RS256 "$JWT_NEW_TOKENS"

scenario jwt_es256      0.85 -   'playfab_auth jwt; playfab_auth_jwt_key pem @KEYS@/es256.pub; playfab_auth_jwt_algorithms ES256;' \
    Authorization jwt_tokens es256 ES256 1
scenario jwt_es256_new  -    -   'playfab_auth jwt; playfab_auth_jwt_key pem @KEYS@/es256.pub; playfab_auth_jwt_algorithms ES256;' \
    Authorization jwt_tokens es256 ES256 "$JWT_NEW_TOKENS"

# the same tokens, the keys from a JWK Set fetched by a subrequest: once
# the set is in the zone, they cost what keys from a file cost
scenario jwt_rs256_jwks 0.85 -   'playfab_auth jwt; playfab_auth_jwt_key_request /_jwks/rs256.jwks; playfab_auth_jwt_algorithms RS256;' \
    Authorization jwt_tokens rs256 RS256 1
scenario jwt_es256_jwks 0.85 -   'playfab_auth jwt; playfab_auth_jwt_key_request /_jwks/es256.jwks; playfab_auth_jwt_algorithms ES256;' \
    Authorization jwt_tokens es256 ES256 1

scenario entity_token   -    -   'playfab_auth entity_token;' \
    X-EntityToken credential bench-player-entity-token
