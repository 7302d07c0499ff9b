# The title token across workers: concurrent cold requests make exactly
# one GetEntityToken for the whole node.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

$ENV{TEST_NGINX_FANOUT_PORT} ||= 1990;

workers(2);
master_on();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: concurrent cold requests in two workers make one GetEntityToken
/fanout sends 24 requests at once, through new connections, to a server
with two workers; the emulator holds GetEntityToken for 500 ms.
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;

    server {
        listen 127.0.0.1:$TEST_NGINX_FANOUT_PORT reuseport;

        location = /v1/party {
            playfab_auth off;
            playfab_party;
        }

        location /_playfab/ {
            internal;
            proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        }
    }
--- config
    location = /fanout {
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }

    location = /m {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }
--- playfab_emulator
{"faults": {"GetEntityToken": {"delay_ms": 500}}}
--- request eval
["POST /fanout\n" . party_body(),
 "GET /emu/sleep?ms=500",
 "GET /emu/count/GetEntityToken",
 "GET /emu/count/RequestPartyService"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/ok/, qr/\A1\n\z/, qr/\A24\n\z/]
--- error_log
playfab: title token being fetched elsewhere, waiting
--- no_error_log
[error]
[alert]



=== TEST 2: nginx -s reload keeps the cached title token
The master gets SIGHUP between two requests; the new workers find the
token in the zone they inherit.
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }

    location = /reload {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/signal?pid=$pid&sig=HUP&master=1&wait_ms=1000;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /reload",
 "POST /v1/party\n" . party_body(),
 "GET /emu/count/GetEntityToken",
 "GET /emu/count/RequestPartyService"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/ok/, qr/"PartyId"/, qr/\A1\n\z/, qr/\A2\n\z/]
--- error_log
reconfiguring
--- no_error_log
[error]
[alert]
[emerg]



=== TEST 3: a failed GetEntityToken fails its waiters at once; the next request after a second asks again
Twenty requests wait on a fetch that PlayFab answers with 503 after
500 ms: they all answer 503 without asking PlayFab themselves, and a
request a second later fetches again (the lease is not stuck).
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;

    server {
        listen 127.0.0.1:$TEST_NGINX_FANOUT_PORT reuseport;

        location = /v1/party {
            playfab_auth off;
            playfab_party;
        }

        location /_playfab/ {
            internal;
            proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        }
    }
--- config
    location = /fanout {
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        mirror /m; mirror /m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }

    location = /m {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }

    location = /direct {
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }
--- playfab_emulator
{"faults": {"GetEntityToken": {"times": 1, "delay_ms": 500, "status": 503}}}
--- request eval
["POST /fanout\n" . party_body(),
 "GET /emu/sleep?ms=200",
 "GET /emu/count/GetEntityToken",
 "GET /emu/count/RequestPartyService",
 "GET /emu/sleep?ms=1100",
 "POST /direct\n" . party_body(),
 "GET /emu/count/GetEntityToken"]
--- more_headers
Content-Type: application/json
--- error_code eval
[503, 200, 200, 200, 200, 200, 200]
--- response_body_like eval
[qr/"code":"(?:playfab_unavailable|token_unavailable)"/, qr/ok/,
 qr/\A1\n\z/, qr/\A0\n\z/, qr/ok/, qr/"PartyId"/, qr/\A2\n\z/]
--- error_log
playfab: the last GetEntityToken failed less than 1000 ms ago (503), not asking again yet
--- no_error_log
[alert]
[crit]
