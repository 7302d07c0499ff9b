# The client's request against PlayFab's schema: every rule refuses with
# 400 application/problem+json naming the code, the field and the rule,
# and nothing reaches PlayFab; what the schema allows is forwarded.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(2);
no_shuffle();

# Every block gets the party location, open to all, unless it has its own.
add_block_preprocessor(sub {
    my ($block) = @_;
    my $config = $block->config // '';
    return if $config =~ m{^\s*location\s+=\s+/v1/party\s}m;
    $block->set_value(config => <<'_EOC_' . $config);
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
_EOC_
});

my %Title = (
    400 => 'Bad Request',
    405 => 'Method Not Allowed',
    413 => 'Content Too Large',
    415 => 'Unsupported Media Type',
);

# The requests of a refusal block: the party request, then the number of
# RequestPartyService calls PlayFab received, which must stay 0.  A block
# that checks the log takes the first of each pair, with
# "--- playfab_calls: RequestPartyService=0": Test::Nginx checks the log
# after each request, and the count's request does not log the refusal.
sub refused_request {
    my ($body, $method) = @_;
    $method //= 'POST';
    return [ "$method /v1/party\n$body",
             'GET /emu/count/RequestPartyService' ];
}

# The answers to refused_request(): the whole problem document, with
# $detail (a regex) somewhere in "detail" and "field" exactly $field, or
# no "field" member if $field is undef; then "0\n".
sub problem_then_zero {
    my ($status, $code, $field, $detail) = @_;
    my $title = $Title{$status} // die "no title for $status";
    my $field_member = defined $field ? ',"field":"' . quotemeta($field) . '"'
                                      : '';
    my $head = '{"type":"urn:playfab-party:error:' . $code . '",'
               . '"title":"' . $title . '","status":' . $status . ','
               . '"code":"' . $code . '",';
    return [
        qr/\A\Q$head\E"detail":"[^"]*$detail[^"]*"$field_member,"request_id":"[0-9a-f]{32}"\}\z/,
        qr/\A0\n\z/,
    ];
}

sub problem_headers {
    return [ "Content-Type: application/problem+json\nCache-Control: no-store",
             undef ];
}

# The requests of an acceptance block: the party request, then what
# PlayFab received.
sub accepted_request {
    my ($body) = @_;
    return [ "POST /v1/party\n$body", 'GET /emu/last/RequestPartyService' ];
}

sub entity_keys {
    my ($n) = @_;
    return [ map { { Id => "k$_", Type => 'title_player_account' } }
             1 .. $n ];
}

sub all_regions {
    return [ qw(AustraliaEast AustraliaSoutheast BrazilSouth CentralUs
                EastAsia EastUs EastUs2 JapanEast JapanWest NorthCentralUs
                NorthEurope SouthCentralUs SoutheastAsia WestEurope WestUs
                SouthAfricaNorth WestCentralUs KoreaCentral FranceCentral
                WestUs2 CentralIndia UaeNorth UkSouth SwedenCentral
                CanadaCentral MexicoCentral) ];
}

{
    no strict 'refs';
    *{"Test::Base::Filter::$_"} = \&$_
        for qw(refused_request problem_then_zero problem_headers
               accepted_request entity_keys all_regions);
}

run_tests();

__DATA__

=== TEST 1: GET is 405 with Allow: POST, OPTIONS
--- request eval
refused_request('', 'GET')
--- error_code eval
[405, 200]
--- response_headers eval
["Content-Type: application/problem+json\nCache-Control: no-store\nAllow: POST, OPTIONS",
 undef]
--- response_body_like eval
problem_then_zero(405, 'method_not_allowed', undef, '')
--- no_error_log
[error]
[alert]



=== TEST 2: PUT of a valid body is 405 with Allow: POST, OPTIONS
--- request eval
refused_request(party_body(), 'PUT')
--- more_headers
Content-Type: application/json
--- error_code eval
[405, 200]
--- response_headers eval
["Content-Type: application/problem+json\nAllow: POST, OPTIONS", undef]
--- response_body_like eval
problem_then_zero(405, 'method_not_allowed', undef, '')
--- no_error_log
[error]
[alert]



