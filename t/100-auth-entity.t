# playfab_auth entity_token: a player's PlayFab entity token, validated
# with ValidateEntityToken, cached by its hash, supplies PlayFabId.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a player's token is validated and its master account becomes PlayFabId
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE", "master": "MPALICE"}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/last/RequestPartyService",
 "GET /emu/count/ValidateEntityToken",
 "GET /emu/token_index/ValidateEntityToken"]
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/"PlayFabId":"MPALICE"/, qr/\A1\n\z/, qr/\A1\n\z/]
--- no_error_log
[error]
ptok-alice



=== TEST 2: the next request with the same token needs no ValidateEntityToken
The second request is answered from the entity token cache: both get a
party, and PlayFab validated the token once.  (Its debug line "entity
token cache hit" is not checked: Test::Nginx matches --- error_log
against each request's part of the log, and the first request misses.)
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE", "master": "MPALICE"}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body()]
--- playfab_calls: ValidateEntityToken=1 GetEntityToken=1 RequestPartyService=2
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/"PartyId"/]
--- no_error_log
[error]



=== TEST 3: a cached validation expires after playfab_auth_entity_cache
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE", "master": "MPALICE"}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_auth_entity_cache 1s;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=1200",
 "POST /v1/party\n" . party_body(),
 "GET /emu/count/ValidateEntityToken"]
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/ok/, qr/"PartyId"/, qr/\A2\n\z/]
--- no_error_log
[error]



=== TEST 4: an unknown token is refused with 401 invalid_token, no party requested
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: ValidateEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-nobody
--- error_code: 401
--- response_headers eval
"WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"the entity token is invalid, expired or revoked\"\nContent-Type: application/problem+json"
--- response_body_like: "code":"unauthorized"
--- log_level: info
--- error_log
playfab: caller not authenticated: PlayFab refused the entity token
--- no_error_log
[error]
ptok-nobody



=== TEST 5: a request without X-EntityToken gets a bare Bearer challenge
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/count/ValidateEntityToken"]
--- more_headers
Content-Type: application/json
--- error_code eval
[401, 200]
--- response_headers eval
["WWW-Authenticate: Bearer", ""]
--- response_body_like eval
[qr/"code":"unauthorized"/, qr/\A0\n\z/]



=== TEST 6: an expired player token is refused
--- playfab_emulator
{"player_tokens": {"ptok-old": {"id": "TPOLD", "lifetime": 0}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-old
--- error_code: 401
--- response_body_like: "code":"unauthorized"



=== TEST 7: a token that is not a title player account's is forbidden
--- playfab_emulator
{"player_tokens": {"ptok-master": {"id": "MP9", "type": "master_player_account"}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-master
--- error_code: 403
--- response_body_like: "code":"forbidden"



=== TEST 8: invalid tokens are not cached unless negative caching is on
--- config
    location = /off {
        playfab_auth entity_token;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /on {
        playfab_auth entity_token;
        playfab_auth_entity_negative_cache 10s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "in\n";
    }
--- request eval
["GET /off", "GET /off", "GET /emu/count/ValidateEntityToken",
 "GET /on", "GET /on", "GET /emu/count/ValidateEntityToken"]
--- more_headers
X-EntityToken: ptok-bad
--- error_code eval
[401, 401, 200, 401, 401, 200]
--- response_body_like eval
[qr/unauthorized/, qr/unauthorized/, qr/\A2\n\z/,
 qr/unauthorized/, qr/unauthorized/, qr/\A3\n\z/]



=== TEST 9: PlayFab unable to validate is a 503, never a 401
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}},
 "faults": {"ValidateEntityToken": {"status": 503}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code: 503
--- response_body_like: "code":"playfab_unavailable"



=== TEST 10: the invitation is bound to the validated player
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE", "master": "MPALICE"}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party_bind_invitation on;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body('NetworkConfiguration.PartyInvitationConfiguration' => {Revocability => 'Anyone', EntityKeys => [{Id => 'STRANGER', Type => 'title_player_account'}]}),
 "GET /emu/last/RequestPartyService"]
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"PartyId"/,
 qr/"PartyInvitationConfiguration":\{"Revocability":"Creator","EntityKeys":\[\{"Id":"TPALICE","Type":"title_player_account"\}\]\}/]
--- no_error_log
[error]



=== TEST 11: the verified identity is passed to the game API behind proxy_pass
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE", "master": "MPALICE"}}}
--- config
    location = /game/api {
        playfab_auth entity_token;
        proxy_set_header X-Player "$playfab_auth_method $playfab_auth_subject $playfab_auth_playfab_id";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "$http_x_player\n";
    }
--- request
GET /game/api
--- more_headers
X-EntityToken: ptok-alice
--- error_code: 200
--- response_body
entity_token TPALICE MPALICE
--- no_error_log
[error]



=== TEST 12: a 401 from ValidateEntityToken refuses the player and keeps the title token
PlayFab does not say whose token it refused: forged tokens must not make
the node fetch title tokens.
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}},
 "faults": {"ValidateEntityToken": {"times": 3, "status": 401,
   "envelope": {"code": 401, "status": "Unauthorized", "error": "EntityTokenExpired", "errorCode": 1336, "errorMessage": "expired"}}}}
