# Hostile clients: slow and incomplete requests, oversized headers,
# JSON built to hurt a parser, and attempts to set what only the server
# may set (the secret key, the title token, PlayFabId).  Every block
# checks what reaches PlayFab (the emulator's counters and recorded
# calls: nothing of the hostile input) and that no worker crashes
# ([alert], [crit], and the runner's own "no worker crash" check).
#
# Which timeouts apply to a slow client is nginx's business, not the
# module's: client_header_timeout while the request line and headers
# arrive, client_body_timeout while the body does (the module reads the
# body with ngx_http_read_client_request_body before looking at it).
# Both bound the time between two successive reads, not the whole
# transfer.  When one expires nginx closes the connection without a
# response (408 in access.log; "client timed out" at info for headers,
# only a debug line for the body in nginx 1.22).  See docs/security.md.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(1);    # the blocks assert exact emulator counters
no_shuffle();
log_level('debug');


# Helpers for the "--- xxx eval" sections, which Test::Base compiles in
# the package Test::Base::Filter.
package Test::Base::Filter;

my %Reason = (400 => 'Bad Request', 401 => 'Unauthorized',
              413 => 'Content Too Large');

# problem(STATUS, CODE, MEMBER => VALUE, ...): a regex for a whole
# problem document with these members, in any order (as in
# t/060-playfab-errors.t).  Digits are matched as a JSON number,
# anything else as a JSON string.
sub problem {
    my ($status, $code, %more) = @_;
    my %members = (
        type   => "urn:playfab-party:error:$code",
        status => $status,
        code   => $code,
        %more,
    );
    $members{title} = $Reason{$status} if $Reason{$status};
    my $members = join '', map {
        my $value = $members{$_};
        my $json = $value =~ /\A-?\d+\z/ ? $value : qq{"$value"};
        '(?=.*"' . quotemeta($_) . '":' . quotemeta($json) . '[,}])'
    } sort keys %members;
    return qr/\A\{$members.*\}\z/s;
}

# ascii(REGEX): REGEX, and the whole body printable ASCII
sub ascii {
    my ($re) = @_;
    return qr/\A(?=[\x20-\x7e]*\z)(?:$re)/s;
}

# nothing the module says when it starts talking to PlayFab; nor
# [error], unless nginx itself logs the client's fault at that level
sub no_playfab {
    my ($error_ok) = @_;
    return ['[alert]', '[crit]', ($error_ok ? () : '[error]'),
            'playfab: title token', 'call started'];
}

sub problem_headers {
    return "Content-Type: application/problem+json\nCache-Control: no-store";
}

# a party body with NetworkConfiguration's fields given as raw JSON text
sub party_raw {
    my (%nc) = @_;
    my %fields = (MaxUsers => 8, MaxDevices => 8, MaxUsersPerDevice => 1,
                  MaxDevicesPerUser => 1, MaxEndpointsPerDevice => 4, %nc);
    return '{"PreferredRegions":["EastUs"],"NetworkConfiguration":{'
        . join(',', map { qq{"$_":$fields{$_}} } sort keys %fields) . '}}';
}

# a party body with CustomTags given as raw JSON text
sub with_tags {
    my ($tags) = @_;
    return '{"PreferredRegions":["EastUs"],"CustomTags":' . $tags
        . ',"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,'
        . '"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,'
        . '"MaxEndpointsPerDevice":4}}';
}

# one request line and headers, raw, for --- raw_request
sub raw_head {
    my ($length, @headers) = @_;
    return join "\r\n", "POST /v1/party HTTP/1.1", "Host: localhost",
        "Connection: close", "Content-Type: application/json",
        "Content-Length: $length", @headers, "", "";
}


package main;

run_tests();

__DATA__

=== TEST 1: a body sent more slowly than client_body_timeout: nginx closes the connection (408), PlayFab is never called
The body's second half comes 2 s after the first; client_body_timeout
is 1 s.  nginx answers nothing (it closes a timed-out connection).
--- config
    location = /v1/party {
        playfab_auth off;
        client_body_timeout 1s;
        playfab_party;
    }
--- raw_request eval
my $body = party_body();
my $half = int(length($body) / 2);
[raw_head(length $body) . substr($body, 0, $half), substr($body, $half)]
--- raw_request_middle_delay: 2
--- timeout: 5
--- error_code eval
""
--- error_log
http finalize request: 408
--- no_error_log eval
no_playfab()



