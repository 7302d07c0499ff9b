# Players' entity tokens are scoped by title: a token validated for one
# title is never a caller of another, PlayFab's answer is checked
# against the location's title, a validation is the PlayFab's that gave
# it (title, secret key, api_location), and each location reads the
# shared records by its own cache settings.  Title tokens are scoped by the
# settings that got them (title, secret key, api_location).

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a token validated at a location of one title is validated again, and refused, at another title's
The refusals say why in their detail; the warning they log (only /b's
requests do) is TEST 2's.
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}}}
--- config
    location = /a/api {
        playfab_auth entity_token;
        proxy_set_header X-P $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /b/api {
        playfab_auth entity_token;
        playfab_title_id EMU02;
        proxy_set_header X-P $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_p\n"; }
--- request eval
["GET /a/api", "GET /a/api", "GET /b/api", "GET /b/api"]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[200, 200, 401, 401]
--- response_body_like eval
[qr/\Aentity_token:EMU01:TPALICE\n\z/, qr/\Aentity_token:EMU01:TPALICE\n\z/,
 qr/"code":"unauthorized","detail":"entity token of another title"/,
 qr/"code":"unauthorized","detail":"entity token of another title"/]
--- playfab_calls: ValidateEntityToken=3
--- no_error_log
[error]



=== TEST 2: a player of another title is refused even where PlayFab validates the token
--- playfab_emulator
{"player_tokens": {"ptok-elsewhere": {"id": "TPOTHER", "title": "OTHER1"}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-EntityToken: ptok-elsewhere
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer error="invalid_token", error_description="the entity token is invalid, expired or revoked"
--- response_body_like: "code":"unauthorized"
--- playfab_calls: RequestPartyService=0
--- error_log
playfab: entity token of title "OTHER1" refused where the title is "EMU01"
--- no_error_log
[error]
ptok-elsewhere



=== TEST 3: playfab_auth_entity_cache 0 is honoured when reading what another location cached
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}}}
--- config
    location = /cached {
        playfab_auth entity_token;
        playfab_auth_entity_cache 60s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /uncached {
        playfab_auth entity_token;
        playfab_auth_entity_cache 0;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /cached", "GET /cached", "GET /uncached", "GET /uncached"]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/in/, qr/in/, qr/in/, qr/in/]
--- playfab_calls: ValidateEntityToken=3



=== TEST 4: a shorter playfab_auth_entity_cache is honoured on a record made under a longer one
/short takes /long's fresh record (no second validation), and
validates again once the record is older than its 2 s (the request
that does logs "entity token record too old here").  Records are aged
in whole seconds (a record made at x.9 is 1 s old at x+1.0): 2 s, not
1 s, so that the first /short is fresh whichever second /long ends in.
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}}}
--- config
    location = /long {
        playfab_auth entity_token;
        playfab_auth_entity_cache 60s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /short {
        playfab_auth entity_token;
        playfab_auth_entity_cache 2s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /long", "GET /short", "GET /emu/sleep?ms=2100", "GET /short"]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/in/, qr/in/, qr/ok/, qr/in/]
--- playfab_calls: ValidateEntityToken=2



=== TEST 5: a refusal cached by one location's negative cache does not refuse at a location without one
PlayFab refuses the token once (as it would a revoked one) at /neg,
which remembers the refusal; /plain (which keeps no records) asks
PlayFab and lets the player in, /neg still refuses it from its record,
without asking PlayFab, saying so in the detail of its refusal.
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}},
 "faults": {"ValidateEntityToken": {"times": 1, "status": 400,
   "envelope": {"code": 400, "status": "BadRequest", "error": "EntityTokenInvalid", "errorCode": 1335, "errorMessage": "invalid"}}}}
--- config
    location = /neg {
        playfab_auth entity_token;
        playfab_auth_entity_negative_cache 60s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /plain {
        playfab_auth entity_token;
        playfab_auth_entity_cache 0;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /neg", "GET /plain", "GET /neg"]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[401, 200, 401]
--- response_body_like eval
[qr/"code":"unauthorized","detail":"PlayFab refused the entity token"/, qr/in/,
 qr/"code":"unauthorized","detail":"entity token known invalid"/]
--- playfab_calls: ValidateEntityToken=2



=== TEST 6: a title token is its title's, secret key's and api_location's: a location with a wrong secret never uses another's token
The emulator knows only the right secret: /wrong must fetch its own
token, and fail, though /right has one cached for the same title.
--- config
    location = /right/party {
        playfab_auth off;
        playfab_party;
    }
    location = /wrong/party {
        playfab_auth off;
        playfab_secret_key not-the-emulator-secret-key;
        playfab_party;
    }
--- request eval
["POST /right/party\n" . party_body(), "POST /wrong/party\n" . party_body()]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 502]
--- response_body_like eval
[qr/PartyId/, qr/"code":"playfab_configuration"/]
--- playfab_calls: GetEntityToken=2 RequestPartyService=1



=== TEST 7: the title token fetched through one api_location is never sent through another
--- config
    location = /a/party {
        playfab_auth off;
        playfab_party;
    }
    location = /b/party {
        playfab_auth off;
        playfab_api_location /_other/;
        playfab_party;
    }
    location /_other/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        subrequest_output_buffer_size 64k;
    }