=== TEST 3: a text/plain body is 415
--- request eval
refused_request(party_body())
--- more_headers
Content-Type: text/plain
--- error_code eval
[415, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(415, 'unsupported_media_type', undef, 'application/json')
--- no_error_log
[error]
[alert]



=== TEST 4: a body without Content-Type is 415
--- request eval
refused_request(party_body())
--- error_code eval
[415, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(415, 'unsupported_media_type', undef, 'application/json')
--- no_error_log
[error]
[alert]



=== TEST 5: a media type that only starts with application/json is 415
--- request eval
refused_request(party_body())
--- more_headers
Content-Type: application/json-patch+json
--- error_code eval
[415, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(415, 'unsupported_media_type', undef, 'application/json')
--- no_error_log
[error]
[alert]



=== TEST 6: application/json; charset=utf-8 is accepted
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json; charset=utf-8
--- error_code: 200
--- response_headers
Content-Type: application/json
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 7: the media type is matched without regard to case
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: Application/JSON
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 8: a body over client_max_body_size (Content-Length) is 413 payload_too_large
--- config
    location = /v1/party {
        client_max_body_size 1k;
        playfab_auth off;
        playfab_party;
    }
--- request eval
refused_request('{' . (' ' x 2048) . substr(party_body(), 1))->[0]
--- playfab_calls: RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 413
--- response_headers eval
problem_headers()->[0]
--- response_body_like eval
problem_then_zero(413, 'payload_too_large', undef, '')->[0]
--- error_log
client intended to send too large body
--- no_error_log
[alert]



=== TEST 9: a chunked body over client_max_body_size is 413 payload_too_large
--- config
    location = /v1/party {
        client_max_body_size 1k;
        playfab_auth off;
        playfab_party;
    }
--- raw_request eval
my $body = '{' . (' ' x 2048) . substr(party_body(), 1);
"POST /v1/party HTTP/1.1\r
Host: localhost\r
Connection: close\r
Content-Type: application/json\r
Transfer-Encoding: chunked\r
\r
" . sprintf("%x\r\n", length $body) . $body . "\r\n0\r\n\r\n"
--- error_code: 413
--- response_headers
Content-Type: application/problem+json
Cache-Control: no-store
--- response_body_like: ^\{"type":"urn:playfab-party:error:payload_too_large","title":"Content Too Large","status":413,"code":"payload_too_large"[,}]
--- error_log
client intended to send too large chunked body
--- no_error_log
[alert]



=== TEST 10: a chunked body within client_max_body_size is accepted
--- config
    location = /v1/party {
        client_max_body_size 1k;
        playfab_auth off;
        playfab_party;
    }
--- raw_request eval
my $body = party_body();
"POST /v1/party HTTP/1.1\r
Host: localhost\r
Connection: close\r
Content-Type: application/json\r
Transfer-Encoding: chunked\r
\r
" . sprintf("%x\r\n", 20) . substr($body, 0, 20) . "\r\n"
  . sprintf("%x\r\n", length($body) - 20) . substr($body, 20) . "\r\n0\r\n\r\n"
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 11: a body that is not JSON is malformed_json
--- request eval
refused_request('PreferredRegions=EastUs')->[0]
--- playfab_calls: RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 400
--- response_headers eval
problem_headers()->[0]
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'JSON')->[0]
--- error_log
playfab: invalid party request: malformed_json
--- no_error_log
[error]
[alert]



=== TEST 12: an empty body is malformed_json
--- request eval
refused_request('')
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'JSON')
--- no_error_log
[error]
[alert]



=== TEST 13: a JSON array at the top level is malformed_json
--- request eval
refused_request('[' . party_body() . ']')
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'object')
--- no_error_log
[error]
[alert]



=== TEST 14: a JSON string at the top level is malformed_json
--- request eval
refused_request('"EastUs"')
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'object')
--- no_error_log
[error]
[alert]



=== TEST 15: truncated JSON is malformed_json
--- request eval
refused_request(substr(party_body(), 0, -2))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'JSON')
--- no_error_log
[error]
[alert]



=== TEST 16: text after the JSON object is malformed_json
--- request eval
refused_request(party_body() . ' {}')
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'JSON')
--- no_error_log
[error]
[alert]



=== TEST 17: a number with a leading zero is malformed_json
--- request eval
refused_request(party_body() =~ s/"MaxDevices":8/"MaxDevices":08/r)
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'JSON')
--- no_error_log
[error]
[alert]



