# What each worker keeps for itself, to spare the zone's lock and the
# hashing of secrets on the hot path: the copy of a location's title
# token, the API keys it accepted lately, the players' identities it
# validated or read from the zone lately.  Each is bounded, compared
# in constant time, and never answers for what it no longer holds: an
# evicted key is verified again, a token dropped in another worker is not
# used here.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

# 80 keys, more than a location's table of 64 holds
our @Keys = map { sprintf "key-%02d", $_ } 1 .. 80;
our $KeysFile = ">>> keys\n"
    . join '', map { api_key_line("caller-$_", "secret-$_") } @Keys;

# 300 players, more than a worker's table of 256 holds
our $Players = '{"player_tokens": {'
    . join(',', map { sprintf '"ptok-%03d": {"id": "TP%03d"}', $_, $_ } 1 .. 300)
    . '}}';

workers(2);
master_on();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: more keys than the table holds: each answers for its own caller, twice
--- config
    location = /api {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "$http_x_caller\n";
    }
--- user_files eval
$main::KeysFile
--- request eval
[ ("GET /api") x 160 ]
--- more_headers eval
[ map { "X-API-Key: secret-$_" } @main::Keys, @main::Keys ]
--- response_body eval
[ map { "caller-$_\n" } @main::Keys, @main::Keys ]
--- error_code eval
[ (200) x 160 ]
--- no_error_log
[error]



=== TEST 2: a key of the table does not let in a key that differs in one byte
--- config
    location = /api {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "$http_x_caller\n";
    }
--- user_files eval
">>> keys\n" . api_key_line('matchmaker', 'mm-0123456789abcdef')
--- request eval
[ ("GET /api") x 6 ]
--- more_headers eval
[ "X-API-Key: mm-0123456789abcdef", "X-API-Key: mm-0123456789abcdef",
  "X-API-Key: mm-0123456789abcdeF", "X-API-Key: nm-0123456789abcdef",
  "X-API-Key: mm-0123456789abcde", "X-API-Key: mm-0123456789abcdef" ]
--- error_code eval
[200, 200, 401, 401, 401, 200]
--- response_body_like eval
[qr/\Amatchmaker\n\z/, qr/\Amatchmaker\n\z/, qr/"code":"unauthorized"/,
 qr/"code":"unauthorized"/, qr/"code":"unauthorized"/, qr/\Amatchmaker\n\z/]



=== TEST 3: a title token dropped in one worker is not used by the other
Both workers hold a copy of the token after the first 40 requests (each
new connection goes to either worker: all 40 to one, 1 in 2^39); the
emulator then revokes it.  The first request after that, in either
worker, is refused by PlayFab, and that worker drops the token and gets
another; every later request, in either worker, must send the new one:
one refused call in all, not one per worker.
--- fan_out_server
--- config
    location = /w {
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }
--- request eval
[ ("POST /w\n" . party_body()) x 40, "POST /emu/revoke",
  ("POST /w\n" . party_body()) x 40 ]
--- more_headers
Content-Type: application/json
--- error_code eval
[ (200) x 81 ]
--- response_body_like eval
[ (qr/\A\{"PartyId":/) x 40, qr/\Aok\n\z/, (qr/\A\{"PartyId":/) x 40 ]
--- playfab_calls: GetEntityToken=2 RequestPartyService=81 tokens_issued=2 token_index/RequestPartyService=2
--- no_error_log
[alert]
[crit]



=== TEST 4: an identity refused in one location is not served from another worker's copy
Both workers validate or read alice's record at /a (valid ones kept
60 s, refusals 30 s) in the first 40 requests (all to one, 1 in 2^39).  Her token then expires; /b, which keeps no valid
records but remembers refusals, asks PlayFab and records the refusal.
Every later request at /a, in either worker, must be refused as the
zone's record now says, not accepted from what a worker saw before.
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE", "lifetime": 3}}}
--- fan_out_server
        location = /a {
            playfab_auth entity_token;
            playfab_auth_entity_cache 60s;
            playfab_auth_entity_negative_cache 30s;
            proxy_set_header X-Caller $playfab_auth_subject;
            proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/backend;
        }

        location = /b {
            playfab_auth entity_token;
            playfab_auth_entity_cache 0;
            playfab_auth_entity_negative_cache 30s;
            proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/backend;
        }

        location = /backend {
            return 200 "$http_x_caller\n";
        }
--- config
    location /w/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/;
    }
--- request eval
[ ("GET /w/a") x 40, ("GET /emu/sleep?ms=1600") x 2, "GET /w/b",
  ("GET /w/a") x 40 ]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[ (200) x 42, 401, (401) x 40 ]
--- response_body_like eval
[ (qr/\ATPALICE\n\z/) x 40, (qr/\Aok\n\z/) x 2,
  (qr/"code":"unauthorized"/) x 41 ]
--- playfab_calls: ValidateEntityToken=2
--- no_error_log
[alert]
[crit]



=== TEST 5: more players than a worker's table holds: each answers for its own caller, a one-byte sibling is refused
--- playfab_emulator eval
$main::Players
--- config
    location = /api {
        playfab_auth entity_token;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "$http_x_caller\n";
    }
--- request eval
[ ("GET /api") x 603 ]
--- more_headers eval
[ (map { sprintf "X-EntityToken: ptok-%03d", $_ } 1 .. 300, 1 .. 300),
  "X-EntityToken: ptok-300", "X-EntityToken: ptok-30O",
  "X-EntityToken: ptok-300" ]
--- error_code eval
[ (200) x 601, 401, 200 ]
--- response_body_like eval
[ (map { qr/\ATP${_}\n\z/ } map { sprintf '%03d', $_ } 1 .. 300, 1 .. 300),
  qr/\ATP300\n\z/, qr/"code":"unauthorized"/, qr/\ATP300\n\z/ ]
--- playfab_calls: ValidateEntityToken=301
--- no_error_log
[error]
