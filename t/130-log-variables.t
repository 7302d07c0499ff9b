# What operators see: log variables and request ids.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the token cache state, party id and PlayFab time of each request
add_header runs when the response goes out, after the module's work.
--- config
    location = /v1/party {
        playfab_auth off;
        add_header X-Cache $playfab_token_cache always;
        add_header X-Party $playfab_party_id always;
        add_header X-Time $playfab_upstream_time always;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body()]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_headers_like eval
["X-Cache: ^MISS\$\nX-Party: ^[0-9a-f-]{36}\$\nX-Time: ^\\d+\\.\\d{3}\$",
 "X-Cache: ^HIT\$\nX-Party: ^[0-9a-f-]{36}\$\nX-Time: ^\\d+\\.\\d{3}\$"]
--- no_error_log
[error]



=== TEST 2: $playfab_error holds the stable error code
--- config
    location = /v1/party {
        playfab_auth off;
        add_header X-Error $playfab_error always;
        playfab_party;
    }
--- request eval
["POST /v1/party\n{\"PreferredRegions\":[\"Mars\"]}", "GET /v1/party"]
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 405]
--- response_headers eval
["X-Error: invalid_value", "X-Error: method_not_allowed"]



=== TEST 3: every response and PlayFab's CustomTags carry the request id
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "GET /emu/last/RequestPartyService",
 "POST /v1/party\n{}"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 400]
--- response_headers_like eval
["X-Request-Id: ^[0-9a-f]{32}\$", "", "X-Request-Id: ^[0-9a-f]{32}\$"]
--- response_body_like eval
[qr/"PartyId"/, qr/"CustomTags":\{"RequestId":"[0-9a-f]{32}"\}/,
 qr/"request_id":"[0-9a-f]{32}"/]



=== TEST 4: the request id is $request_id, the logs' id, and new for every request
The module makes it from its buffer of random bytes, but as nginx's
$request_id: the access log's $request_id is the id the client got.
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    log_format ids "$request_id $sent_http_x_request_id";
--- config
    location = /v1/party {
        playfab_auth off;
        access_log logs/ids.log ids;
        playfab_party;
    }
    location = /ids {
        alias $TEST_NGINX_SERVER_ROOT/logs/ids.log;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n{}", "GET /ids"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 400, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/"request_id":"[0-9a-f]{32}"/,
 qr/\A([0-9a-f]{32}) \1\n(?!\1)([0-9a-f]{32}) \2\n\z/]



=== TEST 5: a trusted X-Request-Id is used end to end, an unsafe one is not
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_request_id_header X-Request-Id;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "GET /emu/last/RequestPartyService"]
--- more_headers
Content-Type: application/json
X-Request-Id: trace-42.a:b_c
--- error_code eval
[200, 200]
--- response_headers eval
["X-Request-Id: trace-42.a:b_c", ""]
--- response_body_like eval
[qr/"PartyId"/, qr/"CustomTags":\{"RequestId":"trace-42.a:b_c"\}/]



=== TEST 6: an X-Request-Id with unsafe characters is replaced by $request_id
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_request_id_header X-Request-Id;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-Request-Id: "><script>
--- error_code: 200
--- response_headers_like
X-Request-Id: ^[0-9a-f]{32}$



=== TEST 7: the client's own CustomTags are kept beside the request id
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(CustomTags => {build => "1.2.3"}),
 "GET /emu/last/RequestPartyService"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"PartyId"/, qr/"CustomTags":\{"build":"1.2.3","RequestId":"[0-9a-f]{32}"\}/]
