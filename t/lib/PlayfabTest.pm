package PlayfabTest;

use strict;
use warnings;

use Cwd qw(abs_path);
use Digest::SHA qw(sha256_hex);
use Exporter ();
use File::Basename qw(dirname);
use IO::Socket::INET ();
use JSON::PP ();
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);

our @ISA    = qw(Exporter);
our @EXPORT = qw(party_body api_key_line);

# The repository root is the parent of t/.
my $Root     = abs_path(dirname(abs_path(__FILE__)) . '/../..');
my $Emulator = "$Root/t/lib/playfab_emulator.py";
my $Module   = "$Root/build/nginx/objs/ngx_http_playfab_party_module.so";

# "nginx -V" of the binary under test, read once.
my $NginxV;

# Seconds the emulator gets to start listening, and to exit on SIGTERM.
my $StartTimeout = 10;
my $StopTimeout  = 5;

# The emulator child, and the process that started it: a fork of the
# test script (Test::Nginx forks) must not stop it from its END block.
my ($EmulatorPid, $OwnerPid);

my $Initialized;

# http-level directives for blocks without an http_config section.
my $HttpConfig = <<'_EOC_';
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
_EOC_

# nginx clears its environment: the secret must be passed explicitly.
my $EnvLine = "env TEST_NGINX_PLAYFAB_SECRET;\n";

# server-level locations every block gets, unless it defines them itself.
my @Locations = (
    [ '/_playfab/' => <<'_EOC_' ],
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        subrequest_output_buffer_size 64k;
    }
_EOC_
    [ '/emu/' => <<'_EOC_' ],
    location /emu/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/;
    }
_EOC_
);


sub import {
    my $class = shift;
    unless ($Initialized++) {
        register_preprocessor();
        set_environment();
        start_emulator();
        export_to_eval_sections();
    }
    $class->Exporter::export_to_level(1, $class, @_);
}


END {
    local $?;    # the test script's exit status
    stop_emulator();
}


#----------------------------------------------------------------------
# Environment and emulator process
#----------------------------------------------------------------------

sub set_environment {
    $ENV{TEST_NGINX_EMU_PORT} ||= 1985;
    # the second server of "--- fan_out_server", next to the test port
    # (and the emulator's, one above it): runs on other ports never
    # share it
    $ENV{TEST_NGINX_FANOUT_PORT}
        ||= ($ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT} || 1984)
            + 6;
    $ENV{TEST_NGINX_PLAYFAB_SECRET} //= 'emu-secret-key';
    $ENV{TEST_NGINX_PLAYFAB_TITLE}  //= 'EMU01';
    # Test::Nginx defines the server root, not a variable for its html
    # directory, where user_files are written: the blocks name it so.
    $ENV{TEST_NGINX_HTML_DIR} = "$ENV{TEST_NGINX_SERVER_ROOT}/html";
    if (!defined $ENV{TEST_NGINX_LOAD_MODULES} && -f $Module
        && !built_in())
    {
        $ENV{TEST_NGINX_LOAD_MODULES} = $Module;
        # CPAN's Test::Nginx::Util copied the variable when it was loaded
        no warnings 'once';
        $Test::Nginx::Util::LoadModules = $Module;
    }
}


# The binary under test was configured with --add-module= this checkout:
# the module is built in, there is nothing to load.
sub built_in {
    for my $dir (nginx_v() =~ /--add-module=(\S+)/g) {
        my $path = abs_path($dir);
        return 1 if defined $path && $path eq $Root;
    }
    return 0;
}


# For a block's "--- skip_eval": true, with a note saying why, when the
# binary under test was built without nginx's module NAME (for example
# http_auth_request_module, which nginx builds only when configured
# --with-http_auth_request_module).
sub lacks_module {
    my ($name) = @_;
    return 0 if nginx_v() =~ /--with-\Q$name\E(?:\s|\z)/;
    Test::More::diag("skipped: needs ngx_$name, which "
        . nginx_binary() . " was built without");
    return 1;
}


