# One principal per authenticated caller: (method, realm, subject).  The
# variables that name it, a JWT that names nobody, rate limits keyed on
# it, and callers of two methods (or two titles) with the same subject
# kept apart.  Each block is an attack the module once let through.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;
use JwtTest;

$ENV{TEST_NGINX_JWT_DIR} = jwt_dir();

jwt_key('rsa1', 'rsa');

our $SECRET = 'principal-secret-0123456789abcdef-0123456789';
jwt_secret_file('hs.secret', $SECRET);

# JWKS files whose RSA key carries a private member (t/unit/test_jwk.c
# tries every member of every key type)
jwks_file('private-qi.json', jwk('rsa1', kid => 'k1', qi => 'AQAB'));
jwks_file('private-enc.json', jwk('rsa1', kid => 'k1', use => 'enc',
                                  d => 'AQAB'));


package Test::Base::Filter;

# jwt(%claims): an HS256 token valid ten minutes, "sub" given or not
sub jwt {
    my (%claims) = @_;
    return 'Authorization: Bearer '
        . JwtTest::jwt_hs($main::SECRET, { exp => time + 600, %claims });
}


package main;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: each method names its principal: method, realm (key file, issuer and key files, title), subject
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE", "master": "MPALICE"}}}
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /key {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        proxy_set_header X-P "$playfab_auth_principal|$playfab_auth_realm|$playfab_auth_method|$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /jwt {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-P "$playfab_auth_principal|$playfab_auth_realm|$playfab_auth_method|$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /entity {
        playfab_auth entity_token;
        proxy_set_header X-P "$playfab_auth_principal|$playfab_auth_realm|$playfab_auth_method|$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_p\n"; }
--- request eval
["GET /key", "GET /jwt", "GET /jwt", "GET /entity"]
--- more_headers eval
["X-API-Key: k-svc",
 jwt(sub => 'player-1', iss => 'https://idp.example/'),
 jwt(sub => 'player-1'),
 "X-EntityToken: ptok-alice"]
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr{\Aapi_key:(/\S+/html/keys):svc\|\1\|api_key\|svc\n\z},
 qr{\Ajwt:https%3A//idp\.example/ (/\S+/hs\.secret):player-1\|https://idp\.example/ \1\|jwt\|player-1\n\z},
 qr{\Ajwt:(/\S+/hs\.secret):player-1\|\1\|jwt\|player-1\n\z},
 qr{\Aentity_token:EMU01:TPALICE\|EMU01\|entity_token\|TPALICE\n\z}]
--- no_error_log
[error]



=== TEST 2: a JWT without a usable "sub" is refused (401 no_subject), whatever else it holds
Each request must log its refusal, so each is one; TEST 1 shows a token
with a "sub" passing the same configuration.
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-P $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "[$http_x_p]\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[jwt(role => 'admin'), jwt(sub => ''), jwt(sub => ['a', 'b']),
 jwt(sub => 42)]
--- error_code eval
[401, 401, 401, 401]
--- response_headers eval
[(qq{WWW-Authenticate: Bearer error="invalid_token", error_description="no_subject"}) x 4]
--- response_body_like eval
[(qr/"code":"unauthorized"/) x 4]
--- log_level: info
--- error_log
playfab: JWT refused: no_subject "sub"
--- no_error_log
[error]



=== TEST 3: playfab_auth_jwt_subject names the claim that names the caller
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_subject player_id;
        proxy_set_header X-P $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_p\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[jwt(player_id => 'p-77'), jwt(sub => 'p-77')]
--- error_code eval
[200, 401]
--- response_headers eval
["!WWW-Authenticate",
 qq{WWW-Authenticate: Bearer error="invalid_token", error_description="no_subject"}]
--- response_body_like eval
[qr/\Ap-77\n\z/, qr/"code":"unauthorized"/]
--- no_error_log
[error]



