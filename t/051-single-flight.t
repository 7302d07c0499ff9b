# The title token across workers: concurrent cold requests make exactly
# one GetEntityToken for the whole node.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

workers(2);
# the fan-outs hold 24 client and 24 upstream connections, and more
# in whichever worker their requests land: past Test::Nginx's 64
worker_connections(1024);
master_on();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: concurrent cold requests in two workers wait for one GetEntityToken
/fanout sends 24 requests at once, through new connections, to a server
with two workers; the emulator holds GetEntityToken for 500 ms, long
enough for all the others to wait for the first one's fetch before
/fanout answers.
--- fan_out_server
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
"POST /fanout\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: "PartyId"
--- playfab_calls: GetEntityToken=1 tokens_issued=1
--- error_log
playfab: title token being fetched elsewhere, waiting
--- no_error_log
[error]
[alert]



=== TEST 2: concurrent cold requests in two workers make one GetEntityToken
The same 24 requests; 500 ms later, all of them have created their
party with the one token fetched.
--- fan_out_server
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
 "GET /emu/sleep?ms=500"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/ok/]
--- playfab_calls: GetEntityToken=1 tokens_issued=1 RequestPartyService=24
--- no_error_log
[error]
[alert]



=== TEST 3: the SIGHUP sent through the emulator reloads nginx
What TEST 4 relies on: /reload makes the master reconfigure.
--- config
    location = /reload {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/signal?pid=$pid&sig=HUP&master=1&wait_ms=1000;
    }
--- request
GET /reload
--- error_code: 200
--- response_body
ok
--- error_log
reconfiguring
--- no_error_log
[error]
[alert]
[emerg]



=== TEST 4: nginx -s reload keeps the cached title token
The master gets SIGHUP between two requests; the new workers find the
token in the zone they inherit.
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
        add_header X-Token-Cache $playfab_token_cache always;
    }

    location = /reload {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/signal?pid=$pid&sig=HUP&master=1&wait_ms=1000;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /reload",
 "POST /v1/party\n" . party_body()]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Token-Cache: MISS", "", "X-Token-Cache: HIT"]
--- response_body_like eval
[qr/"PartyId"/, qr/\Aok\n\z/, qr/"PartyId"/]
--- playfab_calls: GetEntityToken=1 RequestPartyService=2
--- no_error_log
[error]
[alert]
[emerg]



=== TEST 5: a failed GetEntityToken fails its waiters at once, without asking PlayFab again
Twenty requests wait on a fetch that PlayFab answers with 503 after
500 ms: the fetcher answers playfab_unavailable, the twenty waiters
token_unavailable, and none asks PlayFab itself.
--- fan_out_server
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

    location = /metrics {
        playfab_status;
    }
--- playfab_emulator
{"faults": {"GetEntityToken": {"times": 1, "delay_ms": 500, "status": 503}}}
--- request eval
["POST /fanout\n" . party_body(),
 "GET /emu/sleep?ms=200",
 "GET /metrics"]
--- more_headers
Content-Type: application/json
--- error_code eval
[503, 200, 200]
--- response_body_like eval
[qr/"code":"(?:playfab_unavailable|token_unavailable)"/, qr/ok/,
 qr/(?=.*^playfab_party_requests_total\{code="playfab_unavailable"\} 1$)(?=.*^playfab_party_requests_total\{code="token_unavailable"\} 20$)(?=.*^playfab_title_token_events_total\{event="fetch"\} 1$)(?=.*^playfab_title_token_events_total\{event="wait"\} 20$)/ms]
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- no_error_log
[alert]
[crit]



=== TEST 6: waiters failed by a GetEntityToken log why
The waiters may finish just after /fanout has answered: the log is read
300 ms later.
--- fan_out_server
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
--- playfab_emulator
{"faults": {"GetEntityToken": {"times": 1, "delay_ms": 500, "status": 503}}}
--- request eval
"POST /fanout\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_body_like: "code":"(?:playfab_unavailable|token_unavailable)"
--- wait: 0.3
--- error_log
playfab: the last GetEntityToken failed less than 1000 ms ago (503), not asking again yet
--- no_error_log
[alert]
[crit]



=== TEST 7: after a failed GetEntityToken, the next request after a second asks again
The lease is not stuck: 1.3 s after the failure, a request fetches a
token and creates its party.
--- fan_out_server
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
 "GET /emu/sleep?ms=1300",
 "POST /direct\n" . party_body()]
--- more_headers
Content-Type: application/json
--- error_code eval
[503, 200, 200]
--- response_body_like eval
[qr/"code":"(?:playfab_unavailable|token_unavailable)"/, qr/ok/,
 qr/"PartyId"/]
--- playfab_calls: GetEntityToken=2 RequestPartyService=1
--- no_error_log
[alert]
[crit]