sub nginx_binary {
    return $ENV{TEST_NGINX_BINARY} || 'nginx';
}


sub nginx_v {
    return $NginxV if defined $NginxV;
    my $binary = nginx_binary();
    $NginxV = qx{"$binary" -V 2>&1} // '';
    return $NginxV;
}


sub start_emulator {
    my $port = $ENV{TEST_NGINX_EMU_PORT};
    if (emulator_listening($port)) {
        Test::More::diag("PlayfabTest: using the emulator already"
            . " listening on port $port");
        return;
    }

    my $pid = fork;
    die "PlayfabTest: fork() failed: $!\n" unless defined $pid;
    if ($pid == 0) {
        open STDOUT, '>', '/dev/null';    # the "listening" line
        exec 'python3', $Emulator, '--listen', "127.0.0.1:$port",
            '--secret', $ENV{TEST_NGINX_PLAYFAB_SECRET},
            '--title-id', $ENV{TEST_NGINX_PLAYFAB_TITLE},
            '--quiet', '--exit-with-parent'
            or print STDERR "PlayfabTest: cannot run python3: $!\n";
        POSIX::_exit(127);
    }
    ($EmulatorPid, $OwnerPid) = ($pid, $$);
    wait_for_emulator($port);
}


sub wait_for_emulator {
    my ($port) = @_;
    my $deadline = time + $StartTimeout;
    until (emulator_listening($port)) {
        if (waitpid($EmulatorPid, WNOHANG) == $EmulatorPid) {
            undef $EmulatorPid;
            die "PlayfabTest: the emulator exited (wait status $?)"
                . " before listening on 127.0.0.1:$port\n";
        }
        die "PlayfabTest: the emulator is not listening on"
            . " 127.0.0.1:$port after $StartTimeout s\n"
            if time > $deadline;
        sleep 0.05;
    }
}


sub emulator_listening {
    my ($port) = @_;
    my $sock = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $port,
        Proto    => 'tcp',
    ) or return 0;
    close $sock;
    return 1;
}


sub stop_emulator {
    return unless $EmulatorPid && $OwnerPid == $$;
    kill 'TERM', $EmulatorPid;
    my $deadline = time + $StopTimeout;
    until (waitpid($EmulatorPid, WNOHANG)) {
        if (time > $deadline) {
            kill 'KILL', $EmulatorPid;
            waitpid($EmulatorPid, 0);
            last;
        }
        sleep 0.05;
    }
    undef $EmulatorPid;
}


#----------------------------------------------------------------------
# The block preprocessor
#----------------------------------------------------------------------

# Test::Base compiles "--- xxx eval" sections in this package.
sub export_to_eval_sections {
    no strict 'refs';
    for my $name (@EXPORT) {
        *{"Test::Base::Filter::$name"} = \&$name
            unless defined &{"Test::Base::Filter::$name"};
    }
}


sub register_preprocessor {
    my $add = Test::Nginx::Socket->can('add_block_preprocessor')
        or die "PlayfabTest: use Test::Nginx::Socket before PlayfabTest\n";
    $add->(\&prepare_block);
    Test::Nginx::Socket::add_response_body_check(\&check_emulator);
}


# Runs just before each block: resets the emulator, then completes the
# block's nginx configuration.  Returns the block, as some Test::Nginx
# versions use the preprocessor's return value as the block.
sub prepare_block {
    my ($block) = @_;
    # block accessors return () in list context for an absent section
    emulator_reset(scalar $block->playfab_emulator, $block->name);
    playfab_calls($block);
    emulator_checks($block);
    $block->set_value(http_config => $HttpConfig)
        unless defined $block->http_config;
    add_fan_out_server($block);
    add_env_line($block);
    add_locations($block);
    return $block;
}


