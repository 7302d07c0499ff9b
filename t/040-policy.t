# The studio's party policy, applied after the schema: the regions
# allowlist, defaults for omitted fields, caps that refuse (never lower),
# forced values, and inheritance as a group.  What PlayFab receives is
# read back from the emulator (/emu/last/RequestPartyService).

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(2);
no_shuffle();

# The requests of a refusal block: the party request (to $uri), then the
# number of RequestPartyService calls PlayFab received, which must stay 0.
# A block that checks the log takes only the first, with
# "--- playfab_calls: RequestPartyService=0": Test::Nginx checks the log
# after each request, and the count's request does not log the refusal.
sub refused_request {
    my ($body, $uri) = @_;
    $uri //= '/v1/party';
    return [ "POST $uri\n$body", 'GET /emu/count/RequestPartyService' ];
}

# The answers to refused_request(): a 400 problem document with this
# code, field and a detail matching $detail (a regex); then "0\n".
sub problem_then_zero {
    my ($code, $field, $detail) = @_;
    return [ problem_like($code, $field, $detail), qr/\A0\n\z/ ];
}

sub problem_like {
    my ($code, $field, $detail) = @_;
    my $head = '{"type":"urn:playfab-party:error:' . $code . '",'
               . '"title":"Bad Request","status":400,"code":"' . $code . '",';
    return qr/\A\Q$head\E"detail":"[^"]*$detail[^"]*","field":"\Q$field\E","request_id":"[0-9a-f]{32}"\}\z/;
}

sub problem_headers {
    return [ "Content-Type: application/problem+json\nCache-Control: no-store",
             undef ];
}

# The requests of an acceptance block: the party request, then what
# PlayFab received.
sub accepted_request {
    my ($body, $uri) = @_;
    $uri //= '/v1/party';
    return [ "POST $uri\n$body", 'GET /emu/last/RequestPartyService' ];
}

# What the emulator shows of an accepted request: the 200 descriptor,
# then PlayFab's body, exactly $json (the module writes the schema's order).
# what PlayFab received: $json, plus the request id the module adds
sub received {
    my ($json) = @_;
    $json =~ s/\}\z//;
    return [ qr/\A\{"PartyId":"[0-9a-f-]{36}","InvitationId":/,
             qr/"body":\Q$json\E,"CustomTags":\{"RequestId":"[0-9a-f]{32}"\}\},"token_index":/ ];
}

{
    no strict 'refs';
    *{"Test::Base::Filter::$_"} = \&$_
        for qw(refused_request problem_then_zero problem_like
               problem_headers accepted_request received);
}

run_tests();

__DATA__

