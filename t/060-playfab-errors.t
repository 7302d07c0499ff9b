# PlayFab's answers become the documented problem documents
# (docs/errors.md, "PlayFab's answers"): every mapping is driven by an
# emulator fault, for RequestPartyService and for GetEntityToken, and
# the emulator's counters show what was (not) called again.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(1);    # the blocks assert exact emulator counters
no_shuffle();


# Helpers for the "--- xxx eval" sections, which Test::Base compiles in
# the package Test::Base::Filter.
package Test::Base::Filter;

my %Reason = (
    400 => 'Bad Request', 401 => 'Unauthorized', 403 => 'Forbidden',
    404 => 'Not Found', 409 => 'Conflict', 429 => 'Too Many Requests',
    502 => 'Bad Gateway', 503 => 'Service Unavailable',
    504 => 'Gateway Timeout',
);

# problem(STATUS, CODE, MEMBER => VALUE, ...): a regex for a whole
# problem document with type, title, status, code and the given members,
# in any order.  Digits are matched as a JSON number, anything else as a
# JSON string.
sub problem {
    my ($status, $code, %more) = @_;
    my %members = (
        type   => "urn:playfab-party:error:$code",
        title  => $Reason{$status},
        status => $status,
        code   => $code,
        %more,
    );
    my $members = join '', map {
        my $value = $members{$_};
        my $json = $value =~ /\A-?\d+\z/ ? $value : qq{"$value"};
        '(?=.*"' . quotemeta($_) . '":' . quotemeta($json) . '[,}])'
    } sort keys %members;
    return qr/\A\{$members.*\}\z/s;
}

# one_of(REGEX, ...): a regex matching any of them
sub one_of {
    my $any = join '|', map { "(?:$_)" } @_;
    return qr/$any/;
}

# the headers of every problem document
sub problem_headers {
    return "Content-Type: application/problem+json\nCache-Control: no-store";
}


package main;

run_tests();

__DATA__

=== TEST 1: PartyBadRequest (1434) is 400 playfab_rejected with PlayFab's error, logged at info
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"PartyBadRequest","errorCode":1434,"errorMessage":"emulated: bad party"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 400
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(400, 'playfab_rejected', playfab_error => 'PartyBadRequest',
         playfab_error_code => 1434, detail => 'emulated: bad party')