# "--- playfab_calls: OP=N ...": what the emulator must have been asked
# since the block started (its /_emu/stats counters, tokens_issued and
# parties_allocated included; token_index/OP=N: the last OP call used
# the Nth title token issued), checked after the block's last request,
# in one test.  Returns { OP => N }, or undef without the section.
sub playfab_calls {
    my ($block) = @_;
    my $spec = $block->playfab_calls;
    return undef unless defined $spec;
    my %calls;
    for my $item (split ' ', $spec) {
        my ($op, $n) = $item =~ m{\A((?:token_index/)?\w+)=(\d+)\z}
            or die "PlayfabTest: " . $block->name . ": --- playfab_calls:"
                . " \"$item\" is not OP=N\n";
        $calls{$op} = $n;
    }
    die "PlayfabTest: " . $block->name . ": --- playfab_calls is empty\n"
        unless %calls;
    return \%calls;
}


# "--- playfab_emulator_check eval": [PATH => qr/.../, ...], where PATH
# is one of the emulator's GET control paths without /_emu/ (stats,
# count/OP, last/OP, headers/OP, token_index/OP): after the block's last
# request, each answer must match its regex, one test each.
sub emulator_checks {
    my ($block) = @_;
    my $checks = $block->playfab_emulator_check;
    return undef unless defined $checks;
    die "PlayfabTest: " . $block->name . ": --- playfab_emulator_check"
        . " must be an eval ARRAY of PATH => qr/.../ pairs\n"
        unless ref $checks eq 'ARRAY' && @$checks && @$checks % 2 == 0
            && !grep { ref $checks->[2 * $_ + 1] ne 'Regexp' }
                0 .. $#$checks / 2;
    return $checks;
}


# The response body check: after the last request of the block, in
# every repetition, what the emulator saw.
sub check_emulator {
    my ($block, $body, $index, $repetition, $dry_run) = @_;
    my $request = $block->raw_request // $block->request;
    my $requests = ref $request eq 'ARRAY' && !defined $block->raw_request
        ? @$request : 1;
    return if $index != $requests - 1;

    check_playfab_calls($block);
    my $checks = emulator_checks($block) or return;
    for (my $i = 0; $i < @$checks; $i += 2) {
        my ($path, $re) = @$checks[$i, $i + 1];
        my ($status, $text) = emulator_request('GET', "/_emu/$path", '');
        Test::More::like($text, $re, $block->name . " - the emulator's $path")
            or Test::More::diag("GET /_emu/$path: $status");
    }
}


