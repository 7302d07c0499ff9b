# nginx runs no ACCESS phase for subrequests (mirror, SSI, auth_request,
# add_after_body): a subrequest into a location with playfab_auth or
# playfab_party is refused, never served unauthorized.  The module's own
# calls to PlayFab pass, even under a server-wide playfab_auth.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a mirror into a playfab_party location allocates nothing
The request's backend (the emulator's sleep) answers after 200 ms: time
for the PlayFab calls of the mirror, started before it, to reach the
emulator, had it made any, before the calls are counted.
--- config
    location = /front {
        mirror /v1/party;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location = /backend {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/sleep?ms=200;
    }
--- request eval
"POST /front\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body
ok
--- error_log
playfab: subrequest to "/v1/party" refused



=== TEST 2: an SSI include of a location behind playfab_auth does not include it
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /page {
        ssi on;
        default_type text/html;
        return 200 'before <!--# include virtual="/game/api" --> after';
    }
    location = /game/api {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "the game's secret"; }
--- request
GET /page
--- error_code: 200
--- response_body_like eval
qr/\Abefore (?!.*secret).* after\z/s
--- error_log
playfab: subrequest to "/game/api" refused



=== TEST 3: the location the SSI include names serves its secret to a caller with a key
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /page {
        ssi on;
        default_type text/html;
        return 200 'before <!--# include virtual="/game/api" --> after';
    }
    location = /game/api {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "the game's secret"; }
--- request
GET /game/api
--- more_headers
X-API-Key: k-svc
--- error_code: 200
--- response_body: the game's secret
--- no_error_log
refused



=== TEST 4: auth_request to a location behind playfab_auth does not approve anyone
--- skip_eval: 4: PlayfabTest::lacks_module('http_auth_request_module')
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /protected {
        auth_request /check;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /check {
        internal;
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/approve;
    }
    location = /approve { return 204; }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /protected", "GET /protected"]
--- more_headers eval
["", "X-API-Key: k-svc"]
--- error_code eval
[403, 403]
--- error_log
playfab: subrequest to "/check" refused



=== TEST 5: add_after_body of a location behind playfab_auth adds nothing of it
--- skip_eval: 4: PlayfabTest::lacks_module('http_addition_module')
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /page {
        add_after_body /game/api;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/public;
    }
    location = /game/api {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /public {
        default_type text/html;
        return 200 "public\n";
    }
    location = /backend { return 200 "the game's secret"; }
--- request
GET /page
--- error_code: 200
--- response_body_unlike: secret
--- error_log
playfab: subrequest to "/game/api" refused



=== TEST 6: the module's own PlayFab calls pass under a server-wide playfab_auth
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;

    location = /v1/party {
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
X-API-Key: k-svc
Content-Type: application/json
--- error_code: 200
--- response_body_like: PartyId
--- playfab_calls: RequestPartyService=1
--- no_error_log
[error]
refused