--- config
    location = /game/api {
        playfab_auth entity_token;
        proxy_set_header X-Player $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "$http_x_player\n";
    }
--- request eval
["GET /game/api", "GET /game/api", "GET /game/api", "GET /game/api",
 "GET /emu/count/GetEntityToken", "GET /emu/count/ValidateEntityToken"]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[401, 401, 401, 200, 200, 200]
--- response_body_like eval
[qr/"code":"unauthorized"/, qr/"code":"unauthorized"/,
 qr/"code":"unauthorized"/, qr/\ATPALICE\n\z/, qr/\A1\n\z/, qr/\A4\n\z/]
--- no_error_log
[error]
refused the title token



=== TEST 13: a CORS preflight passes without a token when allowed
--- config
    location = /game/api {
        playfab_auth entity_token;
        playfab_auth_preflight on;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /strict {
        playfab_auth entity_token;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 204;
    }
--- request eval
["OPTIONS /game/api", "OPTIONS /strict"]
--- more_headers
Origin: https://game.example
Access-Control-Request-Method: POST
--- error_code eval
[204, 401]



=== TEST 14: ValidateEntityToken unreachable is 503 playfab_unavailable
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:1/;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code: 503
--- response_body_like: "code":"playfab_unavailable"



=== TEST 15: ValidateEntityToken slower than proxy_read_timeout is 504 playfab_timeout
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}},
 "faults": {"ValidateEntityToken": {"delay_ms": 1500}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        proxy_read_timeout 300ms;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code: 504
--- response_body_like: "code":"playfab_timeout"



=== TEST 16: a malformed ValidateEntityToken reply is 502 playfab_bad_reply
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}},
 "faults": {"ValidateEntityToken": {"times": 1, "malformed": true}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: ValidateEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code: 502
--- response_body_like: "code":"playfab_bad_reply"
--- error_log
playfab: ValidateEntityToken returned a malformed or oversized reply



=== TEST 17: after a malformed ValidateEntityToken reply, the next request validates the token again and succeeds
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}},
 "faults": {"ValidateEntityToken": {"times": 1, "malformed": true}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body()]
--- playfab_calls: ValidateEntityToken=2 RequestPartyService=1
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code eval
[502, 200]
--- response_body_like eval
[qr/"code":"playfab_bad_reply"/, qr/PartyId/]