--- request eval
["POST /a/party\n" . party_body(), "POST /b/party\n" . party_body()]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/PartyId/, qr/PartyId/]
--- playfab_calls: GetEntityToken=2 token_index/RequestPartyService=2



=== TEST 8: a background refresh is stored for the settings that asked for it, even when the request has moved to another location
Every GetEntityToken takes 500 ms, and its token lives 8 s (due for
refresh after 4).  At 4.8 s /b's title token (token 2) is fetched and
/a's (token 1) is due: /a/api's ACCESS phase starts its refresh (token
3) and try_files moves the request to @b, of EMU02, before the refresh
ends.  Token 3 is EMU01's: the next request
of EMU02 still presents token 2.
--- playfab_emulator
{"token_lifetime": 8,
 "player_tokens": {"ptok-alice": {"id": "TPALICE", "lifetime": 600}},
 "faults": {"GetEntityToken": {"delay_ms": 500}}}
--- config
    location = /a/first {
        playfab_auth entity_token;
        playfab_auth_entity_cache 0;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /a/api {
        playfab_auth entity_token;
        playfab_auth_entity_cache 0;
        try_files /nothing @b;
    }
    location = /b/api {
        playfab_auth entity_token;
        playfab_auth_entity_cache 0;
        playfab_title_id EMU02;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location @b {
        playfab_auth entity_token;
        playfab_auth_entity_cache 0;
        playfab_title_id EMU02;
        rewrite ^ /backend break;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /a/first", "GET /emu/sleep?ms=4300", "GET /b/api", "GET /a/api",
 "GET /emu/sleep?ms=1000", "GET /b/api"]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[200, 200, 401, 401, 200, 401]
--- playfab_calls: GetEntityToken=3 tokens_issued=3 token_index/ValidateEntityToken=2
--- timeout: 8
--- no_error_log
[error]



=== TEST 9: a player accepted through one api_location is not accepted through another of the same title
/stage asks a stub that accepts any token, /prod the emulator, which
knows none: what the stub accepted is not /prod's, nor is /prod's
refusal /stage's.
--- config
    location = /stage/api {
        playfab_auth entity_token;
        playfab_api_location /_stub/;
        proxy_set_header X-P $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /prod/api {
        playfab_auth entity_token;
        proxy_set_header X-P $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location /_stub/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/stub/;
    }
    location = /stub/Authentication/GetEntityToken {
        default_type application/json;
        return 200 '{"code":200,"status":"OK","data":{"EntityToken":"stub-title-token","TokenExpiration":"2030-01-01T00:00:00Z","Entity":{"Id":"EMU01","Type":"title","TypeString":"title"}}}';
    }
    location = /stub/Authentication/ValidateEntityToken {
        default_type application/json;
        return 200 '{"code":200,"status":"OK","data":{"Entity":{"Id":"TPFORGED","Type":"title_player_account","TypeString":"title_player_account"},"Lineage":{"MasterPlayerAccountId":"MFORGED","TitleId":"EMU01","NamespaceId":"1","TitlePlayerAccountId":"TPFORGED"},"IdentityProvider":"PlayFab","IdentifiedDeviceType":"Win32"}}';
    }
    location = /backend { return 200 "$http_x_p\n"; }
--- request eval
["GET /stage/api", "GET /prod/api", "GET /stage/api"]
--- more_headers
X-EntityToken: forged-player-token
--- error_code eval
[200, 401, 200]
--- response_body_like eval
[qr/\Aentity_token:EMU01:TPFORGED\n\z/,
 qr/"detail":"PlayFab refused the entity token"/,
 qr/\Aentity_token:EMU01:TPFORGED\n\z/]
--- playfab_calls: GetEntityToken=1 ValidateEntityToken=1
--- no_error_log
[error]
