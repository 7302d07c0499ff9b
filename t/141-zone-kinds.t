# The zone's records by kind: players' identities, churned by any caller,
# stay within their budget (playfab_zone identities=) and never evict an
# idempotency record, which is kept for its lifetime; playfab_status
# shows each kind's records, bytes, budget and evictions.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

our $Players = 150;

# one registered token per player: ptok-1 .. ptok-150
our $Emulator = '{"player_tokens": {'
    . join(',', map { qq{"ptok-$_": {"id": "TP$_"}} } 1 .. $Players)
    . '}}';

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: identity churn beyond its budget evicts identities, never a live idempotency record
A 32k zone, at most 8k of it for identities: 150 players validated one
after the other hold far more than the zone, yet the key stored first
is replayed.  The status page shows identities evicted, the bytes they
hold within their budget, and no idempotency record evicted.  (The
"evicted 1 live player identities" warning is not checked: Test::Nginx
matches --- error_log against each request's part of the log, and only
the requests that store an identity past the budget log it.)
--- http_config
    playfab_zone playfab:32k identities=8k;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- playfab_emulator eval
$main::Emulator
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency 1h;
        playfab_party;
    }
    location = /game/api {
        playfab_auth entity_token;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
    location = /metrics { playfab_status; }
--- request eval
["POST /v1/party\n" . main::party_body(),
 (map { "GET /game/api" } 1 .. $main::Players),
 "POST /v1/party\n" . main::party_body(),
 "GET /metrics"]
--- playfab_calls eval
"RequestPartyService=1 ValidateEntityToken=$main::Players"
--- more_headers eval
["X-API-Key: k-svc\nContent-Type: application/json\nIdempotency-Key: kept",
 (map { "X-EntityToken: ptok-$_" } 1 .. $main::Players),
 "X-API-Key: k-svc\nContent-Type: application/json\nIdempotency-Key: kept",
 ""]
--- error_code eval
[200, (200) x $main::Players, 200, 200]
--- response_headers eval
["!Idempotent-Replayed", ("") x $main::Players, "Idempotent-Replayed: true",
 ""]
--- response_body_like eval
[qr/PartyId/, (qr/\Ain\n\z/) x $main::Players, qr/PartyId/,
 qr/(?=.*^playfab_zone_records\{kind="idempotency"\} 1$)(?=.*^playfab_zone_evictions_total\{kind="identity"\} [1-9]\d*$)(?=.*^playfab_zone_evictions_total\{kind="idempotency"\} 0$)(?=.*^playfab_zone_record_bytes\{kind="identity",state="budget"\} 8192$)(?=.*^playfab_zone_record_bytes\{kind="identity",state="used"\} (?:[0-9]{1,3}|[0-7][0-9]{3}|80[0-9]{2}|81[0-8][0-9]|819[0-2])$)/ms]
--- no_error_log
[error]
[crit]



=== TEST 2: the identity budget holds: its bytes never pass it
--- http_config
    playfab_zone playfab:64k identities=4k;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- playfab_emulator eval
$main::Emulator
--- config
    location = /game/api {
        playfab_auth entity_token;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
    location = /metrics { playfab_status; }
--- request eval
[(map { "GET /game/api" } 1 .. 40), "GET /metrics"]
--- more_headers eval
[(map { "X-EntityToken: ptok-$_" } 1 .. 40), ""]
--- error_code eval
[(200) x 40, 200]
--- response_body_like eval
[(qr/\Ain\n\z/) x 40,
 qr/^playfab_zone_record_bytes\{kind="identity",state="used"\} (?:[0-9]{1,3}|[0-3][0-9]{3}|40[0-8][0-9]|409[0-6])$/m]
--- no_error_log
[error]



=== TEST 3: identities= must be a size from a page to half the zone
--- http_config
    playfab_zone playfab:64k identities=48k;
--- config
    location = /x { return 204; }
--- must_die
--- error_log eval
qr/"identities=48k" must be a size from \d+ to half the zone in .*nginx\.conf:\d+/