=== TEST 18: a wrong-shaped ValidateEntityToken reply is 502
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}},
 "faults": {"ValidateEntityToken": {"wrong_shape": true}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code: 502
--- response_body_like: "code":"playfab_bad_reply"



=== TEST 19: a ValidateEntityToken reply over subrequest_output_buffer_size is 502
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}},
 "faults": {"ValidateEntityToken": {"oversize": 20000}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        subrequest_output_buffer_size 4k;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code: 502
--- response_body_like: "code":"playfab_bad_reply"



=== TEST 20: ValidateEntityToken throttled is 429 with PlayFab's Retry-After
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}},
 "faults": {"ValidateEntityToken": {"status": 429, "headers": {"Retry-After": "7"},
   "envelope": {"code": 429, "status": "TooManyRequests", "error": "APIRequestLimitExceeded", "errorCode": 1130, "errorMessage": "slow down"}}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code: 429
--- response_headers
Retry-After: 7
--- response_body_like: "code":"playfab_throttled"



=== TEST 21: ValidateEntityToken closing the connection without a reply is 503
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}},
 "faults": {"ValidateEntityToken": {"close": true}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-alice
--- error_code: 503
--- response_body_like: "code":"playfab_unavailable"



=== TEST 22: a worker's copy too old for this location names nobody when PlayFab then refuses the token
/long validates alice; her token expires (3 s: Test::Nginx may take
over a second to start nginx after the emulator's reset); /short (1 s) finds the
worker's copy too old and asks PlayFab, which refuses it: the 401 must
carry no identity of hers.
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE", "master": "MPALICE", "lifetime": 3}}}
--- config
    location = /long {
        playfab_auth entity_token;
        playfab_auth_entity_cache 60s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /short {
        playfab_auth entity_token;
        playfab_auth_entity_cache 1s;
        add_header X-Player "[$playfab_auth_playfab_id|$playfab_auth_subject]" always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "in\n";
    }
--- request eval
["GET /long", ("GET /emu/sleep?ms=1600") x 2, "GET /short"]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[200, 200, 200, 401]
--- response_headers eval
["", "", "", "X-Player: [|]"]
--- response_body_like eval
[qr/\Ain\n\z/, (qr/\Aok\n\z/) x 2, qr/"code":"unauthorized"/]
--- playfab_calls: ValidateEntityToken=2



=== TEST 23: a token PlayFab refused at one location is refused at one with a longer cache, without negative caching
/b keeps no valid records and no refusals; when PlayFab refuses alice's
expired token there, the record /a was reading is dropped: /a asks
PlayFab again, and refuses her too.
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE", "lifetime": 3}}}
--- config
    location = /a {
        playfab_auth entity_token;
        playfab_auth_entity_cache 60s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /b {
        playfab_auth entity_token;
        playfab_auth_entity_cache 0;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "in\n";
    }
--- request eval
["GET /a", "GET /a", ("GET /emu/sleep?ms=1600") x 2, "GET /b", "GET /a"]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[200, 200, 200, 200, 401, 401]
--- response_body_like eval
[qr/\Ain\n\z/, qr/\Ain\n\z/, (qr/\Aok\n\z/) x 2, qr/"code":"unauthorized"/,
 qr/"code":"unauthorized"/]
--- playfab_calls: ValidateEntityToken=3



=== TEST 24: a refused token leaves the worker's copies of other players in place
ptok-bogus-0's record key falls in another of the zone's 256 epochs than
alice's: after PlayFab refuses it, alice is still found in the worker's
table, not read from the zone's records ("cache hit").
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}}}
--- config
    location = /a {
        playfab_auth entity_token;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "in\n";
    }
--- request eval
["GET /a", "GET /a", "GET /a", "GET /a"]
--- more_headers eval
["X-EntityToken: ptok-alice", "X-EntityToken: ptok-alice",
 "X-EntityToken: ptok-bogus-0", "X-EntityToken: ptok-alice"]
--- error_code eval
[200, 200, 401, 200]
--- playfab_calls: ValidateEntityToken=2
--- log_level: debug
--- error_log
http finalize request
--- no_error_log
playfab: entity token cache hit
