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

=== TEST 1: the second request uses the cached title token
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body(),
 "GET /emu/count/GetEntityToken",
 "GET /emu/count/RequestPartyService",
 "GET /emu/token_index/RequestPartyService"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/"PartyId"/, qr/\A1\n\z/, qr/\A2\n\z/, qr/\A1\n\z/]
--- error_log
playfab: title token miss, fetching
playfab: title token cache hit
--- no_error_log
[error]
[alert]



=== TEST 2: GetEntityToken is always sent with the secret key
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/last/GetEntityToken"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/"x-secretkey":"emu-secret-key"/]
--- no_error_log
[error]



=== TEST 3: an expired token is fetched again
--- playfab_emulator
{"token_lifetime": 2}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=2300",
 "POST /v1/party\n" . party_body(),
 "GET /emu/count/GetEntityToken",
 "GET /emu/token_index/RequestPartyService"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/ok/, qr/"PartyId"/, qr/\A2\n\z/, qr/\A2\n\z/]
--- timeout: 6
--- no_error_log
[error]



=== TEST 4: a token near its expiry keeps serving while one refresh runs
With a 4 s lifetime the refresh window is the last 2 s: the request at
2.3 s still uses token 1 and starts the refresh; the next one uses token 2.
--- playfab_emulator
{"token_lifetime": 4}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=2300",
 "POST /v1/party\n" . party_body(),
 "GET /emu/token_index/RequestPartyService",
 "GET /emu/sleep?ms=300",
 "POST /v1/party\n" . party_body(),
 "GET /emu/token_index/RequestPartyService",
 "GET /emu/count/GetEntityToken"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/ok/, qr/"PartyId"/, qr/\A1\n\z/, qr/ok/, qr/"PartyId"/,
 qr/\A2\n\z/, qr/\A2\n\z/]
--- timeout: 6
--- error_log
playfab: title token due, background refresh
--- no_error_log
[error]



=== TEST 5: the lifetime is measured on PlayFab's clock, not the local one
The emulator's clock is two hours behind: its TokenExpiration is in the
local past, yet the token is valid for an hour by PlayFab's Date.
--- playfab_emulator
{"date_offset": -7200, "token_lifetime": 3600}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body(),
 "GET /emu/count/GetEntityToken"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/"PartyId"/, qr/\A1\n\z/]
--- no_error_log
[error]
