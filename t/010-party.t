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