=== TEST 2: client_body_timeout bounds each read, not the whole body: a pause shorter than it is harmless
--- config
    location = /v1/party {
        playfab_auth off;
        client_body_timeout 1s;
        playfab_party;
    }
--- raw_request eval
my $body = party_body();
my $half = int(length($body) / 2);
[raw_head(length $body) . substr($body, 0, $half), substr($body, $half)]
--- raw_request_middle_delay: 0.5
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}"
--- no_error_log
client timed out
[error]
[alert]
[crit]



=== TEST 3: headers sent more slowly than client_header_timeout: the connection is closed before any phase runs
--- config
    client_header_timeout 1s;
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- raw_request eval
my $body = party_body();
my $head = raw_head(length $body);
my $cut = index($head, "Content-Type");
[substr($head, 0, $cut), substr($head, $cut) . $body]
--- raw_request_middle_delay: 2
--- timeout: 5
--- error_code eval
""
--- error_log
client timed out
--- no_error_log eval
no_playfab()



=== TEST 4: a body shorter than its Content-Length times out and is never sent to PlayFab
--- config
    location = /v1/party {
        playfab_auth off;
        client_body_timeout 1s;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
"Content-Type: application/json\nContent-Length: 4096"
--- timeout: 5
--- error_code eval
""
--- response_body_like eval
qr/\A\z/
--- error_log
http finalize request: 408
--- no_error_log eval
no_playfab()



=== TEST 5: a Content-Length over client_max_body_size is refused before the body is read: 413 problem+json
--- config
    location = /v1/party {
        playfab_auth off;
        client_max_body_size 16k;
        lingering_timeout 1s;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
"Content-Type: application/json\nContent-Length: 1099511627776"
--- error_code: 413
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(413, 'payload_too_large')
--- error_log
client intended to send too large body
--- no_error_log eval
no_playfab('nginx logs the 413 at error')



=== TEST 6: a chunked body that grows over client_max_body_size: 413 problem+json, nothing sent to PlayFab
--- config
    location = /v1/party {
        playfab_auth off;
        client_max_body_size 16k;
        playfab_party;
    }
--- request eval
my $chunk = '[' x 8192;
"POST /v1/party\n"
 . CORE::join('', map { sprintf("%x\r\n%s\r\n", length $chunk, $chunk) } 1 .. 4)
 . "0\r\n\r\n"
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
"Content-Type: application/json\nTransfer-Encoding: chunked"
--- error_code: 413
--- response_body_like eval
problem(413, 'payload_too_large')
--- error_log
client intended to send too large chunked body
--- no_error_log eval
no_playfab('nginx logs the 413 at error')



=== TEST 7: an X-API-Key longer than large_client_header_buffers: nginx's own 400 before any location, the key not logged
The request is refused while its headers are read, before a location
is chosen: the module's locations never see it, so the answer is
nginx's (HTML), as for any location.
--- user_files eval
[['keys', api_key_line('game-backend', 'gb-3f9a1c7e5d2b4a60')]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers eval
"Content-Type: application/json\nX-API-Key: hostile-key-" . ('k' x 9000)
--- error_code: 400
--- response_headers
Content-Type: text/html
--- response_body_like: Request Header Or Cookie Too Large
--- error_log
client sent too long header line
--- no_error_log eval
[@{ no_playfab() }, 'hostile-key-', 'kkkkkkkkkkkkkkkk']



=== TEST 8: the same with playfab_auth at the server level: the refusal is a problem document
--- user_files eval
[['keys', api_key_line('game-backend', 'gb-3f9a1c7e5d2b4a60')]]
--- config
    playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
    location = /v1/party {
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers eval
"Content-Type: application/json\nAuthorization: Bearer hostile-bearer-" . ('b' x 9000)
--- error_code: 400
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(400, 'bad_request')
--- error_log
client sent too long header line
--- no_error_log eval
[@{ no_playfab() }, 'hostile-bearer-', 'bbbbbbbbbbbbbbbb']



=== TEST 9: an X-API-Key just under the limit is an unknown key: 401, never logged, PlayFab never called
--- user_files eval
[['keys', api_key_line('game-backend', 'gb-3f9a1c7e5d2b4a60')]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
"Content-Type: application/json\nX-API-Key: hostile-key-" . ('k' x 8000)
--- error_code: 401
--- response_headers eval
problem_headers() . "\nWWW-Authenticate: ApiKey"
--- response_body_like eval
problem(401, 'unauthorized')
--- error_log
playfab: caller not authenticated: unknown API key
--- no_error_log eval
[@{ no_playfab() }, 'hostile-key-', 'kkkkkkkkkkkkkkkk']



=== TEST 10: an X-EntityToken just under the limit is malformed: 401, no ValidateEntityToken, never logged
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
"Content-Type: application/json\nX-EntityToken: hostile-token-" . ('t' x 8000)
--- error_code: 401
--- response_headers eval
problem_headers() . qq{\nWWW-Authenticate: Bearer error="invalid_token", error_description="malformed entity token"}
--- response_body_like eval
problem(401, 'unauthorized')
--- error_log
playfab: caller not authenticated: malformed X-EntityToken header
--- no_error_log eval
[@{ no_playfab() }, 'hostile-token-', 'tttttttttttttttt']



=== TEST 11: an Authorization header just under the limit is ignored by api_key auth: 200, never forwarded, never logged
--- user_files eval
[['keys', api_key_line('game-backend', 'gb-3f9a1c7e5d2b4a60')]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body()]
--- playfab_calls: GetEntityToken=1 RequestPartyService=1
--- playfab_emulator_check eval
['headers/GetEntityToken' => qr/\Acontent-length\ncontent-type\nhost\nx-secretkey\n\z/,
 'headers/RequestPartyService' => qr/\Acontent-length\ncontent-type\nhost\nx-entitytoken\n\z/]
--- more_headers eval
["Content-Type: application/json\nX-API-Key: gb-3f9a1c7e5d2b4a60\nAuthorization: Bearer hostile-bearer-" . ('b' x 8000),
 "Content-Type: application/json\nAuthorization: Bearer hostile-bearer-" . ('b' x 8000)]
--- error_code eval
[200, 401]
--- response_body_like eval
[qr/"PartyId"/,
 problem(401, 'unauthorized', detail => 'no X-API-Key header')]
--- no_error_log
hostile-bearer-
bbbbbbbbbbbbbbbb
[error]
[alert]
[crit]



=== TEST 12: an X-EntityToken over the limit: 400 before the location, never logged
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers eval
"Content-Type: application/json\nX-EntityToken: hostile-token-" . ('t' x 9000)
--- error_code: 400
--- error_log
client sent too long header line
--- no_error_log eval
[@{ no_playfab() }, 'hostile-token-', 'tttttttttttttttt']



=== TEST 13: headers that together overflow large_client_header_buffers: 400, no crash
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers eval
CORE::join "\n", "Content-Type: application/json",
    map { "X-Filler-$_: " . ('f' x 4000) } 1 .. 12
--- error_code: 400
--- response_body_like: Request Header Or Cookie Too Large
--- no_error_log eval
no_playfab()



=== TEST 14: nesting deeper than 8 levels is malformed_json; 8 levels is parsed (and refused by the schema)
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . with_tags('{"a":' . ('[' x 6) . '1' . (']' x 6) . '}'),
 "POST /v1/party\n" . with_tags('{"a":' . ('[' x 7) . '1' . (']' x 7) . '}'),
 "POST /v1/party\n" . ('[' x 100000) . (']' x 100000),
 "POST /v1/party\n" . ('{"a":' x 50000) . '1' . ('}' x 50000),
 "POST /v1/party\n" . ('[' x 100000)]
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
[("Content-Type: application/json") x 5]
--- error_code eval
[400, 400, 400, 400, 400]
--- response_body_like eval
[problem(400, 'invalid_value', field => 'CustomTags.a'),
 problem(400, 'malformed_json', detail => 'must not nest deeper than 8 levels'),
 problem(400, 'malformed_json', detail => 'must not nest deeper than 8 levels'),
 problem(400, 'malformed_json', detail => 'must not nest deeper than 8 levels'),
 problem(400, 'malformed_json')]
--- no_error_log eval
no_playfab()



=== TEST 15: a member given twice is refused, never "last wins", at every level and through escapes
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . '{"PreferredRegions":["EastUs"],"PreferredRegions":["WestUs"],"NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4}}',
 "POST /v1/party\n" . party_raw(MaxDevices => '8,"MaxDevices":200'),
 "POST /v1/party\n" . party_raw(MaxDevices => '200,"Max\u0044evices":8'),
 "POST /v1/party\n" . party_raw(PartyInvitationConfiguration => '{"Revocability":"Creator","Revocability":"Anyone"}'),
 "POST /v1/party\n" . party_raw(PartyInvitationConfiguration => '{"EntityKeys":[{"Id":"A","Id":"B"}]}'),
 "POST /v1/party\n" . with_tags('{"t":"a","t":"b"}'),
 "POST /v1/party\n" . with_tags('{"t":"a","\u0074":"b"}')]
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
[("Content-Type: application/json") x 7]
--- error_code eval
[400, 400, 400, 400, 400, 400, 400]
--- response_body_like eval
[problem(400, 'duplicate_field', field => 'PreferredRegions'),
 problem(400, 'duplicate_field', field => 'NetworkConfiguration.MaxDevices'),
 problem(400, 'duplicate_field', field => 'NetworkConfiguration.MaxDevices'),
 problem(400, 'duplicate_field', field => 'NetworkConfiguration.PartyInvitationConfiguration.Revocability'),
 problem(400, 'duplicate_field', field => 'NetworkConfiguration.PartyInvitationConfiguration.EntityKeys[0].Id'),
 problem(400, 'duplicate_field', field => 'CustomTags.t'),
 problem(400, 'duplicate_field', field => 'CustomTags.t')]
--- no_error_log eval
no_playfab()



=== TEST 16: invalid UTF-8 and unrepresentable characters in strings and keys are refused; the problem document stays ASCII
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . with_tags(qq{{"t":"a\xffb"}}),
 "POST /v1/party\n" . with_tags(qq{{"t":"\xc0\xaf"}}),
 "POST /v1/party\n" . with_tags(qq{{"t":"\xed\xa0\x80"}}),
 "POST /v1/party\n" . with_tags(qq{{"t":"\xf4\x90\x80\x80"}}),
 "POST /v1/party\n" . with_tags(qq{{"t":"ab\xe2\x82"}}),
 "POST /v1/party\n" . with_tags(qq{{"\xff\xfe":"v"}}),
 "POST /v1/party\n" . qq{{"Preferred\xffRegions":["EastUs"]}},
 "POST /v1/party\n" . qq{{"PreferredRegions":["East\xffUs"]}},
 "POST /v1/party\n" . party_raw(PartyInvitationConfiguration => qq{{"Identifier":"inv\x80"}}),
 "POST /v1/party\n" . with_tags('{"t":"\ud800"}'),
 "POST /v1/party\n" . with_tags('{"t":"a\u0000b"}'),
 "POST /v1/party\n" . with_tags(qq{{"t":"a\x01b"}})]
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
[("Content-Type: application/json") x 12]
--- error_code eval
[(400) x 12]
--- response_body_like eval
[map { ascii($_) }
 problem(400, 'invalid_value', field => 'CustomTags.t',
         detail => 'must be valid UTF-8 without control characters'),
 (problem(400, 'invalid_value', field => 'CustomTags.t')) x 4,
 problem(400, 'invalid_value', field => 'CustomTags'),
 problem(400, 'unknown_field', field => 'Preferred?Regions'),
 problem(400, 'invalid_value', field => 'PreferredRegions[0]'),
 problem(400, 'invalid_value', field => 'NetworkConfiguration.PartyInvitationConfiguration.Identifier'),
 qr/\A\{(?=.*"status":400[,}])(?=.*"code":"(?:malformed_json|invalid_value)")/,
 problem(400, 'invalid_value'),
 problem(400, 'malformed_json')]
--- no_error_log eval
no_playfab()



=== TEST 17: numbers out of range, fractional, too large or given as strings are invalid_value; broken numbers malformed_json
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_raw(MaxDevices => '"8"'),
 "POST /v1/party\n" . party_raw(MaxDevices => 129),
 "POST /v1/party\n" . party_raw(MaxDevices => 0),
 "POST /v1/party\n" . party_raw(MaxDevices => -1),
 "POST /v1/party\n" . party_raw(MaxDevices => '8.5'),
 "POST /v1/party\n" . party_raw(MaxDevices => '1e400'),
 "POST /v1/party\n" . party_raw(MaxDevices => '-1e400'),
 "POST /v1/party\n" . party_raw(MaxDevices => '1e-400'),
 "POST /v1/party\n" . party_raw(MaxUsers => 4294967296),
 "POST /v1/party\n" . party_raw(MaxUsers => '18446744073709551617'),
 "POST /v1/party\n" . party_raw(MaxUsers => '9' x 400),
 "POST /v1/party\n" . party_raw(MaxDevices => 'true'),
 "POST /v1/party\n" . party_raw(MaxDevices => 'null'),
 "POST /v1/party\n" . party_raw(MaxDevices => '[8]'),
 "POST /v1/party\n" . party_raw(MaxDevices => '08'),
 "POST /v1/party\n" . party_raw(MaxDevices => '0x10'),
 "POST /v1/party\n" . party_raw(MaxDevices => 'NaN'),
 "POST /v1/party\n" . party_raw(MaxDevices => 'Infinity'),
 "POST /v1/party\n" . party_raw(MaxDevices => '+8'),
 "POST /v1/party\n" . party_raw(MaxDevices => '8.')]
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
[("Content-Type: application/json") x 20]
--- error_code eval
[(400) x 20]
--- response_body_like eval
[(problem(400, 'invalid_value', field => 'NetworkConfiguration.MaxDevices',
          detail => 'must be an integer between 1 and 128')) x 8,
 (problem(400, 'invalid_value', field => 'NetworkConfiguration.MaxUsers',
          detail => 'must be an integer between 1 and 4294967295')) x 3,
 (problem(400, 'invalid_value', field => 'NetworkConfiguration.MaxDevices')) x 3,
 (problem(400, 'malformed_json')) x 6]
--- no_error_log eval
no_playfab()



=== TEST 18: an empty body is malformed_json
(Under UBSan an empty body once made the body reader pass a null
pointer to memcpy: the runner's crash check catches "runtime error".)
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n"
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
"Content-Type: application/json\nContent-Length: 0"
--- error_code: 400
--- response_body_like eval
problem(400, 'malformed_json')
--- no_error_log eval
no_playfab()



=== TEST 19: integral numbers in other spellings are the same integers, and PlayFab gets them as plain integers
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_raw(MaxDevices => '1.2e2', MaxUsers => '4294967295.0', MaxEndpointsPerDevice => '-0')
--- playfab_emulator_check eval
['last/RequestPartyService' => qr/"NetworkConfiguration":\{(?=[^}]*"MaxDevices":120[,}])(?=[^}]*"MaxUsers":4294967295[,}])(?=[^}]*"MaxEndpointsPerDevice":0[,}])/]
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: "PartyId"
--- no_error_log
[error]
[alert]
[crit]