sub check_playfab_calls {
    my ($block) = @_;
    my $calls = playfab_calls($block) or return;

    my ($status, $json) = emulator_request('GET', '/_emu/stats', '');
    my $stats = $status == 200 ? eval { JSON::PP->new->decode($json) } : undef;
    my %got = map { $_ => $stats ? $stats->{$_} // 0 : undef }
        grep { !m{/} } keys %$calls;
    for my $key (grep { m{/} } keys %$calls) {
        my ($code, $text) = emulator_request('GET', "/_emu/$key", '');
        $got{$key} = $code == 200 && $text =~ /\A(\d+)\n\z/ ? $1 : $text;
        $json .= "\n$key: $code $text";
    }
    my $spec = join ' ', map { "$_=$calls->{$_}" } sort keys %$calls;
    Test::More::is_deeply(\%got, $calls,
        $block->name . " - PlayFab calls $spec")
        or Test::More::diag("emulator stats: $status $json");
}


# "--- fan_out_server": a second server, listening with reuseport on
# $TEST_NGINX_FANOUT_PORT, added to the block's http_config: each new
# connection to it goes to either worker, so that requests the block
# proxies there spread over the workers.  The section holds its
# locations; empty, the party location /v1/party (playfab_auth off).
# The internal /_playfab/ location is added unless the section has one.
my $FanOutParty = <<'_EOC_';
        location = /v1/party {
            playfab_auth off;
            playfab_party;
        }
_EOC_

sub add_fan_out_server {
    my ($block) = @_;
    return unless $block->can('fan_out_server');
    my $locations = $block->fan_out_server;
    return unless defined $locations;
    $locations = $FanOutParty unless $locations =~ /\S/;
    $locations .= "\n" unless $locations =~ /\n\z/;
    my ($playfab) = map { $_->[1] } grep { $_->[0] eq '/_playfab/' }
        @Locations;
    $playfab =~ s/^/    /mg;
    $locations .= $playfab
        unless $locations =~ m{^\s*location\s+/_playfab/\s*\{}m;
    $block->set_value(http_config => $block->http_config
        . "\n    server {\n"
        . "        listen 127.0.0.1:\$TEST_NGINX_FANOUT_PORT reuseport;\n\n"
        . $locations . "    }\n");
}


sub add_env_line {
    my ($block) = @_;
    my $main = $block->main_config // '';
    return if $main =~ /^\s*env\s+TEST_NGINX_PLAYFAB_SECRET\s*;/m;
    $main .= "\n" if length $main && $main !~ /\n\z/;
    $block->set_value(main_config => $main . $EnvLine);
}


sub add_locations {
    my ($block) = @_;
    my $config = $block->config // '';
    for my $location (@Locations) {
        my ($path, $text) = @$location;
        $config .= $text unless $config =~ /^\s*location\s+\Q$path\E\s*\{/m;
    }
    $block->set_value(config => $config);
}


# POSTs $json (empty: "{}") to the emulator's /_emu/reset; dies, naming
# the block, with the emulator's answer if it refuses.
sub emulator_reset {
    my ($json, $name) = @_;
    $json = '{}' unless defined $json && $json =~ /\S/;
    my ($status, $body) = emulator_request('POST', '/_emu/reset', $json);
    die "PlayfabTest: $name: --- playfab_emulator refused:"
        . " $status $body\n"
        unless $status == 200;
}


# One request on a fresh connection -> (status, body).
sub emulator_request {
    my ($method, $path, $body) = @_;
    my $port = $ENV{TEST_NGINX_EMU_PORT};
    utf8::encode($body) if utf8::is_utf8($body);

    my $sock = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $port,
        Proto    => 'tcp',
        Timeout  => 10,
    ) or die "PlayfabTest: cannot connect to the emulator on port"
        . " $port: $@\n";
    print $sock "$method $path HTTP/1.1\r\n",
        "Host: 127.0.0.1:$port\r\n",
        "Content-Type: application/json\r\n",
        "Content-Length: ", length($body), "\r\n",
        "Connection: close\r\n\r\n", $body;
    my $reply = do { local $/; <$sock> } // '';
    close $sock;

    my ($status, $content) = $reply =~ m{\AHTTP/1\.\d (\d{3}) .*?\r\n\r\n(.*)\z}s
        or die "PlayfabTest: bad reply from the emulator: \"$reply\"\n";
    return ($status, $content);
}


#----------------------------------------------------------------------
# Helpers for the test files
#----------------------------------------------------------------------

sub party_body {
    my (%overrides) = @_;
    my $body = {
        PreferredRegions     => ['EastUs'],
        NetworkConfiguration => {
            MaxUsers                      => 8,
            MaxDevices                    => 8,
            MaxUsersPerDevice             => 1,
            MaxDevicesPerUser             => 1,
            MaxEndpointsPerDevice         => 4,
            DirectPeerConnectivityOptions => 'None',
        },
    };
    set_path($body, $_, $overrides{$_}) for sort keys %overrides;
    return JSON::PP->new->canonical->encode($body);
}


# set_path($hash, 'A.B.C', $value): $hash->{A}{B}{C} = $value, creating
# the objects on the way; an undef value deletes the key instead.
sub set_path {
    my ($hash, $path, $value) = @_;
    my @keys = split /\./, $path;
    my $last = pop @keys;
    $hash = $hash->{$_} //= {} for @keys;
    if (defined $value) {
        $hash->{$last} = $value;
    }
    else {
        delete $hash->{$last};
    }
}


sub api_key_line {
    my ($name, $key) = @_;
    return "$name " . sha256_hex($key) . "\n";
}


1;

__END__

=pod

=head1 NAME

PlayfabTest - PlayFab emulator and nginx configuration for the Test::Nginx
suites of ngx_http_playfab_party

=head1 SYNOPSIS

    use Test::Nginx::Socket 'no_plan';
    use lib 't/lib';
    use PlayfabTest;

    run_tests();

    __DATA__

    === TEST 1: a party is created
    --- playfab_emulator
    {"faults": {"GetEntityToken": {"delay_ms": 100}}}
    --- config
        location = /party {
            playfab_party;
        }
    --- request eval
    "POST /party\n" . party_body('NetworkConfiguration.MaxDevices' => 4)
    --- error_code: 200

=head1 DESCRIPTION

Loading the module prepares the environment, starts the PlayFab emulator
(F<t/lib/playfab_emulator.py>) and registers a block preprocessor, so that
test files only describe what is particular to each block. It works with
CPAN's Test::Nginx::Socket and with the project's runner in
F<t/lib/runner>; load Test::Nginx::Socket first.

=head2 Environment

Each variable keeps a value it already has:

    TEST_NGINX_EMU_PORT        1985: the emulator's port on 127.0.0.1
    TEST_NGINX_FANOUT_PORT     the test port + 6: the port of the
                               second server of --- fan_out_server
    TEST_NGINX_PLAYFAB_SECRET  emu-secret-key: the title secret key
    TEST_NGINX_PLAYFAB_TITLE   EMU01: the title id
    TEST_NGINX_HTML_DIR        the server root's html/, where user_files
                               are written (always set: Test::Nginx
                               defines only TEST_NGINX_SERVER_ROOT)
    TEST_NGINX_LOAD_MODULES    build/nginx/objs/ngx_http_playfab_party_module.so
                               (absolute), if that file exists and the
                               binary does not have the module built in

A binary has the module built in when its C<nginx -V> shows
C<--add-module=> this checkout; for a binary built otherwise with the
module in it, set C<TEST_NGINX_LOAD_MODULES> empty.

=head2 The emulator

It is started on import, with the secret and title above, and the import
waits until it accepts connections. It is stopped (SIGTERM, then SIGKILL)
from an END block of the process that started it, never from a fork.
It is started with C<--exit-with-parent>, so it also goes away when the
test script is killed before its END blocks run. If something already
listens on the port, that is taken to be an emulator started by hand (for
example without C<--quiet>, to watch its log) and is used as it is.

=head2 What each block gets

Before each block runs, the preprocessor:

=over 4

=item *

resets the emulator: POST F</_emu/reset> with the block's
C<--- playfab_emulator> section (JSON, see the emulator's docstrings;
empty or absent: C<{}>). Counters, recorded calls, issued tokens, player
tokens and faults start from scratch, so every block can assert exact
counts. A body the emulator refuses (bad JSON, unknown fault key) kills
the test script with the emulator's message.

=item *

without an C<--- http_config> section, sets it to the zone, title id and
secret key directives that every party location needs:

    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;

A block that needs other http-level directives writes all of its
http_config itself; an empty section means none.

=item *

appends C<env TEST_NGINX_PLAYFAB_SECRET;> to C<--- main_config> (unless
present), since nginx drops every environment variable not listed.

=item *

appends to C<--- config>, unless the block already has the same
C<location> line, the internal location the module's subrequests go to
(plain HTTP to the emulator instead of https://TITLE.playfabapi.com, with
the keepalive-friendly proxy settings of production), and C</emu/>, through
which a block's requests can drive the emulator's control API (C<POST
/emu/revoke>, C<POST /emu/expire>...; to read what it received, use the
sections below instead of a request):

    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        subrequest_output_buffer_size 64k;
    }
    location /emu/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/;
    }

