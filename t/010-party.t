# The main job: a valid party request becomes a RequestPartyService call
# and the client gets the network descriptor back.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a valid request returns the network descriptor
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
--- response_headers
Content-Type: application/json
Cache-Control: no-store
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}","InvitationId":"[0-9a-f-]{36}","SerializedNetworkDescriptor":"[A-Za-z0-9+/]+=*"\}$
--- no_error_log
[error]
[alert]



=== TEST 2: a CORS preflight gets 204 with the location's CORS headers, without credentials
--- user_files eval
">>> keys\n" . api_key_line('backend', 'k-1')
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_auth_preflight on;
        add_header Access-Control-Allow-Origin https://game.example always;
        add_header Access-Control-Allow-Headers "Content-Type, X-API-Key" always;
        playfab_party;
    }
--- request
OPTIONS /v1/party
--- more_headers
Origin: https://game.example
Access-Control-Request-Method: POST
--- error_code: 204
--- response_headers
Allow: POST, OPTIONS
Access-Control-Allow-Origin: https://game.example
--- response_body eval
""
--- no_error_log
[error]
