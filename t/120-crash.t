# Reload and crash survival, with a master and two workers: a worker
# SIGKILLed while it holds the title token's fetch lease leaves the zone
# usable (the master respawns it, the lease expires after
# playfab_token_wait, the next request fetches again); a worker can be
# killed again and again; "nginx -s reload" in the middle of requests
# loses none of them and keeps the token.
#
# A test kills the worker that serves it through the emulator's
# /_emu/signal endpoint, given $pid; that request gets no response
# (--- error_code "": the connection closes without one).
#
# nginx logs a worker's death as "[alert] ... worker process N exited on
# signal 9": the killing blocks allow that alert and no other, and say
# so with "--- expect_worker_crash: 9", which tells the runner's "no
# worker crash" check to let SIGKILL deaths through (and nothing else:
# other signals, core dumps, sanitizer reports still fail).  Test::Nginx
# matches --- error_log against each request's part of the log, so the
# alert itself is expected only by TEST 1, whose one request is the
# killed one; the blocks that go on after a kill see it by the missing
# response.
#
# A worker killed while it holds the zone's mutex (a few instructions
# long, not reproducible from a test) is handled by nginx itself: the
# master force-unlocks every shared zone's mutex held by a dead worker
# (ngx_shmtx_force_unlock, "[alert] shared memory zone ... was locked
# by N").  The blocks below assert that no such line appears, i.e. the
# kills hit the worker while it waits, as intended.

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


package Test::Base::Filter;

# every [alert] except a worker's death by SIGKILL, and the other
# levels that must not appear
sub no_other_alert {
    return [qr/\[alert\](?!.* worker process \d+ exited on signal 9$)/,
            'was locked by', '[crit]', '[emerg]', '[error]'];
}

package main;

run_tests();

__DATA__

=== TEST 1: a worker killed while it fetches the title token: nginx logs its death by SIGKILL, and no other alert
/kill-while-fetching is a party request whose GetEntityToken the
emulator holds for 1.5 s; its mirror asks the emulator to SIGKILL the
request's worker 500 ms later.  The block waits (--- wait) for the
master to log the death, and for the dead worker's GetEntityToken to be
answered (into a closed connection), so that it does not run into the
next block.
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    playfab_token_wait 1s;
--- playfab_emulator
{"faults": {"GetEntityToken": {"delay_ms": 1500, "times": 1}}}
--- config
    location = /kill-while-fetching {
        mirror /kill-this-worker;
        playfab_auth off;
        playfab_party;
    }

    location = /kill-this-worker {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/signal?pid=$pid&sig=KILL&delay_ms=500;
    }
--- request eval
"POST /kill-while-fetching\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- timeout: 5
--- wait: 1.5
--- error_code eval
""
--- response_body_like eval
qr/\A\z/
--- expect_worker_crash: 9
--- error_log eval
[qr/\[alert\] .* worker process \d+ exited on signal 9$/,
 'playfab: title token miss, fetching']
--- no_error_log eval
no_other_alert()



=== TEST 2: a worker killed while it holds the fetch lease: the lease expires after playfab_token_wait, the next request fetches again
The kill of TEST 1, then a request that finds the dead worker's lease,
waits for it to expire (playfab_token_wait 1s) and fetches the token
itself ($playfab_token_cache WAIT, and a second GetEntityToken), then
one that finds it cached (HIT).  The block then waits for the dead
worker's GetEntityToken to be answered (into a closed connection), so
that it does not run into the next block.
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    playfab_token_wait 1s;
--- playfab_emulator
{"faults": {"GetEntityToken": {"delay_ms": 1500, "times": 1}}}
--- config
    location = /v1/party {
        playfab_auth off;
        add_header X-Token-Cache $playfab_token_cache always;
        playfab_party;
    }

    location = /kill-while-fetching {
        mirror /kill-this-worker;
        playfab_auth off;
        playfab_party;
    }

    location = /kill-this-worker {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/signal?pid=$pid&sig=KILL&delay_ms=500;
    }
--- request eval
["POST /kill-while-fetching\n" . party_body(),
 "POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=1000"]
--- playfab_calls: GetEntityToken=2 RequestPartyService=2 tokens_issued=2
--- more_headers
Content-Type: application/json
--- timeout: 5
--- error_code eval
["", 200, 200, 200]
--- response_headers eval
["", "X-Token-Cache: WAIT", "X-Token-Cache: HIT", ""]
--- response_body_like eval
[qr/\A\z/, qr/"PartyId"/, qr/"PartyId"/, qr/ok/]
--- expect_worker_crash: 9
--- no_error_log eval
no_other_alert()



