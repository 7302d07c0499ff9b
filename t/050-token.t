# The title entity token: cached in shared memory, fetched once for the
# whole node, refreshed ahead of expiry, its lifetime measured on
# PlayFab's clock.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a cold cache fetches the title token
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: "PartyId"
--- playfab_calls: GetEntityToken=1 RequestPartyService=1
--- error_log
playfab: title token miss, fetching
--- no_error_log
playfab: title token cache hit
[error]
[alert]



=== TEST 2: the second request uses the cached title token
$playfab_token_cache tells how each request got the token.
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
        add_header X-Token-Cache $playfab_token_cache always;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body()]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_headers eval
["X-Token-Cache: MISS", "X-Token-Cache: HIT"]
--- response_body_like eval
[qr/"PartyId"/, qr/"PartyId"/]
--- playfab_calls: GetEntityToken=1 RequestPartyService=2 token_index/RequestPartyService=1
--- no_error_log
[error]
[alert]



=== TEST 3: GetEntityToken is always sent with the secret key
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: "PartyId"
--- playfab_emulator_check eval
['last/GetEntityToken' => qr/"x-secretkey":"emu-secret-key"/]
--- no_error_log
[error]



=== TEST 4: an expired token is fetched again
--- playfab_emulator
{"token_lifetime": 2}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
        add_header X-Token-Cache $playfab_token_cache always;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=2300",
 "POST /v1/party\n" . party_body()]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Token-Cache: MISS", "", "X-Token-Cache: MISS"]
--- response_body_like eval
[qr/"PartyId"/, qr/ok/, qr/"PartyId"/]
--- playfab_calls: GetEntityToken=2 RequestPartyService=2 token_index/RequestPartyService=2
--- timeout: 6
--- no_error_log
[error]



=== TEST 5: a token near its expiry is still used while one refresh runs
With a 4 s lifetime the refresh window is the last 2 s: the request at
2.3 s uses token 1 and starts the refresh, which has ended 300 ms later.
--- playfab_emulator
{"token_lifetime": 4}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
        add_header X-Token-Cache $playfab_token_cache always;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=2300",
 "POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=300"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["X-Token-Cache: MISS", "", "X-Token-Cache: REFRESH", ""]
--- response_body_like eval
[qr/"PartyId"/, qr/ok/, qr/"PartyId"/, qr/ok/]
--- playfab_calls: GetEntityToken=2 tokens_issued=2 RequestPartyService=2 token_index/RequestPartyService=1
--- timeout: 6
--- no_error_log
[error]



=== TEST 6: after the background refresh, the next request uses the new token
The same sequence as TEST 5, and one more request, a cache hit on token 2.
--- playfab_emulator
{"token_lifetime": 4}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
        add_header X-Token-Cache $playfab_token_cache always;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=2300",
 "POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=300",
 "POST /v1/party\n" . party_body()]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200, 200, 200]
--- response_headers eval
["X-Token-Cache: MISS", "", "X-Token-Cache: REFRESH", "",
 "X-Token-Cache: HIT"]
--- response_body_like eval
[qr/"PartyId"/, qr/ok/, qr/"PartyId"/, qr/ok/, qr/"PartyId"/]
--- playfab_calls: GetEntityToken=2 RequestPartyService=3 token_index/RequestPartyService=2
--- timeout: 6
--- no_error_log
[error]



=== TEST 7: the lifetime is measured on PlayFab's clock, not the local one
The emulator's clock is two hours behind: its TokenExpiration is in the
local past, yet the token is valid for an hour by PlayFab's Date.
--- playfab_emulator
{"date_offset": -7200, "token_lifetime": 3600}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
        add_header X-Token-Cache $playfab_token_cache always;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body()]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_headers eval
["X-Token-Cache: MISS", "X-Token-Cache: HIT"]
--- response_body_like eval
[qr/"PartyId"/, qr/"PartyId"/]
--- playfab_calls: GetEntityToken=1 RequestPartyService=2
--- no_error_log
[error]