=== TEST 20: the client's X-SecretKey, X-EntityToken, PlayFabId and TitleId headers replace nothing: PlayFab sees our secret, our title token and the caller's identity
--- user_files eval
[['keys', api_key_line('game-backend', 'gb-3f9a1c7e5d2b4a60')]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_playfab_id $playfab_auth_subject;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_emulator_check eval
['last/GetEntityToken' => qr/"x-secretkey":"emu-secret-key"/,
 'headers/GetEntityToken' => qr/\Acontent-length\ncontent-type\nhost\nx-secretkey\n\z/,
 'last/RequestPartyService' => qr/\A(?=.*"x-entitytoken":"EMUTOKEN-1-)(?=.*"PlayFabId":"game-backend")(?!.*FORGED)(?!.*forged)/s,
 'headers/RequestPartyService' => qr/\Acontent-length\ncontent-type\nhost\nx-entitytoken\n\z/]
--- more_headers eval
CORE::join("\n", 'Content-Type: application/json',
      'X-API-Key: gb-3f9a1c7e5d2b4a60',
      'X-SecretKey: forged-secret',
      'X-EntityToken: forged-token',
      'PlayFabId: FORGEDPLAYER',
      'X-PlayFabId: FORGEDPLAYER',
      'TitleId: FORGEDTITLE',
      'X-Authorization: forged-auth')
--- error_code: 200
--- response_body_like: "PartyId"
--- no_error_log
forged-secret
[error]
[alert]
[crit]



=== TEST 21: PlayFabId and TitleId in the body are refused however they are spelled; nothing reaches PlayFab
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(PlayFabId => 'FORGEDPLAYER'),
 "POST /v1/party\n" . party_body(TitleId => 'FORGED'),
 "POST /v1/party\n" . '{"Play\u0046abId":"FORGEDPLAYER","PreferredRegions":["EastUs"]}',
 "POST /v1/party\n" . party_body(playfabid => 'FORGEDPLAYER'),
 "POST /v1/party\n" . party_body('NetworkConfiguration.PlayFabId' => 'FORGEDPLAYER'),
 "POST /v1/party\n" . party_body('NetworkConfiguration.PartyInvitationConfiguration' => {PlayFabId => 'FORGEDPLAYER'})]
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
[("Content-Type: application/json") x 6]
--- error_code eval
[400, 400, 400, 400, 400, 400]
--- response_body_like eval
[problem(400, 'unknown_field', field => 'PlayFabId',
         detail => "is set by the server from the caller's identity"),
 problem(400, 'unknown_field', field => 'TitleId'),
 problem(400, 'unknown_field', field => 'PlayFabId'),
 problem(400, 'unknown_field', field => 'playfabid'),
 problem(400, 'unknown_field', field => 'NetworkConfiguration.PlayFabId'),
 problem(400, 'unknown_field', field => 'NetworkConfiguration.PartyInvitationConfiguration.PlayFabId')]
--- no_error_log eval
no_playfab()



=== TEST 22: a player's token authenticates the player only: RequestPartyService carries our title token, the player's identity and a bound invitation, whatever the client sent
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE", "master": "MPALICE"}}}
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party_bind_invitation on;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body('NetworkConfiguration.PartyInvitationConfiguration' => {Revocability => 'Anyone', EntityKeys => [{Id => 'STRANGER', Type => 'title_player_account'}]})
--- playfab_calls: GetEntityToken=1 ValidateEntityToken=1 RequestPartyService=1
--- playfab_emulator_check eval
['last/RequestPartyService' => qr/\A(?=.*"x-entitytoken":"EMUTOKEN-1-)(?=.*"PlayFabId":"MPALICE")(?=.*"Revocability":"Creator","EntityKeys":\[\{"Id":"TPALICE","Type":"title_player_account"\}\])(?!.*STRANGER)(?!.*FORGED)(?!.*ptok-alice)/s]
--- more_headers eval
CORE::join("\n", 'Content-Type: application/json', 'X-EntityToken: ptok-alice',
      'X-SecretKey: forged-secret', 'PlayFabId: FORGEDPLAYER')
--- error_code: 200
--- response_body_like: "PartyId"
--- no_error_log
ptok-alice
forged-secret
[error]
[alert]
[crit]



=== TEST 23: two X-API-Key headers, or two X-EntityToken headers, are refused, not resolved
--- user_files eval
[['keys', api_key_line('game-backend', 'gb-3f9a1c7e5d2b4a60')]]
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}}}
--- config
    location = /key {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
    location = /player {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
["POST /key\n" . party_body(), "POST /player\n" . party_body()]
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
["Content-Type: application/json\nX-API-Key: wrong\nX-API-Key: gb-3f9a1c7e5d2b4a60",
 "Content-Type: application/json\nX-EntityToken: ptok-alice\nX-EntityToken: ptok-alice"]
--- error_code eval
[401, 401]
--- response_body_like eval
[problem(401, 'unauthorized', detail => 'more than one X-API-Key header'),
 problem(401, 'unauthorized')]
--- no_error_log eval
no_playfab()



=== TEST 24: control characters and non-ASCII bytes in an X-EntityToken are refused without asking PlayFab
--- config
    location = /v1/party {
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body()]
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
["Content-Type: application/json\nX-EntityToken: ptok\x01alice",
 "Content-Type: application/json\nX-EntityToken: ptok-\xc3\xa9"]
--- error_code eval
[401, 401]
--- response_body_like eval
[problem(401, 'unauthorized'), problem(401, 'unauthorized')]
--- no_error_log eval
no_playfab()