=== TEST 3: the master respawns killed workers: three kills in a row, each followed by a request that succeeds
With two workers and no respawn, the third kill would leave no worker to
answer.  The token cached before the kills is still used after them
(one GetEntityToken).
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }

    location = /kill {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/signal?pid=$pid&sig=KILL;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /kill", "POST /v1/party\n" . party_body(),
 "GET /kill", "POST /v1/party\n" . party_body(),
 "GET /kill", "POST /v1/party\n" . party_body()]
--- playfab_calls: GetEntityToken=1 RequestPartyService=4
--- more_headers
Content-Type: application/json
--- error_code eval
[200, "", 200, "", 200, "", 200]
--- response_body_like eval
[qr/"PartyId"/, qr/\A\z/, qr/"PartyId"/, qr/\A\z/, qr/"PartyId"/,
 qr/\A\z/, qr/"PartyId"/]
--- expect_worker_crash: 9
--- no_error_log eval
no_other_alert()



=== TEST 4: a worker killed while its party request waits on RequestPartyService: the token stays cached, the next requests succeed
The first party request's RequestPartyService is held 1.5 s; its
worker is killed (by its mirror) after 500 ms, when the title token it
fetched is in the zone.  (PlayFab still allocates that party: nobody gets it.)
--- playfab_emulator
{"faults": {"RequestPartyService": {"delay_ms": 1500, "times": 1}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }

    location = /kill-while-allocating {
        mirror /kill-this-worker;
        playfab_auth off;
        playfab_party;
    }

    location = /kill-this-worker {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/signal?pid=$pid&sig=KILL&delay_ms=500;
    }
--- request eval
["POST /kill-while-allocating\n" . party_body(),
 "POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=1000"]
--- playfab_calls: GetEntityToken=1 RequestPartyService=3 parties_allocated=3
--- more_headers
Content-Type: application/json
--- timeout: 5
--- error_code eval
["", 200, 200, 200]
--- response_body_like eval
[qr/\A\z/, qr/"PartyId"/, qr/"PartyId"/, qr/ok/]
--- expect_worker_crash: 9
--- no_error_log eval
no_other_alert()



=== TEST 5: nginx -s reload in the middle of requests: nginx reconfigures, and the old workers shut down gracefully, finishing the request
/reload-during-load sends 17 party requests at once (itself and 16
mirrors) through new connections to a second server; the emulator holds
each RequestPartyService for 1 s and reloads nginx (SIGHUP to the
master) 300 ms after they start.  nginx closes the connection once the
mirrors are done too: by then the old workers, which serve the 17, have
logged that they shut down gracefully.
--- fan_out_server
--- playfab_emulator
{"faults": {"RequestPartyService": {"delay_ms": 1000}}}
--- config
    location = /reload-during-load {
        mirror /hup;
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        mirror /m; mirror /m; mirror /m; mirror /m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }

    location = /m {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }

    location = /hup {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/signal?pid=$pid&sig=HUP&master=1&delay_ms=300;
    }
--- request eval
"POST /reload-during-load\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=17 parties_allocated=17
--- more_headers
Content-Type: application/json
--- timeout: 5
--- error_code: 200
--- response_body_like: "PartyId"
--- error_log
reconfiguring
gracefully shutting down
--- no_error_log
[error]
[alert]
[crit]
[emerg]



=== TEST 6: nginx -s reload in the middle of requests: every request in flight completes with 200 and the title token is kept
The reload of TEST 5, after a party request that fetched the title
token; the second server logs each request's status to fanout.log.
After the reload, a party request uses the same token: GetEntityToken
is called once.
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;

    log_format status_only "$status $request_uri";

    server {
        listen 127.0.0.1:$TEST_NGINX_FANOUT_PORT reuseport;
        access_log logs/fanout.log status_only;

        location = /v1/party {
            playfab_auth off;
            playfab_party;
        }

        location /_playfab/ {
            internal;
            proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        }
    }
--- playfab_emulator
{"faults": {"RequestPartyService": {"delay_ms": 1000}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }

    location = /reload-during-load {
        mirror /hup;
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        mirror /m; mirror /m; mirror /m; mirror /m; mirror /m; mirror /m;
        mirror /m; mirror /m; mirror /m; mirror /m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }

    location = /m {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }

    location = /hup {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/signal?pid=$pid&sig=HUP&master=1&delay_ms=300;
    }

    location = /fanout-log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/fanout.log;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /reload-during-load\n" . party_body(),
 "GET /emu/sleep?ms=1000",
 "GET /fanout-log",
 "POST /v1/party\n" . party_body()]
--- playfab_calls: GetEntityToken=1 RequestPartyService=19
--- more_headers
Content-Type: application/json
--- timeout: 5
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/"PartyId"/, qr/ok/, qr/\A(?:200 \/v1\/party\n){17}\z/,
 qr/"PartyId"/]
--- no_error_log
[error]
[alert]
[crit]
[emerg]