=== TEST 1: allowlist: a client region outside it is policy_violation naming its index
--- config
    location = /v1/party {
        playfab_party_regions WestUs EastUs NorthEurope;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request(party_body(PreferredRegions => ['EastUs', 'WestEurope']))->[0]
--- playfab_calls: RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 400
--- response_headers eval
problem_headers()->[0]
--- response_body_like eval
problem_like('policy_violation', 'PreferredRegions[1]', 'policy')
--- error_log
playfab: invalid party request: policy_violation "PreferredRegions[1]"
--- no_error_log
[error]
[alert]



=== TEST 2: allowlist: client regions inside it reach PlayFab in the client's order
--- config
    location = /v1/party {
        playfab_party_regions WestUs EastUs NorthEurope;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body(PreferredRegions => ['NorthEurope', 'WestUs']))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["NorthEurope","WestUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"None"}}')
--- no_error_log
[error]
[alert]



=== TEST 3: allowlist: a client without PreferredRegions gets the list in its configured order
--- config
    location = /v1/party {
        playfab_party_regions WestUs EastUs NorthEurope;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body(PreferredRegions => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["WestUs","EastUs","NorthEurope"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"None"}}')
--- no_error_log
[error]
[alert]



=== TEST 4: allowlist: the schema comes first, an unknown region is invalid_value
--- config
    location = /v1/party {
        playfab_party_regions WestUs EastUs NorthEurope;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request(party_body(PreferredRegions => ['WestUs', 'MarsNorth']))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero('invalid_value', 'PreferredRegions[1]', 'AzureRegion')
--- no_error_log
[error]
[alert]



=== TEST 5: allowlist: an empty PreferredRegions array is still refused by the schema
--- config
    location = /v1/party {
        playfab_party_regions WestUs EastUs NorthEurope;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request(party_body(PreferredRegions => []))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero('invalid_value', 'PreferredRegions', '1 to 26')
--- no_error_log
[error]
[alert]



=== TEST 6: defaults: a body of {} is completed from the policy
--- config
    location = /v1/party {
        playfab_party_regions SwedenCentral;
        playfab_party_default MaxUsers 16;
        playfab_party_default MaxDevices 12;
        playfab_party_default MaxUsersPerDevice 2;
        playfab_party_default MaxDevicesPerUser 3;
        playfab_party_default MaxEndpointsPerDevice 5;
        playfab_party_default DirectPeerConnectivityOptions AnyPlatformType;
        playfab_party_default Revocability Anyone;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request('{}')
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["SwedenCentral"],"NetworkConfiguration":{"MaxUsers":16,"MaxDevices":12,"MaxUsersPerDevice":2,"MaxDevicesPerUser":3,"MaxEndpointsPerDevice":5,"DirectPeerConnectivityOptions":"AnyPlatformType","PartyInvitationConfiguration":{"Revocability":"Anyone"}}}')
--- no_error_log
[error]
[alert]



=== TEST 7: defaults: only the omitted fields are filled, the client's values are kept
--- config
    location = /v1/party {
        playfab_party_default MaxUsers 16;
        playfab_party_default MaxDevices 12;
        playfab_party_default MaxEndpointsPerDevice 5;
        playfab_party_default DirectPeerConnectivityOptions AnyPlatformType;
        playfab_party_default Revocability Anyone;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body(
    'NetworkConfiguration.MaxUsers' => undef,
    'NetworkConfiguration.MaxDevices' => 2,
    'NetworkConfiguration.MaxEndpointsPerDevice' => 0,
    'NetworkConfiguration.DirectPeerConnectivityOptions' => 'OnlyServers',
    'NetworkConfiguration.PartyInvitationConfiguration'
        => { Identifier => 'room-1', Revocability => 'Creator' }))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":16,"MaxDevices":2,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":0,"DirectPeerConnectivityOptions":"OnlyServers","PartyInvitationConfiguration":{"Identifier":"room-1","Revocability":"Creator"}}}')
--- no_error_log
[error]
[alert]



=== TEST 8: defaults: an omitted field without a default is still missing_field
--- config
    location = /v1/party {
        playfab_party_default MaxUsers 16;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request(party_body('NetworkConfiguration.MaxUsers' => undef,
                           'NetworkConfiguration.MaxDevicesPerUser' => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero('missing_field', 'NetworkConfiguration.MaxDevicesPerUser',
                  'required')
--- no_error_log
[error]
[alert]



=== TEST 9: max: a client value above it is policy_violation, never lowered
--- config
    location = /v1/party {
        playfab_party_max MaxDevices 16;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request(party_body('NetworkConfiguration.MaxDevices' => 17))->[0]
--- playfab_calls: RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 400
--- response_headers eval
problem_headers()->[0]
--- response_body_like eval
problem_like('policy_violation', 'NetworkConfiguration.MaxDevices',
             'at most 16')
--- error_log
playfab: invalid party request: policy_violation "NetworkConfiguration.MaxDevices"
--- no_error_log
[error]
[alert]



=== TEST 10: max: a client value equal to it is accepted as it is
--- config
    location = /v1/party {
        playfab_party_max MaxDevices 16;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body('NetworkConfiguration.MaxDevices' => 16))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":16,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"None"}}')
--- no_error_log
[error]
[alert]



=== TEST 11: max: the field above its cap is the one named
--- config
    location = /v1/party {
        playfab_party_max MaxUsers 32;
        playfab_party_max MaxEndpointsPerDevice 8;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request(party_body('NetworkConfiguration.MaxUsers' => 32,
                           'NetworkConfiguration.MaxEndpointsPerDevice' => 9))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero('policy_violation',
                  'NetworkConfiguration.MaxEndpointsPerDevice', 'at most 8')
--- no_error_log
[error]
[alert]



=== TEST 12: max: a cap is not a value, an omitted field is still missing_field
--- config
    location = /v1/party {
        playfab_party_max MaxUsers 32;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request(party_body('NetworkConfiguration.MaxUsers' => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero('missing_field', 'NetworkConfiguration.MaxUsers',
                  'required')
--- no_error_log
[error]
[alert]



=== TEST 13: max: the default below the cap fills an omitted field
--- config
    location = /v1/party {
        playfab_party_default MaxUsers 24;
        playfab_party_max MaxUsers 32;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body('NetworkConfiguration.MaxUsers' => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":24,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"None"}}')
--- no_error_log
[error]
[alert]



=== TEST 14: force: a numeric field gets the forced value whatever the client sent
--- config
    location = /v1/party {
        playfab_party_force MaxEndpointsPerDevice 2;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body('NetworkConfiguration.MaxEndpointsPerDevice' => 30))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":2,"DirectPeerConnectivityOptions":"None"}}')
--- no_error_log
[error]
[alert]



=== TEST 15: force: a numeric field the client omitted gets the forced value
--- config
    location = /v1/party {
        playfab_party_force MaxEndpointsPerDevice 2;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body('NetworkConfiguration.MaxEndpointsPerDevice'
                            => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":2,"DirectPeerConnectivityOptions":"None"}}')
--- no_error_log
[error]
[alert]



=== TEST 16: force: the client's value must still meet the schema
--- config
    location = /v1/party {
        playfab_party_force MaxEndpointsPerDevice 2;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request(party_body('NetworkConfiguration.MaxEndpointsPerDevice' => 33))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero('invalid_value',
                  'NetworkConfiguration.MaxEndpointsPerDevice',
                  'between 0 and 32')
--- no_error_log
[error]
[alert]



=== TEST 17: force: DirectPeerConnectivityOptions replaces the client's choice
--- config
    location = /v1/party {
        playfab_party_force DirectPeerConnectivityOptions None;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body('NetworkConfiguration.DirectPeerConnectivityOptions'
                            => 'AnyPlatformType'))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"None"}}')
--- no_error_log
[error]
[alert]



=== TEST 18: force: DirectPeerConnectivityOptions is sent even when the client omits it
--- config
    location = /v1/party {
        playfab_party_force DirectPeerConnectivityOptions OnlyServers;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body('NetworkConfiguration.DirectPeerConnectivityOptions'
                            => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"OnlyServers"}}')
--- no_error_log
[error]
[alert]



=== TEST 19: force: a client DirectPeerConnectivityOptions outside the enum is still invalid_value
--- config
    location = /v1/party {
        playfab_party_force DirectPeerConnectivityOptions None;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request(party_body('NetworkConfiguration.DirectPeerConnectivityOptions'
                           => 'Sometimes'))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero('invalid_value',
                  'NetworkConfiguration.DirectPeerConnectivityOptions',
                  'DirectPeerConnectivityOptions')
--- no_error_log
[error]
[alert]



=== TEST 20: force: Revocability replaces the client's, the rest of the invitation is kept
--- config
    location = /v1/party {
        playfab_party_force Revocability Creator;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body(
    'NetworkConfiguration.PartyInvitationConfiguration' => {
        Identifier   => 'room-7',
        Revocability => 'Anyone',
        EntityKeys   => [ { Id => 'A1', Type => 'title_player_account' } ],
    }))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"None","PartyInvitationConfiguration":{"Identifier":"room-7","Revocability":"Creator","EntityKeys":[{"Id":"A1","Type":"title_player_account"}]}}}')
--- no_error_log
[error]
[alert]



=== TEST 21: force: Revocability adds an invitation configuration the client did not send
--- config
    location = /v1/party {
        playfab_party_force Revocability Creator;
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body())
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"None","PartyInvitationConfiguration":{"Revocability":"Creator"}}}')
--- no_error_log
[error]
[alert]



=== TEST 22: no policy: Revocability and DirectPeerConnectivityOptions are not invented
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body('NetworkConfiguration.DirectPeerConnectivityOptions'
                            => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4}}')
--- no_error_log
[error]
[alert]



=== TEST 23: inheritance: a location without policy directives inherits the server's whole policy
--- config
    playfab_party_regions EastUs;
    playfab_party_max MaxDevices 4;
    playfab_party_default MaxUsers 6;
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
[ "POST /v1/party\n" . party_body(PreferredRegions => ['WestUs']),
  "POST /v1/party\n" . party_body('NetworkConfiguration.MaxDevices' => 5),
  "POST /v1/party\n" . party_body(PreferredRegions => undef,
                                  'NetworkConfiguration.MaxUsers' => undef,
                                  'NetworkConfiguration.MaxDevices' => 4),
  'GET /emu/last/RequestPartyService' ]
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 400, 200, 200]
--- response_body_like eval
[ problem_like('policy_violation', 'PreferredRegions[0]', 'policy'),
  problem_like('policy_violation', 'NetworkConfiguration.MaxDevices',
               'at most 4'),
  qr/\A\{"PartyId":"[0-9a-f-]{36}",/,
  qr/"body":\Q{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":6,"MaxDevices":4,\E/ ]
--- no_error_log
[error]
[alert]



=== TEST 24: inheritance: a location with one policy directive inherits none of the server's others
--- config
    playfab_party_regions EastUs;
    playfab_party_max MaxDevices 4;
    playfab_party_default MaxUsers 6;
    location = /v1/party {
        playfab_party_default MaxUsersPerDevice 2;
        playfab_auth off;
        playfab_party;
    }
--- request eval
[ "POST /v1/party\n" . party_body(PreferredRegions => ['WestUs'],
                                  'NetworkConfiguration.MaxDevices' => 100,
                                  'NetworkConfiguration.MaxUsersPerDevice'
                                      => undef),
  'GET /emu/last/RequestPartyService',
  "POST /v1/party\n" . party_body('NetworkConfiguration.MaxUsers' => undef),
  "POST /v1/party\n" . party_body(PreferredRegions => undef) ]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 400, 400]
--- response_body_like eval
[ qr/\A\{"PartyId":"[0-9a-f-]{36}",/,
  qr/"body":\Q{"PreferredRegions":["WestUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":100,"MaxUsersPerDevice":2,\E/,
  problem_like('missing_field', 'NetworkConfiguration.MaxUsers', 'required'),
  problem_like('missing_field', 'PreferredRegions', 'required') ]
--- no_error_log
[error]
[alert]



=== TEST 25: inheritance: the http level's policy reaches a location that has none
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    playfab_party_regions NorthEurope WestEurope;
    playfab_party_force DirectPeerConnectivityOptions SamePlatformType;
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
accepted_request(party_body(PreferredRegions => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
received('{"PreferredRegions":["NorthEurope","WestEurope"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"SamePlatformType"}}')
--- no_error_log
[error]
[alert]



=== TEST 26: inheritance: a location's own allowlist replaces the server's
--- config
    playfab_party_regions EastUs;
    location = /v1/party {
        playfab_party_regions WestUs;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request(party_body(PreferredRegions => ['EastUs']))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero('policy_violation', 'PreferredRegions[0]', 'policy')
--- no_error_log
[error]
[alert]



=== TEST 27: inheritance: two locations of one server keep their own policies
--- config
    location = /v1/party/eu {
        playfab_party_regions NorthEurope;
        playfab_party_force MaxUsers 2;
        playfab_auth off;
        playfab_party;
    }
    location = /v1/party/us {
        playfab_party_regions WestUs2;
        playfab_party_force MaxUsers 3;
        playfab_auth off;
        playfab_party;
    }
--- request eval
[ "POST /v1/party/eu\n" . party_body(PreferredRegions => undef),
  'GET /emu/last/RequestPartyService',
  "POST /v1/party/us\n" . party_body(PreferredRegions => undef),
  'GET /emu/last/RequestPartyService' ]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[ qr/\A\{"PartyId":"[0-9a-f-]{36}",/,
  qr/"body":\Q{"PreferredRegions":["NorthEurope"],"NetworkConfiguration":{"MaxUsers":2,\E/,
  qr/\A\{"PartyId":"[0-9a-f-]{36}",/,
  qr/"body":\Q{"PreferredRegions":["WestUs2"],"NetworkConfiguration":{"MaxUsers":3,\E/ ]
--- no_error_log
[error]
[alert]