=== TEST 4: limit_req keyed on $playfab_auth_principal: an API key and a JWT with the same subject are two callers
Only limit_req answers 429 here (limit_req_status); it logs "limiting
requests" for the limited requests only.
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    limit_req_zone $playfab_auth_principal zone=per_caller:1m rate=1r/m;
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /key {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        limit_req zone=per_caller;
        limit_req_status 429;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /jwt {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        limit_req zone=per_caller;
        limit_req_status 429;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /key", "GET /jwt", "GET /key", "GET /jwt", "GET /jwt"]
--- more_headers eval
["X-API-Key: k-svc", jwt(sub => 'svc'), "X-API-Key: k-svc",
 jwt(sub => 'svc'), jwt(sub => 'svc-2')]
--- error_code eval
[200, 200, 429, 429, 200]
--- no_error_log
[alert]



=== TEST 5: limit_req keyed on $playfab_auth_principal counts an entity-token player from its first cached validation
PREACCESS comes before ValidateEntityToken: the first request of a
token PlayFab has not validated yet has no principal (docs/security.md).
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    limit_req_zone $playfab_auth_principal zone=per_player:1m rate=1r/m;
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}}}
--- config
    location = /game/api {
        playfab_auth entity_token;
        limit_req zone=per_player;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /game/api", "GET /game/api", "GET /game/api"]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[200, 200, 503]
--- response_body_like eval
[qr/in/, qr/in/, qr/./]
--- playfab_calls: ValidateEntityToken=1



=== TEST 6: an Idempotency-Key of an API key "svc" is not the Idempotency-Key of a JWT "svc"
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /key/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
    location = /jwt/party {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_party_idempotency on;
        playfab_party;
    }
--- request eval
["POST /key/party\n" . party_body(), "POST /jwt/party\n" . party_body(),
 "POST /jwt/party\n" . party_body()]
--- more_headers eval
["X-API-Key: k-svc\nContent-Type: application/json\nIdempotency-Key: same",
 jwt(sub => 'svc') . "\nContent-Type: application/json\nIdempotency-Key: same",
 jwt(sub => 'svc') . "\nContent-Type: application/json\nIdempotency-Key: same"]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["!Idempotent-Replayed", "!Idempotent-Replayed", "Idempotent-Replayed: true"]
--- response_body_like eval
[qr/PartyId/, qr/PartyId/, qr/PartyId/]
--- playfab_calls: RequestPartyService=2
--- no_error_log
[error]



=== TEST 7: the same principal and key at locations of two titles, or at two endpoints, are two records
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /a/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
    location = /b/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_title_id EMU02;
        playfab_party_idempotency on;
        playfab_party;
    }
    location = /a/big-party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party_max MaxUsers 32;
        playfab_party;
    }
--- request eval
["POST /a/party\n" . party_body(), "POST /b/party\n" . party_body(),
 "POST /a/big-party\n" . party_body(), "POST /a/party\n" . party_body()]
--- more_headers
X-API-Key: k-svc
Content-Type: application/json
Idempotency-Key: same
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["!Idempotent-Replayed", "!Idempotent-Replayed", "!Idempotent-Replayed",
 "Idempotent-Replayed: true"]
--- response_body_like eval
[qr/PartyId/, qr/PartyId/, qr/PartyId/, qr/PartyId/]
--- playfab_calls: RequestPartyService=3



=== TEST 8: without a principal (satisfy any, allow matched) an Idempotency-Key is refused, never shared
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /v1/party {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body()]
--- more_headers eval
["Content-Type: application/json\nIdempotency-Key: shared",
 "Content-Type: application/json"]
--- error_code eval
[403, 200]
--- response_body_like eval
[qr/\A\{"type":"urn:playfab-party:error:principal_required","title":"Forbidden","status":403,"code":"principal_required","detail":"an Idempotency-Key is kept only for an authenticated caller","field":"Idempotency-Key"/,
 qr/PartyId/]
--- playfab_calls: RequestPartyService=1
--- no_error_log
[error]



=== TEST 9: playfab_party_idempotency with playfab_auth off fails nginx -t
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party_idempotency on;
        playfab_party;
    }
--- must_die
--- error_log eval
qr/"playfab_party" requires "playfab_auth" other than "off" for "playfab_party_idempotency" .* in .*nginx\.conf:\d+/



=== TEST 10: invitation binding without an authenticated player (satisfy any, allow matched) is refused
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}}}
--- config
    location = /v1/party {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        playfab_auth entity_token;
        playfab_party_bind_invitation on;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body('NetworkConfiguration.PartyInvitationConfiguration' => {Revocability => 'Anyone'}),
 "POST /v1/party\n" . party_body()]
--- more_headers eval
["Content-Type: application/json",
 "Content-Type: application/json\nX-EntityToken: ptok-alice"]
--- error_code eval
[403, 200]
--- response_body_like eval
[qr/"code":"principal_required"/, qr/PartyId/]
--- playfab_calls: RequestPartyService=1



=== TEST 11: a JWK with a private member of its key type fails nginx -t naming the member
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/private-qi.json;
        return 204;
    }
--- must_die
--- error_log eval
qr/JWT key file ".*private-qi\.json": key 1: a private key \(member "qi"\): publish only public keys/



=== TEST 12: so does a private key marked for encryption, which a set would otherwise skip
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/private-enc.json;
        return 204;
    }
--- must_die
--- error_log eval
qr/JWT key file ".*private-enc\.json": key 1: a private key \(member "d"\): publish only public keys/
