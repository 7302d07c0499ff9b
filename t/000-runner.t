# Self-test of the test runner (openresty's Test::Nginx::Socket or ours
# under t/lib/runner), using stock nginx features only: every block
# passes under both.  t/001-runner-parity.t checks what must fail.

use Test::Nginx::Socket 'no_plan';

repeat_each(2);
workers(2);
master_on();
no_shuffle();
no_long_string();
log_level('info');
env_to_nginx('RUNNER_SELFTEST=1');

# A block with a --- greeting section (unknown to the runner) gets a
# config that returns it.
add_block_preprocessor(sub {
    my $block = shift;
    my $greeting = $block->greeting;
    return unless defined $greeting;
    chomp $greeting;
    $block->set_value(config =>
        "location = /greet { return 200 \"$greeting\\n\"; }");
});

run_tests();

__DATA__

=== TEST 1: plain return, headers and body
--- config
    location = /t {
        add_header X-Runner yes;
        return 200 "hello\n";
    }
--- request
GET /t
--- response_headers
X-Runner: yes
Content-Type: text/plain
!X-Missing
--- response_body
hello
--- no_error_log
[error]
[warn]



=== TEST 2: error_code and response_body_like
--- config
    location = /gone { return 410; }
--- request
GET /gone
--- error_code: 410
--- response_body_like: 410 Gone
--- response_headers_like
Content-Type: text/\w+
Server: nginx/[\d.]+



=== TEST 3: user_files served by the root location
--- config
--- user_files
>>> hello.txt
Hello, world
>>> sub/dir/deep.html
<p>deep</p>
--- request eval
["GET /hello.txt", "GET /sub/dir/deep.html"]
--- response_body eval
["Hello, world\n", "<p>deep</p>\n"]
--- response_headers eval
["Content-Length: 13", "Content-Length: 12"]



=== TEST 4: missing file logs an error
--- config
--- request
GET /missing.txt
--- error_code: 404
--- error_log
/missing.txt" failed (2: No such file or directory)
--- no_error_log
[alert]



=== TEST 5: POST body reaches the backend, $TEST_NGINX_SERVER_PORT expanded in config
--- config
    location = /post {
        client_body_in_single_buffer on;
        proxy_set_header X-Body $request_body;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/echo;
    }
    location = /echo {
        return 200 "$request_method $http_content_length $http_x_body\n";
    }
--- request
POST /post
{"a":1}
--- more_headers
X-API-Key: abc
--- response_body
POST 7 {"a":1}



=== TEST 6: more_headers, empty POST and HEAD, one block
--- config
    location = /h {
        return 200 "key=$http_x_api_key\n";
    }
--- request eval
["GET /h", "POST /h", "HEAD /h"]
--- more_headers
X-API-Key: abc

# comments and blank lines are ignored
--- error_code eval
[200, 200, 200]
--- response_body eval
["key=abc\n", "key=abc\n", ""]



=== TEST 7: several requests with different status codes
--- config
    location = /a { return 200 "a\n"; }
    location = /b { return 403; }
    location = /c { return 302 /a; }
--- request eval
["GET /a", "GET /b", "GET /c"]
--- error_code eval
[200, 403, 302]
--- response_headers eval
["!Location", "!Location",
 "Location: http://localhost:$ENV{TEST_NGINX_SERVER_PORT}/a"]
--- response_body_like eval
[qr/^a$/, qr/403 Forbidden/, qr/302 Found/]



=== TEST 8: raw_request is sent verbatim
--- config
    location = /raw { return 200 "$server_protocol $http_x_raw\n"; }
--- raw_request eval
"GET /raw HTTP/1.0\r\nX-Raw: 1\r\n\r\n"
--- response_body
HTTP/1.0 1



=== TEST 9: chunked response is decoded
--- config
    location = /chunked {
        ssi on;
        ssi_types *;
        return 200 "the cat sat<!--# echo var=\"uri\" -->\n";
    }
--- request
GET /chunked
--- response_headers
Transfer-Encoding: chunked
!Content-Length
--- response_body
the cat sat/chunked



=== TEST 10: main_config, http_config, log_level and wait
--- main_config
    worker_rlimit_nofile 1024;
--- http_config
    map $uri $runner_mapped {
        default "mapped";
    }
--- config
    location = /m {
        return 200 "$runner_mapped\n";
    }
--- log_level: debug
--- request
GET /m
--- wait: 0.1
--- response_body
mapped
--- error_log eval
qr/\[debug\] \d+#\d+: /



=== TEST 11: preprocessor builds the config from a custom section
--- greeting
howdy
--- request
GET /greet
--- response_body
howdy



=== TEST 12: bad directive makes nginx die
--- config
    location = /t {
        return a b c;
    }
--- request
GET /t
--- must_die
--- error_log
invalid number of arguments in "return" directive
--- no_error_log
[error]



=== TEST 13: skipped block is not run
--- SKIP
--- config
    location = /t { return 200 "x\n"; }
--- request
GET /t
--- response_body
not what nginx returns



=== TEST 14: skip_eval skips the block when its code is true
--- skip_eval: 3: 1 + 1 == 2
--- config
    location = /t { return 200 "x\n"; }
--- request
GET /t
--- response_body
not what nginx returns



=== TEST 15: skip_eval runs the block when its code is false
--- skip_eval: 3: 1 + 1 == 3
--- config
    location = /t { return 200 "x\n"; }
--- request
GET /t
--- response_body
x