--- error_log eval
qr/\[info\] .*playfab: .*PartyBadRequest/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 2: InvalidParams (1000) on RequestPartyService is 400 playfab_rejected
--- playfab_emulator
{"faults":{"RequestPartyService":{"status":400}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 400
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(400, 'playfab_rejected', playfab_error => 'InvalidParams',
        playfab_error_code => 1000)
--- error_log eval
qr/\[info\] .*playfab: .*InvalidParams/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 3: PartyNotFound (1437) is 404 playfab_rejected, whatever PlayFab's HTTP status
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"PartyNotFound","errorCode":1437,"errorMessage":"emulated: no such party"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body(PartyId => 'a0b1c2d3-0000-4000-8000-000000000001')
--- more_headers
Content-Type: application/json
--- error_code: 404
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(404, 'playfab_rejected', playfab_error => 'PartyNotFound',
        playfab_error_code => 1437)
--- error_log eval
qr/\[info\] .*playfab: .*PartyNotFound/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 4: PartyConflict (1438) is 409 playfab_rejected
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"PartyConflict","errorCode":1438,"errorMessage":"emulated: party exists"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body(PartyId => 'a0b1c2d3-0000-4000-8000-000000000001')
--- more_headers
Content-Type: application/json
--- error_code: 409
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(409, 'playfab_rejected', playfab_error => 'PartyConflict',
        playfab_error_code => 1438)
--- error_log eval
qr/\[info\] .*playfab: .*PartyConflict/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 5: RequestPartyService HTTP 429 with Retry-After is 429 playfab_throttled with the same Retry-After
--- playfab_emulator
{"faults":{"RequestPartyService":{"status":429,"headers":{"Retry-After":"7"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 429
--- response_headers eval
problem_headers() . "\nRetry-After: 7"
--- response_body_like eval
problem(429, 'playfab_throttled', playfab_error => 'APIRequestLimitExceeded',
         playfab_error_code => 1130)
--- error_log eval
qr/\[warn\] .*playfab: .*RequestPartyService/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 6: a 429 envelope with retryAfterSeconds and no header gives Retry-After from the envelope
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":429,"status":"TooManyRequests","error":"APIRequestLimitExceeded","errorCode":1130,"errorMessage":"emulated: slow down","retryAfterSeconds":12}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 429
--- response_headers eval
problem_headers() . "\nRetry-After: 12"
--- response_body_like eval
problem(429, 'playfab_throttled', playfab_error => 'APIRequestLimitExceeded',
        playfab_error_code => 1130)
--- no_error_log
[error]
[alert]
[crit]



=== TEST 7: errorCode 1441 with HTTP 400 is 429 playfab_throttled
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"PartyTooManyRequests","errorCode":1441,"errorMessage":"emulated: too many parties","retryAfterSeconds":4}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 429
--- response_headers eval
problem_headers() . "\nRetry-After: 4"
--- response_body_like eval
problem(429, 'playfab_throttled', playfab_error => 'PartyTooManyRequests',
        playfab_error_code => 1441)
--- error_log eval
qr/\[warn\] .*playfab: .*PartyTooManyRequests/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 8: errorCode 1504 with HTTP 400 is 429 playfab_throttled
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"PartyRequestsThrottledFromRateLimiter","errorCode":1504,"errorMessage":"emulated: rate limited","retryAfterSeconds":3}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 429
--- response_headers eval
problem_headers() . "\nRetry-After: 3"
--- response_body_like eval
problem(429, 'playfab_throttled',
        playfab_error => 'PartyRequestsThrottledFromRateLimiter',
        playfab_error_code => 1504)
--- no_error_log
[error]
[alert]
[crit]



=== TEST 9: APIRequestLimitExceeded (1130) with HTTP 400 is 429 playfab_throttled
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"APIRequestLimitExceeded","errorCode":1130,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 429
--- response_body_like eval
problem(429, 'playfab_throttled', playfab_error => 'APIRequestLimitExceeded', playfab_error_code => 1130)
--- error_log eval
qr/\[warn\] .*playfab: .*APIRequestLimitExceeded/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 10: errorCode 1199 with HTTP 400 is 429 playfab_throttled
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"APIClientRequestRateLimitExceeded","errorCode":1199,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 429
--- response_body_like eval
problem(429, 'playfab_throttled', playfab_error => 'APIClientRequestRateLimitExceeded', playfab_error_code => 1199)
--- error_log eval
qr/\[warn\] .*playfab: .*APIClientRequestRateLimitExceeded/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 11: errorCode 1342 with HTTP 400 is 429 playfab_throttled
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"APIConcurrentRequestLimitExceeded","errorCode":1342,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 429
--- response_body_like eval
problem(429, 'playfab_throttled', playfab_error => 'APIConcurrentRequestLimitExceeded', playfab_error_code => 1342)
--- error_log eval
qr/\[warn\] .*playfab: .*APIConcurrentRequestLimitExceeded/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 12: HTTP 429 with a body that is not an envelope is still 429 playfab_throttled with Retry-After
--- playfab_emulator
{"faults":{"RequestPartyService":{"status":429,"body":"Too Many Requests","headers":{"Retry-After":"9","Content-Type":"text/plain"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 429
--- response_headers eval
problem_headers() . "\nRetry-After: 9"
--- response_body_like eval
problem(429, 'playfab_throttled')
--- no_error_log
[error]
[alert]
[crit]



=== TEST 13: GetEntityToken HTTP 429 with Retry-After is 429 playfab_throttled with the same Retry-After, no party call
--- playfab_emulator
{"faults":{"GetEntityToken":{"status":429,"headers":{"Retry-After":"5"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 429
--- response_headers eval
problem_headers() . "\nRetry-After: 5"
--- response_body_like eval
problem(429, 'playfab_throttled', playfab_error => 'APIRequestLimitExceeded',
         playfab_error_code => 1130)
--- error_log eval
qr/\[warn\] .*playfab: .*GetEntityToken/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 14: GetEntityToken 429 envelope with retryAfterSeconds gives Retry-After from the envelope
--- playfab_emulator
{"faults":{"GetEntityToken":{"envelope":{"code":429,"status":"TooManyRequests","error":"APIRequestLimitExceeded","errorCode":1130,"errorMessage":"emulated: slow down","retryAfterSeconds":30}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 429
--- response_headers eval
problem_headers() . "\nRetry-After: 30"
--- response_body_like eval
problem(429, 'playfab_throttled', playfab_error_code => 1130)
--- no_error_log
[error]
[alert]
[crit]



=== TEST 15: TitleNotEnabledForParty (6000) is 502 playfab_configuration and an error line naming it
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"TitleNotEnabledForParty","errorCode":6000,"errorMessage":"emulated: enable Party in Game Manager"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(502, 'playfab_configuration', playfab_error => 'TitleNotEnabledForParty',
         playfab_error_code => 6000)
--- error_log eval
qr/\[error\] .*playfab: .*TitleNotEnabledForParty/
--- no_error_log
[alert]
[crit]



=== TEST 16: PartyVersionNotFound (6001) is 502 playfab_configuration
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"PartyVersionNotFound","errorCode":6001,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_configuration', playfab_error_code => 6001)
--- error_log eval
qr/\[error\] .*playfab: .*PartyVersionNotFound/
--- no_error_log
[alert]
[crit]



=== TEST 17: PartyUnauthorized (1435) is 502 playfab_configuration
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"PartyUnauthorized","errorCode":1435,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_configuration', playfab_error_code => 1435)
--- error_log eval
qr/\[error\] .*playfab: .*PartyUnauthorized/
--- no_error_log
[alert]
[crit]



=== TEST 18: PartyForbidden (1436) with HTTP 403 is 502 playfab_configuration
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":403,"status":"Forbidden","error":"PartyForbidden","errorCode":1436,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_configuration', playfab_error_code => 1436)
--- error_log eval
qr/\[error\] .*playfab: .*PartyForbidden/
--- no_error_log
[alert]
[crit]



=== TEST 19: InvalidTitleId (1004) on RequestPartyService is 502 playfab_configuration
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"InvalidTitleId","errorCode":1004,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_configuration', playfab_error_code => 1004)
--- error_log eval
qr/\[error\] .*playfab: .*InvalidTitleId/
--- no_error_log
[alert]
[crit]



=== TEST 20: GetEntityToken with a wrong secret key is 502 playfab_configuration and an error line, no party call
--- playfab_emulator
{"secret":"other"}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(502, 'playfab_configuration', playfab_error => 'NotAuthorized',
         playfab_error_code => 1089)
--- error_log eval
qr/\[error\] .*playfab: .*GetEntityToken/
--- no_error_log
[alert]
[crit]



=== TEST 21: GetEntityToken refused with HTTP 403 NotAuthorizedByTitle (1191) is 502 playfab_configuration
--- playfab_emulator
{"faults":{"GetEntityToken":{"status":403}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_configuration', playfab_error => 'NotAuthorizedByTitle',
         playfab_error_code => 1191)
--- error_log eval
qr/\[error\] .*playfab: .*NotAuthorizedByTitle/
--- no_error_log
[alert]
[crit]



=== TEST 22: GetEntityToken answering TitleDeleted (1347) is 502 playfab_configuration
--- playfab_emulator
{"faults":{"GetEntityToken":{"envelope":{"code":400,"status":"BadRequest","error":"TitleDeleted","errorCode":1347,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_configuration', playfab_error_code => 1347)
--- error_log eval
qr/\[error\] .*playfab: .*TitleDeleted/
--- no_error_log
[alert]
[crit]



=== TEST 23: GetEntityToken refused with HTTP 400 is PlayFab refusing this service (502), never the client's fault
--- playfab_emulator
{"faults":{"GetEntityToken":{"status":400}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_configuration', playfab_error_code => 1000)
--- error_log eval
qr/\[error\] .*playfab: .*GetEntityToken/
--- no_error_log
[alert]
[crit]



=== TEST 24: RequestPartyService HTTP 500 is 503 playfab_unavailable and is not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"status":500}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(503, 'playfab_unavailable')
--- error_log eval
qr/\[warn\] .*playfab: .*RequestPartyService/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 25: RequestPartyService HTTP 503 is 503 playfab_unavailable and is not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"status":503}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(503, 'playfab_unavailable')
--- error_log eval
qr/\[warn\] .*playfab: .*RequestPartyService/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 26: RequestPartyService HTTP 502 with a non-JSON body is 503 playfab_unavailable and is not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"status":502,"body":"<html><body>502 Bad Gateway</body></html>","headers":{"Content-Type":"text/html"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_body_like eval
problem(503, 'playfab_unavailable')
--- no_error_log
[error]
[alert]
[crit]



=== TEST 27: ServiceUnavailable (1123) with HTTP 400 is 503 playfab_unavailable, not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"ServiceUnavailable","errorCode":1123,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_body_like eval
problem(503, 'playfab_unavailable', playfab_error => 'ServiceUnavailable', playfab_error_code => 1123)
--- error_log eval
qr/\[warn\] .*playfab: .*ServiceUnavailable/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 28: DownstreamServiceUnavailable (1127) with HTTP 400 is 503 playfab_unavailable, not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"DownstreamServiceUnavailable","errorCode":1127,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_body_like eval
problem(503, 'playfab_unavailable', playfab_error => 'DownstreamServiceUnavailable', playfab_error_code => 1127)
--- error_log eval
qr/\[warn\] .*playfab: .*DownstreamServiceUnavailable/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 29: PartyInternalServerError (1439) with HTTP 400 is 503 playfab_unavailable, not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"PartyInternalServerError","errorCode":1439,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_body_like eval
problem(503, 'playfab_unavailable', playfab_error => 'PartyInternalServerError', playfab_error_code => 1439)
--- error_log eval
qr/\[warn\] .*playfab: .*PartyInternalServerError/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 30: PartyUnavailable (1440) with HTTP 400 is 503 playfab_unavailable, not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"PartyUnavailable","errorCode":1440,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_body_like eval
problem(503, 'playfab_unavailable', playfab_error => 'PartyUnavailable', playfab_error_code => 1440)
--- error_log eval
qr/\[warn\] .*playfab: .*PartyUnavailable/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 31: RequestPartyService connection refused is 503 playfab_unavailable, logged at warn
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:1/;
    }
    location /_playfab/Authentication/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/Authentication/;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(503, 'playfab_unavailable')
--- error_log eval
[qr/\[warn\] .*playfab: .*RequestPartyService/, 'Connection refused']
--- no_error_log eval
[qr/\[error\] .*playfab: /, '[alert]', '[crit]']



=== TEST 32: RequestPartyService closing the connection without a reply is 503 playfab_unavailable, not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"close":true}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(503, 'playfab_unavailable')
--- error_log eval
qr/\[warn\] .*playfab: .*RequestPartyService/
--- no_error_log eval
[qr/\[error\] .*playfab: /, '[alert]', '[crit]']



=== TEST 33: RequestPartyService slower than proxy_read_timeout is 504 playfab_timeout, logged at warn, not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"delay_ms":1500}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        proxy_read_timeout 300ms;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 504
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(504, 'playfab_timeout')
--- error_log eval
[qr/\[warn\] .*playfab: .*RequestPartyService/, 'upstream timed out']
--- no_error_log eval
[qr/\[error\] .*playfab: /, '[alert]', '[crit]']



=== TEST 34: a timed-out RequestPartyService is still not retried once PlayFab's slow reply is due
The same timeout as TEST 33; 1.5 s later, when the emulator has answered
the first call, there has been no second one.
--- playfab_emulator
{"faults":{"RequestPartyService":{"delay_ms":1500}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        proxy_read_timeout 300ms;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/sleep?ms=1500"]
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code eval
[504, 200]
--- response_headers eval
[problem_headers(), undef]
--- response_body_like eval
[problem(504, 'playfab_timeout'), qr/\Aok\n\z/]
--- no_error_log eval
[qr/\[error\] .*playfab: /, '[alert]', '[crit]']



=== TEST 35: RequestPartyService malformed JSON is 502 playfab_bad_reply, logged at error, not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"malformed":true}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(502, 'playfab_bad_reply')
--- error_log eval
qr/\[error\] .*playfab: .*RequestPartyService/
--- no_error_log
[alert]
[crit]



=== TEST 36: RequestPartyService data of the wrong shape is 502 playfab_bad_reply
--- playfab_emulator
{"faults":{"RequestPartyService":{"wrong_shape":true}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_bad_reply')
--- error_log eval
qr/\[error\] .*playfab: .*RequestPartyService/
--- no_error_log
[alert]
[crit]



=== TEST 37: RequestPartyService JSON that is not an envelope is 502 playfab_bad_reply
--- playfab_emulator
{"faults":{"RequestPartyService":{"body":"{\"PartyId\":\"a0b1c2d3-0000-4000-8000-000000000001\",\"InvitationId\":\"a0b1c2d3-0000-4000-8000-000000000002\",\"SerializedNetworkDescriptor\":\"AAAA\"}"}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_bad_reply')
--- error_log eval
qr/\[error\] .*playfab: .*RequestPartyService/
--- no_error_log
[alert]
[crit]



=== TEST 38: RequestPartyService reply larger than subrequest_output_buffer_size is 502 playfab_bad_reply
--- playfab_emulator
{"faults":{"RequestPartyService":{"oversize":8192}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        subrequest_output_buffer_size 2k;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(502, 'playfab_bad_reply')
--- error_log eval
qr/\[error\] .*playfab: .*RequestPartyService/
--- no_error_log
[alert]
[crit]



=== TEST 39: a padded RequestPartyService reply within subrequest_output_buffer_size is still a success
--- playfab_emulator
{"faults":{"RequestPartyService":{"oversize":1800}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        subrequest_output_buffer_size 2k;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}","InvitationId":"[0-9a-f-]{36}","SerializedNetworkDescriptor":"[A-Za-z0-9+/]+=*"\}$
--- no_error_log
[error]
[alert]
[crit]



=== TEST 40: a gzip-encoded RequestPartyService reply is 502 playfab_bad_reply
--- playfab_emulator
{"faults":{"RequestPartyService":{"gzip":true}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_bad_reply')
--- error_log eval
qr/\[error\] .*playfab: .*RequestPartyService/
--- no_error_log
[alert]
[crit]



=== TEST 41: RequestPartyService reset mid-reply is 502 playfab_bad_reply or 503 playfab_unavailable, not retried
--- playfab_emulator
{"faults":{"RequestPartyService":{"reset_mid":true}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code_like eval
'^50[23]$'
--- response_headers eval
problem_headers()
--- response_body_like eval
one_of(problem(502, 'playfab_bad_reply'), problem(503, 'playfab_unavailable'))
--- no_error_log
[alert]
[crit]



=== TEST 42: GetEntityToken HTTP 503 is 503 playfab_unavailable, no party call
--- playfab_emulator
{"faults":{"GetEntityToken":{"status":503}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(503, 'playfab_unavailable')
--- error_log eval
qr/\[warn\] .*playfab: .*GetEntityToken/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 43: GetEntityToken HTTP 500 is 503 playfab_unavailable
--- playfab_emulator
{"faults":{"GetEntityToken":{"status":500}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_body_like eval
problem(503, 'playfab_unavailable')
--- no_error_log
[error]
[alert]
[crit]



=== TEST 44: GetEntityToken connection refused is 503 playfab_unavailable, logged at warn
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:1/;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(503, 'playfab_unavailable')
--- error_log eval
[qr/\[warn\] .*playfab: .*GetEntityToken/, 'Connection refused']
--- no_error_log eval
[qr/\[error\] .*playfab: /, '[alert]', '[crit]']



=== TEST 45: GetEntityToken closing the connection without a reply is 503 playfab_unavailable
--- playfab_emulator
{"faults":{"GetEntityToken":{"close":true}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 503
--- response_body_like eval
problem(503, 'playfab_unavailable')
--- error_log eval
qr/\[warn\] .*playfab: .*GetEntityToken/
--- no_error_log eval
[qr/\[error\] .*playfab: /, '[alert]', '[crit]']



=== TEST 46: GetEntityToken slower than proxy_read_timeout is 504 playfab_timeout, no party call
--- playfab_emulator
{"faults":{"GetEntityToken":{"delay_ms":1000}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        proxy_read_timeout 300ms;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 504
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(504, 'playfab_timeout')
--- error_log eval
[qr/\[warn\] .*playfab: .*GetEntityToken/, 'upstream timed out']
--- no_error_log eval
[qr/\[error\] .*playfab: /, '[alert]', '[crit]']



=== TEST 47: GetEntityToken malformed JSON is 502 playfab_bad_reply
--- playfab_emulator
{"faults":{"GetEntityToken":{"malformed":true}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_bad_reply')
--- error_log eval
qr/\[error\] .*playfab: .*GetEntityToken/
--- no_error_log
[alert]
[crit]



=== TEST 48: GetEntityToken data of the wrong shape is 502 playfab_bad_reply
--- playfab_emulator
{"faults":{"GetEntityToken":{"wrong_shape":true}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_bad_reply')
--- error_log eval
qr/\[error\] .*playfab: .*GetEntityToken/
--- no_error_log
[alert]
[crit]



=== TEST 49: GetEntityToken reply larger than subrequest_output_buffer_size is 502 playfab_bad_reply
--- playfab_emulator
{"faults":{"GetEntityToken":{"oversize":8192}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        subrequest_output_buffer_size 2k;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_bad_reply')
--- error_log eval
qr/\[error\] .*playfab: .*GetEntityToken/
--- no_error_log
[alert]
[crit]



=== TEST 50: a gzip-encoded GetEntityToken reply is 502 playfab_bad_reply
--- playfab_emulator
{"faults":{"GetEntityToken":{"gzip":true}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like eval
problem(502, 'playfab_bad_reply')
--- error_log eval
qr/\[error\] .*playfab: .*GetEntityToken/
--- no_error_log
[alert]
[crit]



=== TEST 51: GetEntityToken reset mid-reply is 502 playfab_bad_reply or 503 playfab_unavailable
--- playfab_emulator
{"faults":{"GetEntityToken":{"reset_mid":true}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=0
--- more_headers
Content-Type: application/json
--- error_code_like eval
'^50[23]$'
--- response_headers eval
problem_headers()
--- response_body_like eval
one_of(problem(502, 'playfab_bad_reply'), problem(503, 'playfab_unavailable'))
--- no_error_log
[alert]
[crit]



=== TEST 52: a title token refused once (HTTP 401) is replaced and RequestPartyService sent once more
--- playfab_emulator
{"faults":{"RequestPartyService":{"times":1,"status":401,"envelope":{"code":401,"status":"Unauthorized","error":"EntityTokenExpired","errorCode":1336,"errorMessage":"expired"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=2 RequestPartyService=2 tokens_issued=2 token_index/RequestPartyService=2
--- more_headers
Content-Type: application/json
--- response_body_like eval
qr/\A\{"PartyId":"[0-9a-f-]{36}","InvitationId":"[0-9a-f-]{36}","SerializedNetworkDescriptor":"[A-Za-z0-9+\/]+=*"\}\z/
--- error_log eval
qr/\[warn\] .*playfab: .*RequestPartyService/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 53: a title token refused every time is 502 playfab_configuration after exactly two calls of each
--- playfab_emulator
{"faults":{"RequestPartyService":{"status":401,"envelope":{"code":401,"status":"Unauthorized","error":"EntityTokenExpired","errorCode":1336,"errorMessage":"expired"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=2 RequestPartyService=2 tokens_issued=2
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(502, 'playfab_configuration')
--- error_log eval
qr/\[error\] .*playfab: .*RequestPartyService/
--- no_error_log
[alert]
[crit]



=== TEST 54: EntityTokenInvalid (1335) with HTTP 400 is a token refusal too: new token, one more call, 200
--- playfab_emulator
{"faults":{"RequestPartyService":{"times":1,"envelope":{"code":400,"status":"BadRequest","error":"EntityTokenInvalid","errorCode":1335,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=2 RequestPartyService=2 tokens_issued=2
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like eval
qr/\A\{"PartyId":"[0-9a-f-]{36}","InvitationId":"[0-9a-f-]{36}","SerializedNetworkDescriptor":"[A-Za-z0-9+\/]+=*"\}\z/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 55: EntityTokenRevoked (1337) with HTTP 400 every time is 502 playfab_configuration after two calls of each
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"EntityTokenRevoked","errorCode":1337,"errorMessage":"emulated"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=2 RequestPartyService=2 tokens_issued=2
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(502, 'playfab_configuration')
--- error_log eval
qr/\[error\] .*playfab: .*RequestPartyService/
--- no_error_log
[alert]
[crit]



=== TEST 56: a title token revoked between two requests is replaced: the second request still gets 200
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /emu/revoke",
 "POST /v1/party\n" . party_body()]
--- playfab_calls: GetEntityToken=2 RequestPartyService=3 tokens_issued=2 token_index/RequestPartyService=2
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/\A\{"PartyId":"[0-9a-f-]{36}"/, qr/\Aok\n\z/, qr/\A\{"PartyId":"[0-9a-f-]{36}"/]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 57: a title token PlayFab says has expired early is replaced: the second request still gets 200
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /emu/expire",
 "POST /v1/party\n" . party_body()]
--- playfab_calls: GetEntityToken=2 RequestPartyService=3 tokens_issued=2
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/\A\{"PartyId":"[0-9a-f-]{36}"/,
 qr/\Aok\n\z/,
 qr/\A\{"PartyId":"[0-9a-f-]{36}"/]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 58: a request that waits in vain for another request's GetEntityToken is 503 token_wait_timeout, logged at error
/race mirrors its request to /v1/party, which takes the fetch lease for
10 s while GetEntityToken takes 3 s; 200 ms later (the auth_request to
the emulator's sleep), it is sent to /v1/party-impatient, with
playfab_token_wait 300ms, which waits for that fetch and gives up.
--- skip_eval: 8: PlayfabTest::lacks_module('http_auth_request_module')
--- playfab_emulator
{"faults":{"GetEntityToken":{"delay_ms":3000}}}
--- config
    location = /race {
        mirror /hold;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/v1/party-impatient;
    }
    location = /hold {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/v1/party;
    }
    location = /v1/party {
        playfab_auth off;
        playfab_token_wait 10s;
        playfab_party;
    }
    location = /v1/party-impatient {
        auth_request /delay;
        playfab_auth off;
        playfab_token_wait 300ms;
        playfab_party;
    }
    location = /delay {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/sleep?ms=200;
        proxy_pass_request_body off;
        proxy_set_header Content-Length "";
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        proxy_read_timeout 5s;
    }
--- request eval
"POST /race\n" . party_body()
--- playfab_calls: GetEntityToken=1
--- more_headers
Content-Type: application/json
--- timeout: 6
--- error_code: 503
--- response_headers eval
problem_headers()
--- response_body_like eval
problem(503, 'token_wait_timeout')
--- error_log eval
qr/\[error\] .*playfab: no title token after waiting 300 ms for another request's GetEntityToken/
--- no_error_log
[alert]
[crit]