=item *

with a C<--- fan_out_server> section, appends to the http_config (its
own, or the one above) a second server, listening with C<reuseport> on
C<$TEST_NGINX_FANOUT_PORT>: each new connection to it goes to either
worker, so that the requests a block proxies there (one by one, or all
at once with C<mirror>) spread over the workers of a C<workers(2)>
file. The section holds that server's locations; empty, the party
location below. The C</_playfab/> location above is added to it unless
the section has one.

    --- fan_out_server
    --- config
        location = /w {
            proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
        }

gives the second server

        location = /v1/party {
            playfab_auth off;
            playfab_party;
        }

=back

=head2 Sections it reads

Besides C<--- playfab_emulator> (above), two sections check what the
emulator received. Both are checked after the last request of the
block, in every C<repeat_each> round, directly against the emulator:
no extra request goes through nginx, so the block's C<--- error_log>
and C<--- no_error_log> checks see only its own requests.

=over 4

=item C<--- playfab_calls: OP=N ...>

One test: the emulator's counters since the block's reset are exactly
these. OP is an operation (C<GetEntityToken>, C<RequestPartyService>,
C<ValidateEntityToken>) or a counter of F</_emu/stats>
(C<tokens_issued>, C<parties_allocated>); C<token_index/OP=N> says that
the last OP call presented the Nth title token the emulator issued.
Counters not named are not checked.

    --- playfab_calls: GetEntityToken=1 RequestPartyService=2

