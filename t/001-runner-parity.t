# Holds the runner to openresty's Test::Nginx::Socket: small test files,
# written here, run under whichever Test::Nginx::Socket comes first in
# PERL5LIB (ours, t/lib/runner, under ./build.sh test; openresty's with
# TEST_NGINX_LIB=...), and their TAP output is checked test by test.
# Each case is a feature the suite relies on; the expectations are what
# openresty's runner does. Where ours is deliberately stricter (it dies
# where openresty's ignores a mistake), the case says what each does.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Path qw(make_path remove_tree);
use Test::More;

my $Dir = abs_path('t') . '/servroot_parity';
remove_tree($Dir);
make_path($Dir);

my $Runner = qx{$^X -MTest::Nginx::Socket -e 'print \$INC{"Test/Nginx/Socket.pm"}'};
my $Ours = $Runner =~ m{(?:\A|/)t/lib/runner/Test/Nginx/Socket\.pm\z} ? 1 : 0;
diag('runner: ' . ($Ours ? 'ours' : 'openresty') . " ($Runner)");

# Runs SCRIPT (the text of a .t file) and returns its exit status and
# TAP: { ok => [names], not_ok => [names], skip => [names], out => text }.
sub run_child {
    my ($name, $script, %env) = @_;
    my $file = "$Dir/$name.t";
    open my $fh, '>', $file or die "$file: $!";
    print $fh $script;
    close $fh;
    local $ENV{TEST_NGINX_SERVROOT} = "$Dir/$name";
    local @ENV{ keys %env } = values %env;
    my $out = qx{$^X $file 2>&1};
    my %tap = (status => $? >> 8, out => $out, ok => [], not_ok => [],
        skip => []);
    for my $line (split /\n/, $out) {
        if ($line =~ /^ok \d+ - (.*?)(?: # skip.*)?$/) {
            push @{ $tap{ $line =~ /# skip/ ? 'skip' : 'ok' } }, $1;
        }
        elsif ($line =~ /^ok \d+ # skip (.*)$/) {
            push @{ $tap{skip} }, $1;
        }
        elsif ($line =~ /^not ok \d+ - (.*)$/) {
            push @{ $tap{not_ok} }, $1;
        }
    }
    return \%tap;
}

sub count {
    my ($list, $re) = @_;
    return scalar grep { /$re/ } @$list;
}

my $Head = <<'_EOT_';
use Test::Nginx::Socket 'no_plan';
no_shuffle();
run_tests();
__DATA__
_EOT_

my $Locations = <<'_EOC_';
--- config
    location = /ok { return 200 "ok\n"; }
_EOC_


# error_log and no_error_log are checked after each request of an
# array, against what nginx logged since the previous check.
my $tap = run_child('per-request-log', $Head . <<'_EOT_' . $Locations . <<'_EOT_');

=== TEST 1: each request its own slice of the log
_EOT_
--- request eval
["GET /missing-a", "GET /missing-b"]
--- error_code eval
[404, 404]
--- error_log
/missing-a" failed
--- no_error_log
/missing-b" failed
_EOT_
is(count($tap->{ok}, qr/"\/missing-a" failed" matches/), 1,
    'error_log: the first request logged the pattern (pass)');
is(count($tap->{not_ok}, qr/"\/missing-a" failed" should match/), 1,
    'error_log: the second request did not (fail)');
is(count($tap->{ok}, qr/missing-b.* does not match/), 1,
    'no_error_log: the first request did not log the pattern (pass)');
is(count($tap->{not_ok}, qr/missing-b.* should not match/), 1,
    'no_error_log: the second request did (fail)');
is(count($tap->{ok}, qr/status code ok/), 2, 'two status checks');
is(@{ $tap->{ok} } + @{ $tap->{not_ok} }, 6,
    'six tests: nothing more (no extra per-block test)');


# repeat_each: the requests are sent again to the same nginx; the
# start-up lines are in the first repetition's slice only.
$tap = run_child('repeat-log', <<'_EOT_' . $Locations . <<'_EOT_');
use Test::Nginx::Socket 'no_plan';
repeat_each(2);
run_tests();
__DATA__

=== TEST 1: start-up lines are seen once
_EOT_
--- request
GET /ok
--- error_log
using the "epoll" event method
--- response_body
ok
_EOT_
is(count($tap->{ok}, qr/event method" matches a line in error\.log \(req 0\)/),
    1, 'repetition 0 sees the start-up line');
is(count($tap->{not_ok}, qr/event method" should match a line in error\.log \(req 1\)/),
    1, 'repetition 1 does not');
is(count($tap->{ok}, qr/response is expected \(repeated req 1, req 0\)/), 1,
    'the body is checked in each repetition');


# Several requests want arrays of expected values.
$tap = run_child('arrays', $Head . <<'_EOT_' . $Locations . <<'_EOT_');

=== TEST 1: a scalar error_code for two requests
_EOT_
--- request eval
["GET /ok", "GET /ok"]
--- error_code: 200
_EOT_
like($tap->{out}, qr/Bail out!.*You asked for many requests, the expected results should be arrays/,
    'a plain expected value for several requests bails out');


# Sections are used as Test::Base gives them: no chomp, no expansion of
# $TEST_NGINX_* in request, more_headers, response_body_like, error_log.
$tap = run_child('literal', $Head . <<'_EOT_');

=== TEST 1: a pattern on its own line keeps its newline
--- config
    location = /t { return 200 "ok"; }
--- request
GET /t
--- response_body_like
^ok$

=== TEST 2: an inline pattern has none
--- config
    location = /t { return 200 "ok"; }
--- request
GET /t
--- response_body_like: ^ok$

=== TEST 3: $TEST_NGINX_ in request and error_log is literal text
--- config
    location ~ TEST_NGINX { return 200 "$uri $http_x_port\n"; }
--- request
GET /$TEST_NGINX_SERVER_PORT
--- more_headers
X-Port: $TEST_NGINX_SERVER_PORT
--- response_body_like: ^/\$TEST_NGINX_SERVER_PORT \$TEST_NGINX_SERVER_PORT$
--- error_log
"/$TEST_NGINX_SERVER_PORT"
_EOT_
is(count($tap->{not_ok}, qr/TEST 1: .*response_body_like/), 1,
    'response_body_like on its own line needs the newline');
is(count($tap->{ok}, qr/TEST 2: .*response_body_like/), 1,
    'the inline form matches');
is(count($tap->{ok}, qr/TEST 3: .* - response_body_like - response is expected \(\/\$TEST_NGINX_SERVER_PORT \$TEST_NGINX_SERVER_PORT\)$/),
    1, "the test's name quotes the body, trimmed, on one line");
is(count($tap->{ok}, qr/TEST 3: .*response_body_like/), 1,
    'request and more_headers are sent as written');
is(count($tap->{ok}, qr/TEST 3: .*TEST_NGINX_SERVER_PORT"" matches/), 1,
    'the error_log pattern is not expanded');


# A block's default status is 200, checked; must_die runs once per
# repetition; skip_eval skips N tests per repetition.
$tap = run_child('counts', <<'_EOT_');
use Test::Nginx::Socket 'no_plan';
repeat_each(2);
no_shuffle();
run_tests();
__DATA__

=== TEST 1: nothing but a request
--- config
    location = /ok { return 200 "ok\n"; }
--- request
GET /ok

=== TEST 2: a bad config
--- config
    location = /ok { return; }
--- must_die

=== TEST 3: skipped
--- skip_eval: 3: 1
--- config
    location = /ok { return 200; }
--- request
GET /ok
_EOT_
is(count($tap->{ok}, qr/TEST 1: nothing but a request - status code ok/), 2,
    'a status check per repetition, and no other test');
is(count($tap->{ok}, qr/TEST 2: a bad config - die as expected/), 2,
    'must_die: nginx runs and dies once per repetition');
is(@{ $tap->{skip} }, 6, 'skip_eval: N tests skipped per repetition');
is(@{ $tap->{not_ok} }, 0, 'nothing failed');


# --- ONLY runs one block, --- SKIP leaves one out (Test::Base's).
$tap = run_child('only-skip', $Head . <<'_EOT_');

=== TEST 1: left out
--- config
    location = /ok { return 200; }
--- request
GET /ok
--- SKIP

=== TEST 2: run
--- config
    location = /ok { return 200; }
--- request
GET /ok

=== TEST 3: run
--- config
    location = /ok { return 200; }
--- request
GET /ok
_EOT_
is_deeply([ map { /(TEST \d)/ } @{ $tap->{ok} } ], [ 'TEST 2', 'TEST 3' ],
    '--- SKIP: the block is not run');
$tap = run_child('only', $Head . <<'_EOT_');

=== TEST 1: left out
--- config
    location = /ok { return 200; }
--- request
GET /ok

=== TEST 2: the only one
--- config
    location = /ok { return 200; }
--- request
GET /ok
--- ONLY
_EOT_
is_deeply([ map { /(TEST \d)/ } @{ $tap->{ok} } ], [ 'TEST 2' ],
    '--- ONLY: only that block runs');


# Blocks run in a random order unless no_shuffle() or
# TEST_NGINX_NO_SHUFFLE (8 blocks: in file order by chance 1 in 40320).
my $Blocks = join '', map { <<"_EOT_" } 1 .. 8;

=== TEST $_: block $_
--- config
    location = /ok { return 200; }
--- request
GET /ok
_EOT_
my @Order = map { "TEST $_" } 1 .. 8;
$tap = run_child('shuffle', "use Test::Nginx::Socket 'no_plan';\n"
    . "run_tests();\n__DATA__\n" . $Blocks);
my @got = map { /(TEST \d)/ } @{ $tap->{ok} };
is_deeply([ sort @got ], \@Order, 'shuffled: every block runs');
ok("@got" ne "@Order", 'shuffled: not in file order');
$tap = run_child('no-shuffle-env', "use Test::Nginx::Socket 'no_plan';\n"
    . "run_tests();\n__DATA__\n" . $Blocks, TEST_NGINX_NO_SHUFFLE => 1);
is_deeply([ map { /(TEST \d)/ } @{ $tap->{ok} } ], \@Order,
    'TEST_NGINX_NO_SHUFFLE=1: file order');


# An unset $TEST_NGINX_ variable in a config bails out; the runner
# defines TEST_NGINX_SERVER_PORT and TEST_NGINX_SERVER_ROOT, not
# TEST_NGINX_HTML_DIR.
$tap = run_child('env', $Head . <<'_EOT_');

=== TEST 1: server root and port
--- config
    location = /t { return 200 "$TEST_NGINX_SERVER_ROOT $TEST_NGINX_SERVER_PORT\n"; }
--- request
GET /t
--- response_body_like: servroot_parity/env \d+$

=== TEST 2: no html dir variable
--- config
    location = /t { alias $TEST_NGINX_HTML_DIR/index.html; }
--- request
GET /t
_EOT_
is(count($tap->{ok}, qr/TEST 1: .*response_body_like/), 1,
    'TEST_NGINX_SERVER_ROOT and TEST_NGINX_SERVER_PORT are defined');
like($tap->{out}, qr/Bail out!.*No environment TEST_NGINX_HTML_DIR defined/,
    'TEST_NGINX_HTML_DIR is not');


# Block preprocessors: the last one added runs first.
$tap = run_child('preprocessors', <<'_EOT_');
use Test::Nginx::Socket 'no_plan';
add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(config => $block->config =~ s/";/ first";/r);
});
add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(config => $block->config =~ s/";/ second";/r);
});
run_tests();
__DATA__

=== TEST 1: order
--- config
    location = /t { return 200 "ran:"; }
--- request
GET /t
--- response_body: ran: second first
_EOT_
is(count($tap->{ok}, qr/TEST 1: order - response_body - response is expected/),
    1, 'the preprocessor added last ran first');

# Mistakes openresty's runner lets through and ours refuses.
$tap = run_child('unknown-section', $Head . <<'_EOT_');

=== TEST 1: a typo in a section name
--- config
    location = /ok { return 404; }
--- request
GET /ok
--- eror_code: 404
_EOT_
if ($Ours) {
    like($tap->{out}, qr/unknown section --- eror_code/,
        'ours: an unknown section dies');
    isnt($tap->{status}, 0, 'ours: with a failing status');
}
else {
    is(count($tap->{not_ok}, qr/status code ok/), 1,
        'openresty: the section is ignored (200 expected, 404 got)');
}

$tap = run_child('both-body-checks', $Head . <<'_EOT_');

=== TEST 1: like and unlike together
--- config
    location = /ok { return 200 "ok\n"; }
--- request
GET /ok
--- response_body_like: ok
--- response_body_unlike: ok
_EOT_
if ($Ours) {
    like($tap->{out}, qr/Bail out!.*checks only --- response_body_like/,
        'ours: response_body_like with response_body_unlike bails out');
}
else {
    is(count($tap->{ok}, qr/response_body_like/), 1,
        'openresty: only response_body_like is checked');
    is(count($tap->{ok}, qr/response_body_unlike/)
        + count($tap->{not_ok}, qr/response_body_unlike/), 0,
        'openresty: response_body_unlike is ignored');
}

$tap = run_child('no-config', $Head . <<'_EOT_');

=== TEST 1: with a config
--- config
    location = /ok { return 200; }
--- request
GET /ok

=== TEST 2: without
--- request
GET /ok
_EOT_
if ($Ours) {
    like($tap->{out}, qr/TEST 2: without - no --- config section/,
        'ours: a block without a config dies');
}
else {
    is(count($tap->{ok}, qr/TEST 2: without - status code ok/), 1,
        "openresty: the block runs on the previous block's nginx");
}

remove_tree($Dir) if Test::More->builder->is_passing;
done_testing();
