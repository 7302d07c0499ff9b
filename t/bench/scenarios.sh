# shellcheck shell=bash
#
# The benchmark's scenarios, one "scenario" line each:
#
#   scenario KIND NAME RATIO P99 'AUTH DIRECTIVES' HEADER CREDENTIALS...
#
# KIND      party: the location is /v1/party/NAME, AUTH then
#           "playfab_party;" (the party path); proxy: the location is
#           /api/NAME, AUTH then a proxy_pass of the request to the mock,
#           as a studio puts playfab_auth in front of its game API
# RATIO     the lowest ratio module/baseline of req/s the issue accepts
# P99       the most ms its p99 may exceed the baseline's
#           ("-" for RATIO or P99: no target, the value is reported)
# AUTH      the location's directives before the last one; @KEYS@ is the
#           directory where make_keys (lib.sh) put the key material
# HEADER    the request header that carries the credential
# CREDENTIALS  a lib.sh function and its arguments that print the header's
#           values, one per line: one line is sent on every request,
#           several are sent in turn (a new credential per request;
#           JWT_NEW_TOKENS must exceed any per-worker cache of tokens)
#
# The baseline of both kinds is the same: /baseline, nginx's own
# proxy_pass of the same POST to the same mock, with no auth.
# run.sh skips, with "skipped: not supported by this build", a scenario
# whose directives nginx -t rejects.

RS256='playfab_auth jwt; playfab_auth_jwt_key pem @KEYS@/rs256.pub; playfab_auth_jwt_algorithms RS256;'
ES256='playfab_auth jwt; playfab_auth_jwt_key pem @KEYS@/es256.pub; playfab_auth_jwt_algorithms ES256;'
EDDSA='playfab_auth jwt; playfab_auth_jwt_key pem @KEYS@/eddsa.pub; playfab_auth_jwt_algorithms EdDSA;'
HS256='playfab_auth jwt; playfab_auth_jwt_key secret @KEYS@/hs256.key; playfab_auth_jwt_algorithms HS256;'

# --- the party path ---------------------------------------------------

scenario party api_key        0.90 0.3 'playfab_auth api_key @KEYS@/api-keys;' \
    X-API-Key     credential bench-api-key

scenario party jwt_rs256      0.85 -   "$RS256" Authorization jwt_tokens rs256 RS256 1
scenario party jwt_rs256_new  -    -   "$RS256" Authorization jwt_tokens rs256 RS256 "$JWT_NEW_TOKENS"
scenario party jwt_es256      0.85 -   "$ES256" Authorization jwt_tokens es256 ES256 1
scenario party jwt_es256_new  -    -   "$ES256" Authorization jwt_tokens es256 ES256 "$JWT_NEW_TOKENS"
scenario party jwt_eddsa      0.85 -   "$EDDSA" Authorization jwt_tokens eddsa EdDSA 1

# the same tokens, the keys from a JWK Set fetched by a subrequest: once
# the set is in the zone, they cost what keys from a file cost
scenario party jwt_rs256_jwks 0.85 -   'playfab_auth jwt; playfab_auth_jwt_key_request /_jwks/rs256.jwks; playfab_auth_jwt_algorithms RS256;' \
    Authorization jwt_tokens rs256 RS256 1
scenario party jwt_es256_jwks 0.85 -   'playfab_auth jwt; playfab_auth_jwt_key_request /_jwks/es256.jwks; playfab_auth_jwt_algorithms ES256;' \
    Authorization jwt_tokens es256 ES256 1

scenario party entity_token   0.85 -   'playfab_auth entity_token;' \
    X-EntityToken credential bench-player-entity-token

# --- auth in front of the studio's own API (proxy_pass) ---------------

scenario proxy proxy_api_key    0.95 - 'playfab_auth api_key @KEYS@/api-keys;' \
    X-API-Key     credential bench-api-key
scenario proxy proxy_hs256      0.95 - "$HS256" Authorization jwt_tokens hs256 HS256 1
scenario proxy proxy_hs256_new  -    - "$HS256" Authorization jwt_tokens hs256 HS256 "$JWT_NEW_TOKENS"
scenario proxy proxy_rs256      0.95 - "$RS256" Authorization jwt_tokens rs256 RS256 1
scenario proxy proxy_rs256_new  -    - "$RS256" Authorization jwt_tokens rs256 RS256 "$JWT_NEW_TOKENS"
scenario proxy proxy_es256      0.95 - "$ES256" Authorization jwt_tokens es256 ES256 1
scenario proxy proxy_es256_new  -    - "$ES256" Authorization jwt_tokens es256 ES256 "$JWT_NEW_TOKENS"
scenario proxy proxy_eddsa      0.95 - "$EDDSA" Authorization jwt_tokens eddsa EdDSA 1
scenario proxy proxy_eddsa_new  -    - "$EDDSA" Authorization jwt_tokens eddsa EdDSA "$JWT_NEW_TOKENS"
scenario proxy proxy_entity     -    - 'playfab_auth entity_token;' \
    X-EntityToken credential bench-player-entity-token

# Measured with SCENARIOS=all only (the default run stays under 6
# minutes): new tokens on the party path, and keys from a fetched set
SC_EXTRA=(jwt_rs256_new jwt_es256_new jwt_rs256_jwks jwt_es256_jwks)