=== TEST 18: a raw control character inside a string is malformed_json
--- request eval
refused_request(party_body() =~ s/"EastUs"/"East\tUs"/r)
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'JSON')
--- no_error_log
[error]
[alert]



=== TEST 19: a nesting bomb of 1000 brackets is malformed_json
--- request eval
refused_request(('[' x 1000) . (']' x 1000))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'deeper than 8')
--- no_error_log
[error]
[alert]



=== TEST 20: an unclosed nesting bomb of 1000 brackets is malformed_json
--- request eval
refused_request('{"CustomTags":{"a":' . ('[' x 1000))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'deeper than 8')
--- no_error_log
[error]
[alert]



=== TEST 21: nine levels of nesting are malformed_json
--- request eval
refused_request(party_body(CustomTags => { a => [[[[[[[1]]]]]]] }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'malformed_json', undef, 'deeper than 8')
--- no_error_log
[error]
[alert]



=== TEST 22: eight levels of nesting pass the depth limit and meet the schema
--- request eval
refused_request(party_body(CustomTags => { a => [[[[[[1]]]]]] }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'CustomTags.a', 'string')
--- no_error_log
[error]
[alert]



=== TEST 23: missing PreferredRegions is missing_field
--- request eval
refused_request(party_body(PreferredRegions => undef))->[0]
--- playfab_calls: RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 400
--- response_headers eval
problem_headers()->[0]
--- response_body_like eval
problem_then_zero(400, 'missing_field', 'PreferredRegions', 'required')->[0]
--- error_log
playfab: invalid party request: missing_field "PreferredRegions"
--- no_error_log
[error]
[alert]



=== TEST 24: missing NetworkConfiguration is missing_field
--- request eval
refused_request(party_body(NetworkConfiguration => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
[qr/\A\{"type":"urn:playfab-party:error:missing_field","title":"Bad Request","status":400,"code":"missing_field","detail":"[^"]*required[^"]*","field":"NetworkConfiguration(?:\.MaxUsers)?","request_id":"[0-9a-f]{32}"\}\z/,
 qr/\A0\n\z/]
--- no_error_log
[error]
[alert]



=== TEST 25: missing NetworkConfiguration.MaxUsers is missing_field
--- request eval
refused_request(party_body('NetworkConfiguration.MaxUsers' => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'missing_field', 'NetworkConfiguration.MaxUsers',
                  'required')
--- no_error_log
[error]
[alert]



=== TEST 26: missing NetworkConfiguration.MaxDevices is missing_field
--- request eval
refused_request(party_body('NetworkConfiguration.MaxDevices' => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'missing_field', 'NetworkConfiguration.MaxDevices',
                  'required')
--- no_error_log
[error]
[alert]



=== TEST 27: missing NetworkConfiguration.MaxUsersPerDevice is missing_field
--- request eval
refused_request(party_body('NetworkConfiguration.MaxUsersPerDevice' => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'missing_field',
                  'NetworkConfiguration.MaxUsersPerDevice', 'required')
--- no_error_log
[error]
[alert]



=== TEST 28: missing NetworkConfiguration.MaxDevicesPerUser is missing_field
--- request eval
refused_request(party_body('NetworkConfiguration.MaxDevicesPerUser' => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'missing_field',
                  'NetworkConfiguration.MaxDevicesPerUser', 'required')
--- no_error_log
[error]
[alert]



=== TEST 29: missing NetworkConfiguration.MaxEndpointsPerDevice is missing_field
--- request eval
refused_request(party_body('NetworkConfiguration.MaxEndpointsPerDevice'
                           => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'missing_field',
                  'NetworkConfiguration.MaxEndpointsPerDevice', 'required')
--- no_error_log
[error]
[alert]



=== TEST 30: an unknown top-level field is unknown_field
--- request eval
refused_request(party_body(BuildAlias => 'live'))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'unknown_field', 'BuildAlias', 'not a field')
--- no_error_log
[error]
[alert]



=== TEST 31: PlayFabId in the body is unknown_field: the server sets it
--- request eval
refused_request(party_body(PlayFabId => 'F00DF00DF00DF00D'))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'unknown_field', 'PlayFabId', 'server')
--- no_error_log
[error]
[alert]



=== TEST 32: TitleId in the body is unknown_field
--- request eval
refused_request(party_body(TitleId => 'EMU01'))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'unknown_field', 'TitleId', '')
--- no_error_log
[error]
[alert]



=== TEST 33: an unknown NetworkConfiguration field is unknown_field with its path
--- request eval
refused_request(party_body('NetworkConfiguration.MaxPlayers' => 8))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'unknown_field', 'NetworkConfiguration.MaxPlayers',
                  'not a field')
--- no_error_log
[error]
[alert]



=== TEST 34: a top-level key twice is duplicate_field, never "last wins"
--- request eval
refused_request(party_body() =~ s/^\{/{"PreferredRegions":["WestUs"],/r)
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'duplicate_field', 'PreferredRegions', 'once')
--- no_error_log
[error]
[alert]



=== TEST 35: a NetworkConfiguration key twice is duplicate_field with its path
--- request eval
refused_request(party_body() =~ s/"MaxUsers":8/"MaxUsers":8,"MaxUsers":8/r)
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'duplicate_field', 'NetworkConfiguration.MaxUsers',
                  'once')
--- no_error_log
[error]
[alert]



=== TEST 36: a CustomTags key twice is duplicate_field
--- request eval
refused_request(party_body() =~ s/\}$/,"CustomTags":{"mode":"a","mode":"b"}}/r)
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'duplicate_field', 'CustomTags.mode', 'once')
--- no_error_log
[error]
[alert]



=== TEST 37: an unknown region is invalid_value naming its index
--- request eval
refused_request(party_body(PreferredRegions => ['EastUs', 'MarsNorth']))->[0]
--- playfab_calls: RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 400
--- response_headers eval
problem_headers()->[0]
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'PreferredRegions[1]', 'AzureRegion')->[0]
--- error_log
playfab: invalid party request: invalid_value "PreferredRegions[1]"
--- no_error_log
[error]
[alert]



=== TEST 38: a region in the wrong case is invalid_value
--- request eval
refused_request(party_body(PreferredRegions => ['eastus']))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'PreferredRegions[0]', 'AzureRegion')
--- no_error_log
[error]
[alert]



