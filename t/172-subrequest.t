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
--- config
    location = /front {
        mirror /v1/party;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["POST /front\n" . party_body(), "GET /emu/sleep?ms=200"]
--- playfab_calls: GetEntityToken=0 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/\Ain\n\z/, qr/ok/]
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
--- request eval
["GET /page", "GET /game/api"]
--- more_headers eval
["", "X-API-Key: k-svc"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/\Abefore (?!.*secret).* after\z/s, qr/\Athe game's secret\z/]
--- error_log
playfab: subrequest to "/game/api" refused



=== TEST 3: auth_request to a location behind playfab_auth does not approve anyone
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



=== TEST 4: add_after_body of a location behind playfab_auth adds nothing of it
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



=== TEST 5: the module's own PlayFab calls pass under a server-wide playfab_auth
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;

    location = /v1/party {
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "GET /emu/count/RequestPartyService"]
--- more_headers eval
["X-API-Key: k-svc\nContent-Type: application/json", "X-API-Key: k-svc"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/PartyId/, qr/\A1\n\z/]
--- no_error_log
[error]
refused
