# A studio's own tests of its nginx.conf, as docs/testing.md shows them:
# this file is quoted there whole, and passes under our runner and under
# openresty's Test::Nginx alike.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;    # the PlayFab emulator, party_body(), api_key_line()

repeat_each(1);     # the blocks count PlayFab's calls
no_shuffle();

# The studio's locations, added to every block that does not define
# /v1/party itself: the party endpoint for its matchmaker, and its
# existing game API behind the same keys.  (PlayfabTest adds the
# locations to the emulator; the order the two run in does not matter.)
my $Studio = <<'_EOC_';
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_regions EastUs WestEurope;
        playfab_party;
    }
    location /api/ {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        proxy_set_header X-Caller $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/game/;
    }
    # stands in for the studio's game server
    location = /game/profile {
        return 200 "game API, caller=$http_x_caller\n";
    }
_EOC_

add_block_preprocessor(sub {
    my ($block) = @_;
    my $config = $block->config // '';
    $block->set_value(config => $Studio . $config)
        unless $config =~ m{^\s*location\s+=\s+/v1/party\s}m;
    $block->set_value(user_files => ">>> keys\n"
        . api_key_line('matchmaker', 'mm-key-1')) unless defined $block->user_files;
});

run_tests();

__DATA__

=== TEST 1: the matchmaker's key gets a party
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-API-Key: mm-key-1
--- response_headers
Content-Type: application/json
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- playfab_calls: GetEntityToken=1 RequestPartyService=1
--- no_error_log
[error]



=== TEST 2: a wrong key is 401, and PlayFab is never called
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-API-Key: not-a-key
--- error_code: 401
--- response_headers
Content-Type: application/problem+json
WWW-Authenticate: ApiKey
--- response_body_like: "code":"unauthorized"
--- playfab_calls: GetEntityToken=0 RequestPartyService=0
--- error_log
playfab: caller not authenticated



=== TEST 3: a region outside the studio's policy is refused before PlayFab
--- request eval
"POST /v1/party\n" . party_body(PreferredRegions => ['JapanEast'])
--- more_headers
Content-Type: application/json
X-API-Key: mm-key-1
--- error_code: 400
--- response_body_like: "code":"policy_violation".*"field":"PreferredRegions\[0\]"
--- playfab_calls: RequestPartyService=0



=== TEST 4: PlayFab throttling reaches the matchmaker as 429 with Retry-After
--- playfab_emulator
{"faults":{"RequestPartyService":{"status":429,"headers":{"Retry-After":"7"}}}}
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-API-Key: mm-key-1
--- error_code: 429
--- response_headers
Retry-After: 7
--- response_body_like: "code":"playfab_throttled"
--- playfab_calls: RequestPartyService=1
--- error_log eval
qr/\[warn\] .*playfab: .*RequestPartyService/



=== TEST 5: the game API sees who called it, and refuses anyone else
--- request eval
["GET /api/profile", "GET /api/profile"]
--- more_headers eval
["X-API-Key: mm-key-1", "X-API-Key: not-a-key"]
--- error_code eval
[200, 401]
--- response_body_like eval
[qr/\Agame API, caller=api_key:.+:matchmaker\n\z/, qr/"code":"unauthorized"/]
--- playfab_calls: GetEntityToken=0 RequestPartyService=0
--- no_error_log
[error]