=== TEST 39: a region that is not a string is invalid_value
--- request eval
refused_request(party_body(PreferredRegions => ['EastUs', 5]))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'PreferredRegions[1]', 'AzureRegion')
--- no_error_log
[error]
[alert]



=== TEST 40: PreferredRegions that is not an array is invalid_value
--- request eval
refused_request(party_body(PreferredRegions => 'EastUs'))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'PreferredRegions', 'array')
--- no_error_log
[error]
[alert]



=== TEST 41: an empty PreferredRegions array is invalid_value
--- request eval
refused_request(party_body(PreferredRegions => []))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'PreferredRegions', '1 to 26')
--- no_error_log
[error]
[alert]



=== TEST 42: a region twice is invalid_value naming the repeat
--- request eval
refused_request(party_body(PreferredRegions => ['EastUs', 'WestUs', 'EastUs']))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'PreferredRegions[2]', 'repeat')
--- no_error_log
[error]
[alert]



=== TEST 43: more than 26 regions is invalid_value
--- request eval
refused_request(party_body(PreferredRegions => [@{ all_regions() }, 'EastUs']))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'PreferredRegions', '1 to 26')
--- no_error_log
[error]
[alert]



=== TEST 44: all 26 regions are accepted and forwarded in the client's order
--- request eval
accepted_request(party_body(PreferredRegions => [CORE::reverse(@{ all_regions() })]))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",',
 '"body":\{"PreferredRegions":\["MexicoCentral","CanadaCentral","SwedenCentral","UkSouth","UaeNorth","CentralIndia","WestUs2","FranceCentral","KoreaCentral","WestCentralUs","SouthAfricaNorth","WestUs","WestEurope","SoutheastAsia","SouthCentralUs","NorthEurope","NorthCentralUs","JapanWest","JapanEast","EastUs2","EastUs","EastAsia","CentralUs","BrazilSouth","AustraliaSoutheast","AustraliaEast"\],']
--- no_error_log
[error]
[alert]



=== TEST 45: a negative number is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.MaxUsers' => -1))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'NetworkConfiguration.MaxUsers',
                  'integer between 1 and 4294967295')
--- no_error_log
[error]
[alert]



=== TEST 46: a fraction is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.MaxUsers' => 1.5))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'NetworkConfiguration.MaxUsers',
                  'integer')
