# playfab_status: counters of all workers in the Prometheus text format.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

# The whole body must follow the exposition format 0.0.4: HELP and TYPE
# comments, then samples "name{label="value",...} number", nothing else.
our $Exposition = qr/\A(?:(?:# HELP [a-z_]+ [^\n]+|# TYPE [a-z_]+ (?:counter|gauge|histogram)|[a-z_]+(?:\{[a-z_]+="[^"\\\n]*"(?:,[a-z_]+="[^"\\\n]*")*\})? (?:\d+(?:\.\d+)?|\+Inf))\n)+\z/;

sub Test::Base::Filter::exposition { $Exposition }

workers(2);
master_on();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the scrape is valid exposition format and counts what happened
One success, one invalid body and one refused caller; two scrapes: the
format, then the values (lookaheads, order-free).
--- user_files eval
">>> keys\n" . api_key_line('backend', 'k-1')
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
    location = /metrics {
        playfab_status;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party\n{\"PreferredRegions\":[\"Mars\"]}",
 "GET /metrics", "GET /metrics"]
--- more_headers
Content-Type: application/json
X-API-Key: k-1
--- error_code eval
[200, 400, 200, 200]
--- response_headers_like eval
["", "", "Content-Type: text/plain; version=0\\.0\\.4; charset=utf-8", ""]
--- response_body_like eval
[qr/PartyId/, qr/invalid_value/, exposition(),
 qr/(?=.*^playfab_party_requests_total\{code="ok"\} 1$)(?=.*^playfab_party_requests_total\{code="invalid_value"\} 1$)(?=.*^playfab_party_responses_total\{status="200"\} 1$)(?=.*^playfab_party_responses_total\{status="400"\} 1$)(?=.*^playfab_api_calls_total\{operation="GetEntityToken",result="ok"\} 1$)(?=.*^playfab_api_calls_total\{operation="RequestPartyService",result="ok"\} 1$)(?=.*^playfab_title_token_events_total\{event="fetch"\} 1$)(?=.*^playfab_api_duration_seconds_count\{operation="RequestPartyService"\} 1$)(?=.*^playfab_api_duration_seconds_bucket\{operation="RequestPartyService",le="\+Inf"\} 1$)(?=.*^playfab_zone_bytes\{state="free"\} [1-9]\d*$)/ms]
--- no_error_log
[error]



=== TEST 2: auth failures, PlayFab errors and cache hits are counted by label
--- playfab_emulator
{"faults": {"RequestPartyService": {"times": 1, "status": 400,
  "envelope": {"code": 400, "status": "BadRequest", "error": "PartyBadRequest", "errorCode": 1434, "errorMessage": "no"}}}}
--- user_files eval
">>> keys\n" . api_key_line('backend', 'k-1')
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
    location = /metrics {
        playfab_status;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body(),
 "GET /metrics"]
--- more_headers
Content-Type: application/json
X-API-Key: k-1
--- error_code eval
[400, 200, 200]
--- response_body_like eval
[qr/playfab_rejected/, qr/PartyId/,
 qr/(?=.*^playfab_api_errors_total\{operation="RequestPartyService",error_code="1434"\} 1$)(?=.*^playfab_api_calls_total\{operation="RequestPartyService",result="error"\} 1$)(?=.*^playfab_title_token_events_total\{event="hit"\} 1$)(?=.*^playfab_party_requests_total\{code="playfab_rejected"\} 1$)/ms]



=== TEST 3: refused callers are counted by method and reason
--- user_files eval
">>> keys\n" . api_key_line('backend', 'k-1')
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
    location = /metrics {
        playfab_status;
    }
--- request eval
["POST /v1/party\n" . party_body(), "GET /metrics"]
--- more_headers
Content-Type: application/json
X-API-Key: wrong
--- error_code eval
[401, 200]
--- response_body_like eval
[qr/unauthorized/,
 qr/(?=.*^playfab_auth_failures_total\{method="api_key",reason="invalid"\} 1$)(?=.*^playfab_auth_failures_total\{method="api_key",reason="missing"\} 0$)/ms]



=== TEST 4: playfab_status without a zone fails nginx -t
--- http_config
--- config
    location = /metrics {
        playfab_status;
    }
--- must_die
--- error_log
"playfab_status" requires "playfab_zone"



=== TEST 5: the page spans several of its 4 KB buffers and arrives whole, with its length; HEAD gives the length only
--- config
    location = /metrics {
        playfab_status;
    }
--- request eval
["GET /metrics", "GET /metrics", "HEAD /metrics"]
--- error_code eval
[200, 200, 200]
--- response_headers_like eval
# an absent header is read as empty: "Transfer-Encoding:" matches only
# that (nginx sends no empty one); the page is not chunked
[("Content-Length: [1-9]\\d{4}\nTransfer-Encoding:") x 3]
--- response_body_like eval
[exposition(),
 qr/\A# HELP playfab_party_requests_total .{8192,}\nplayfab_zone_bytes\{state="free"\} [1-9]\d*\n.*\nplayfab_zone_evictions_total\{kind="idempotency"\} 0\n\z/s,
 qr/\A\z/]
--- no_error_log
[error]
[alert]