=item C<--- playfab_emulator_check eval>

An array of C<PATH =E<gt> qr/.../> pairs; one test each: the emulator's
answer to C<GET /_emu/PATH> matches. PATH is one of C<stats>,
C<count/OP>, C<last/OP> (the last OP call: its headers and body, as
JSON), C<headers/OP> (the names of its headers, one a line),
C<token_index/OP>.

    --- playfab_emulator_check eval
    ['last/RequestPartyService' => qr/"PlayFabId":"matchmaker"/,
     'headers/GetEntityToken' => qr/^x-secretkey$/m]

=back

They run with the response's body checks, before C<--- wait>: to let
background work (a refresh, a mirror) finish before the counters are
read, end the block with a request that waits (C<GET /emu/sleep?ms=N>).

A file whose blocks count calls runs them with C<repeat_each(1)>, or
writes counts that hold after every round (they accumulate: the reset
is once per block).

The reset happens once per block, not once per C<repeat_each> round: the
rounds of a block share the emulator's state (and nginx's shared memory),
which is what lets a second round check that a cached token is reused.
With CPAN's Test::Nginx, the previous block's nginx is stopped only after
this reset; it makes no PlayFab calls by itself unless a test leaves
background work running.

=head1 FUNCTIONS

Exported by default into the test script and into Test::Base::Filter,
the package in which C<--- xxx eval> sections are compiled, so that they
can be called unqualified there.

=head2 party_body(%overrides)

A valid RequestPartyService request body (JSON, keys sorted):

    {"NetworkConfiguration":{"DirectPeerConnectivityOptions":"None",
     "MaxDevices":8,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,
     "MaxUsers":8,"MaxUsersPerDevice":1},"PreferredRegions":["EastUs"]}

Each override sets the value at a dotted path, creating objects on the
way; C<undef> deletes the key:

    party_body(PreferredRegions => ['WestUs', 'EastUs'],
               'NetworkConfiguration.MaxDevices' => 200,
               'NetworkConfiguration.MaxUsers' => undef,
               PlayFabId => 'F00')

=head2 api_key_line($name, $key)

A line of an API key file: C<"$name " . sha256_hex($key) . "\n">.

=head2 PlayfabTest::lacks_module($name)

Not exported; for a block's C<--- skip_eval>.  True, with a diagnostic
saying so, when the binary under test (C<TEST_NGINX_BINARY>) was not
configured C<--with-$name>; for a block that needs a module nginx does
not build by default:

    --- skip_eval: 21: PlayfabTest::lacks_module('http_auth_request_module')

=cut