--- no_error_log
[error]
[alert]



=== TEST 47: a number in a string is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.MaxUsers' => '8'))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'NetworkConfiguration.MaxUsers',
                  'integer')
--- no_error_log
[error]
[alert]



=== TEST 48: a boolean is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.MaxDevicesPerUser'
                           => JSON::PP::true))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
                  'NetworkConfiguration.MaxDevicesPerUser', 'integer')
--- no_error_log
[error]
[alert]



=== TEST 49: null for a required number is invalid_value
--- request eval
refused_request(party_body() =~ s/"MaxDevices":8/"MaxDevices":null/r)
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'NetworkConfiguration.MaxDevices',
                  'integer')
--- no_error_log
[error]
[alert]



=== TEST 50: a number above 4294967295 is invalid_value
--- request eval
refused_request(party_body() =~ s/"MaxUsers":8/"MaxUsers":4294967296/r)
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'NetworkConfiguration.MaxUsers',
                  'integer between 1 and 4294967295')
--- no_error_log
[error]
[alert]



=== TEST 51: 1e400 (infinite as a double) is invalid_value
--- request eval
refused_request(party_body() =~ s/"MaxUsers":8/"MaxUsers":1e400/r)
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'NetworkConfiguration.MaxUsers',
                  'integer')
--- no_error_log
[error]
[alert]



=== TEST 52: MaxUsers 4294967295 is accepted and forwarded as it is
--- request eval
accepted_request(party_body() =~ s/"MaxUsers":8/"MaxUsers":4294967295/r)
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",', '"NetworkConfiguration":\{"MaxUsers":4294967295,']
--- no_error_log
[error]
[alert]



=== TEST 53: MaxUsers 0 is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.MaxUsers' => 0))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'NetworkConfiguration.MaxUsers',
                  'integer between 1 and 4294967295')
--- no_error_log
[error]
[alert]



=== TEST 54: MaxDevices 0 is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.MaxDevices' => 0))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'NetworkConfiguration.MaxDevices',
                  'integer between 1 and 128')
--- no_error_log
[error]
[alert]



=== TEST 55: MaxDevices 129 is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.MaxDevices' => 129))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'NetworkConfiguration.MaxDevices',
                  'integer between 1 and 128')
--- no_error_log
[error]
[alert]



=== TEST 56: MaxDevices 1 is accepted
--- request eval
accepted_request(party_body('NetworkConfiguration.MaxDevices' => 1))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",', '"MaxDevices":1,']
--- no_error_log
[error]
[alert]



=== TEST 57: MaxDevices 128 is accepted
--- request eval
accepted_request(party_body('NetworkConfiguration.MaxDevices' => 128))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",', '"MaxDevices":128,']
--- no_error_log
[error]
[alert]



=== TEST 58: MaxUsersPerDevice 9 is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.MaxUsersPerDevice' => 9))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
                  'NetworkConfiguration.MaxUsersPerDevice',
                  'integer between 1 and 8')
--- no_error_log
[error]
[alert]



=== TEST 59: MaxUsersPerDevice 8 is accepted
--- request eval
accepted_request(party_body('NetworkConfiguration.MaxUsersPerDevice' => 8))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",', '"MaxUsersPerDevice":8,']
--- no_error_log
[error]
[alert]



=== TEST 60: MaxDevicesPerUser 0 is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.MaxDevicesPerUser' => 0))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
                  'NetworkConfiguration.MaxDevicesPerUser',
                  'integer between 1 and 4294967295')
--- no_error_log
[error]
[alert]



=== TEST 61: MaxEndpointsPerDevice 33 is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.MaxEndpointsPerDevice' => 33))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
                  'NetworkConfiguration.MaxEndpointsPerDevice',
                  'integer between 0 and 32')
--- no_error_log
[error]
[alert]



=== TEST 62: MaxEndpointsPerDevice 0 is accepted
--- request eval
accepted_request(party_body('NetworkConfiguration.MaxEndpointsPerDevice' => 0))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",', '"MaxEndpointsPerDevice":0[,}]']
--- no_error_log
[error]
[alert]



=== TEST 63: an unknown DirectPeerConnectivityOptions is invalid_value
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
problem_then_zero(400, 'invalid_value',
                  'NetworkConfiguration.DirectPeerConnectivityOptions',
                  'DirectPeerConnectivityOptions')
--- no_error_log
[error]
[alert]



=== TEST 64: DirectPeerConnectivityOptions is optional, and not invented when omitted
--- request eval
accepted_request(party_body('NetworkConfiguration.DirectPeerConnectivityOptions'
                            => undef))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",',
 '"NetworkConfiguration":\{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4\}']
--- no_error_log
[error]
[alert]



=== TEST 65: NetworkConfiguration that is not an object is invalid_value
--- request eval
refused_request(party_body(NetworkConfiguration => [8, 8, 1, 1, 4]))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'NetworkConfiguration', 'object')
--- no_error_log
[error]
[alert]



=== TEST 66: an unknown Revocability is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                           => { Revocability => 'Nobody' }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
    'NetworkConfiguration.PartyInvitationConfiguration.Revocability',
    'PartyInvitationRevocability')
--- no_error_log
[error]
[alert]



=== TEST 67: an unknown PartyInvitationConfiguration field is unknown_field
--- request eval
refused_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                           => { Expiry => 60 }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'unknown_field',
    'NetworkConfiguration.PartyInvitationConfiguration.Expiry', 'not a field')
--- no_error_log
[error]
[alert]



=== TEST 68: an Identifier of 128 characters is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                           => { Identifier => 'i' x 128 }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
    'NetworkConfiguration.PartyInvitationConfiguration.Identifier', '127')
--- no_error_log
[error]
[alert]



=== TEST 69: an Identifier of 127 characters is accepted and becomes the InvitationId
--- request eval
accepted_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                            => { Identifier => 'i' x 127 }))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}","InvitationId":"i{127}",',
 '"PartyInvitationConfiguration":\{"Identifier":"i{127}"\}']
--- no_error_log
[error]
[alert]



=== TEST 70: an Identifier of 127 non-ASCII characters is within the schema's 127 characters
--- request eval
accepted_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                            => { Identifier => "\xc3\xa9" x 127 }))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
["^\\{\"PartyId\":\"[0-9a-f-]{36}\",\"InvitationId\":\"(?:\xc3\xa9){127}\",",
 "\"PartyInvitationConfiguration\":\\{\"Identifier\":\"(?:\xc3\xa9|\\\\u00e9){127}\"\\}"]
--- no_error_log
[error]
[alert]



=== TEST 71: an Identifier with a control character is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                           => { Identifier => "lobby\x01" }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
    'NetworkConfiguration.PartyInvitationConfiguration.Identifier',
    'control characters')
--- no_error_log
[error]
[alert]



=== TEST 72: an Identifier with invalid UTF-8 is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                           => { Identifier => "lobby\xff" }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
    'NetworkConfiguration.PartyInvitationConfiguration.Identifier', 'UTF-8')
--- no_error_log
[error]
[alert]



=== TEST 73: an Identifier with an overlong UTF-8 sequence is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                           => { Identifier => "lobby\xc0\xaf" }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
    'NetworkConfiguration.PartyInvitationConfiguration.Identifier', 'UTF-8')
--- no_error_log
[error]
[alert]



=== TEST 74: 1025 EntityKeys are invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                           => { EntityKeys => entity_keys(1025) }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
    'NetworkConfiguration.PartyInvitationConfiguration.EntityKeys', '1024')
--- no_error_log
[error]
[alert]



=== TEST 75: 1024 EntityKeys are accepted and all forwarded
--- request eval
accepted_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                            => { EntityKeys => entity_keys(1024) }))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",',
 '"EntityKeys":\[\{"Id":"k1","Type":"title_player_account"\},(?:\{"Id":"k\d+","Type":"title_player_account"\},){1022}\{"Id":"k1024","Type":"title_player_account"\}\]']
--- no_error_log
[error]
[alert]



=== TEST 76: an EntityKey without Id is missing_field naming its index
--- request eval
refused_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                           => { EntityKeys => [ { Id => 'A1' },
                                                { Type => 'title_player_account' } ] }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'missing_field',
    'NetworkConfiguration.PartyInvitationConfiguration.EntityKeys[1].Id',
    'required')
--- no_error_log
[error]
[alert]



=== TEST 77: an EntityKey with an unknown member is unknown_field
--- request eval
refused_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                           => { EntityKeys => [ { Id => 'A1', Name => 'x' } ] }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'unknown_field',
    'NetworkConfiguration.PartyInvitationConfiguration.EntityKeys[0].Name',
    'not a field')
--- no_error_log
[error]
[alert]



=== TEST 78: EntityKeys that is not an array is invalid_value
--- request eval
refused_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                           => { EntityKeys => { Id => 'A1' } }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value',
    'NetworkConfiguration.PartyInvitationConfiguration.EntityKeys', 'array')
--- no_error_log
[error]
[alert]



=== TEST 79: an empty EntityKeys array is accepted and forwarded
--- request eval
accepted_request(party_body('NetworkConfiguration.PartyInvitationConfiguration'
                            => { EntityKeys => [] }))
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",',
 '"PartyInvitationConfiguration":\{"EntityKeys":\[\]\}']
--- no_error_log
[error]
[alert]



=== TEST 80: a PartyId that is not a GUID is invalid_value
--- request eval
refused_request(party_body(PartyId => '23781fa9-e01e-4b29-4f0b-dd9f37a06a1'))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'PartyId', 'GUID')
--- no_error_log
[error]
[alert]



=== TEST 81: a PartyId with a non-hexadecimal digit is invalid_value
--- request eval
refused_request(party_body(PartyId => '23781fa9-e01e-4b29-4f0b-dd9f37a06a1g'))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'PartyId', 'GUID')
--- no_error_log
[error]
[alert]



=== TEST 82: a CustomTags value that is not a string is invalid_value
--- request eval
refused_request(party_body(CustomTags => { mode => 'ranked', level => 3 }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'CustomTags.level', 'string')
--- no_error_log
[error]
[alert]



=== TEST 83: CustomTags.RequestId is refused: the server sets it
--- request eval
refused_request(party_body(CustomTags => { RequestId => 'mine' }))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'CustomTags.RequestId', 'reserved')
--- no_error_log
[error]
[alert]



=== TEST 84: CustomTags that is not an object is invalid_value
--- request eval
refused_request(party_body(CustomTags => [ 'ranked' ]))
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 200]
--- response_headers eval
problem_headers()
--- response_body_like eval
problem_then_zero(400, 'invalid_value', 'CustomTags', 'object')
--- no_error_log
[error]
[alert]



=== TEST 85: a full valid request reaches PlayFab as sent, without PlayFabId or the client's headers
--- request eval
my $body = party_body(
    PreferredRegions => [ 'WestUs', 'EastUs' ],
    'NetworkConfiguration.PartyInvitationConfiguration' => {
        Identifier   => 'lobby-42',
        Revocability => 'Anyone',
        EntityKeys   => [ { Id => 'A1B2C3', Type => 'title_player_account' },
                          { Id => 'D4E5F6' } ],
    },
    PartyId    => '23781fa9-e01e-4b29-4f0b-dd9f37a06a1e',
    CustomTags => { build => '1.2.3', mode => 'ranked' },
);
"POST /v1/party\n$body"
--- more_headers
Content-Type: application/json
Cookie: session=abc
X-Client-Trace: t-1
--- response_headers
Content-Type: application/json
Cache-Control: no-store
--- response_body_like eval
qr/\A\{"PartyId":"23781fa9-e01e-4b29-4f0b-dd9f37a06a1e","InvitationId":"lobby-42","SerializedNetworkDescriptor":"[A-Za-z0-9+\/]+=*"\}\z/
--- playfab_emulator_check eval
['last/RequestPartyService' =>
   qr/\A(?!.*PlayFabId).*"body":\Q{"PreferredRegions":["WestUs","EastUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"None","PartyInvitationConfiguration":{"Identifier":"lobby-42","Revocability":"Anyone","EntityKeys":[{"Id":"A1B2C3","Type":"title_player_account"},{"Id":"D4E5F6"}]}},"PartyId":"23781fa9-e01e-4b29-4f0b-dd9f37a06a1e","CustomTags":{"build":"1.2.3","mode":"ranked",\E"RequestId":"[0-9a-f]{32}"\}\},"token_index":/s,
 'headers/RequestPartyService' =>
   qr/\A(?!.*^(?:cookie|x-client-trace|x-api-key|x-secretkey)$)(?=.*^x-entitytoken$)/msi]
--- no_error_log
[error]
[alert]
