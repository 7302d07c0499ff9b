package Test::Nginx::Socket;

=pod

=head1 NAME

Test::Nginx::Socket - our runner of openresty's Test::Nginx data format

=head1 DESCRIPTION

An independent implementation, on L<Test::Base> and core Perl, of the
part of openresty's Test::Nginx::Socket (L<https://github.com/openresty/test-nginx>)
that this project's tests use, with the same semantics: a test file that
passes under one passes under the other, with the same tests.
F<./build.sh test> puts F<t/lib/runner> first in C<PERL5LIB>;
C<TEST_NGINX_LIB=/path/to/test-nginx/lib ./build.sh test> runs the same
files under openresty's. F<t/001-runner-parity.t> holds the two to the
same behaviour, feature by feature.

Anything this POD does not list is refused: an unknown section, a
section openresty's runner would ignore in favour of another, or a
setting this runner does not implement stops the run rather than pass
unchecked.

=head2 How a file runs

Blocks run in a random order unless the file calls C<no_shuffle()> or
C<TEST_NGINX_NO_SHUFFLE> is set; each block's name is prefixed with the
script's path (C<$0>). Block preprocessors run first, the last one
added first. Each block gets a fresh server root (F<conf>, F<logs>,
F<html> with an F<index.html>, temp paths), its user_files, a generated
F<nginx.conf> and one nginx (C<-e logs/error.log>, foreground); its
requests are sent C<repeat_each> times to that nginx, each on a new
connection to 127.0.0.1 (C<Host: localhost>, C<Connection: close>).

After every request (and C<--- wait>), the part of F<error.log> written
since the previous check is read: C<--- error_log> patterns must each
match a line of it, C<--- no_error_log> patterns none (one failure per
matching line). The first slice includes nginx's start-up. Lines with
"Assertion ... failed" fail; [alert], [crit] and [emerg] lines are
reported unless a pattern names that level. Tests are named as in
openresty's, with "(req N)" the repetition's index.

This runner also fails a block when nginx's error log or stderr shows a
crashed worker or a sanitizer or memcheck report (the ASan and valgrind
suites), once per slice, and when nginx exits during the block; nothing
is counted when all is well, so the counts are openresty's.
C<--- expect_worker_crash: 9> (signal numbers) lets those signals through
for blocks that kill workers on purpose. openresty's runner has no such
check and ignores the section.

=head2 Exported functions

    run_tests   repeat_each([n])   workers(n)   worker_connections(n)
    master_on   master_off   master_process_enabled([bool])
    log_level([level])   no_shuffle   no_long_string (no effect)
    no_root_location   env_to_nginx(@vars)   server_port([port])
    timeout([seconds])   html_dir   server_root   servroot   bail_out(@msg)
    add_block_preprocessor(sub { my ($block) = @_; ... })
    add_response_body_check(sub {
        my ($block, $body, $req_index, $repeat_index, $dry_run) = @_; ... })

plus Test::More's and Test::Base's (C<plan>, C<blocks>, C<is>, ...).

=head2 Sections

    config (required)  http_config  main_config  log_level
    user_files          text (">>> NAME" lines) or eval ARRAY of [NAME, TEXT]
    request             text "METHOD [URI [VERSION]]\nBODY", or eval ARRAY
    raw_request         bytes, or eval ARRAY of pieces
    raw_request_middle_delay   more_headers (text, or eval ARRAY per request)
    error_code  error_code_like  response_headers  response_headers_like
    response_body  response_body_like  response_body_unlike
    error_log  no_error_log  must_die  timeout  wait  abort  ignore_response
    skip_eval ("N: CODE")  expect_worker_crash   ONLY  SKIP  LAST

With several requests, every expected value (error_code, response_*)
must be an eval ARRAY with one entry per request, or the run bails out;
with one request, an ARRAY's first entry is used. The status defaults to
200 and is always checked. Of error_code and error_code_like, of
response_headers and response_headers_like, and of response_body,
response_body_like and response_body_unlike, openresty's checks only the
first given: this runner refuses a block that gives two.

Values are used as Test::Base gives them (its default filters keep one
trailing newline of a multi-line section): C<--- response_body_like>
on its own line requires that newline, the inline C<--- response_body_like: RE>
does not. response_headers lines are C<Name: value> (exact), C<Name:>
(present and empty), C<!Name> (absent from the raw header block).
C<$ServerPort> is replaced in response_headers, response_body and
response_body_like. C<$TEST_NGINX_*> variables are expanded in
main_config, http_config, config, user_files and response_body only (an
unset one bails out); request, more_headers, error_log and no_error_log
are sent and matched as written.

C<must_die> starts nginx C<repeat_each> times; each must exit (with the
given code, if any), and the log is checked after each. C<skip_eval>
skips its N tests once per repetition.

=head2 Environment

    TEST_NGINX_BINARY    TEST_NGINX_SERVER_PORT / TEST_NGINX_PORT (1984)
    TEST_NGINX_SERVROOT (t/servroot)    TEST_NGINX_LOAD_MODULES
    TEST_NGINX_TIMEOUT (3)   TEST_NGINX_NO_SHUFFLE   TEST_NGINX_SLEEP (0.015)
    TEST_NGINX_LOG_LEVEL (debug)   TEST_NGINX_MASTER_PROCESS (off)
    TEST_NGINX_NO_CLEAN

The runner sets TEST_NGINX_SERVER_PORT and TEST_NGINX_SERVER_ROOT, as
openresty's does; nothing else (a test module sets what its files need,
as PlayfabTest sets TEST_NGINX_HTML_DIR). openresty's other modes
(TEST_NGINX_USE_HUP, _USE_VALGRIND, _CHECK_LEAK, _RANDOMIZE, HTTP/2 and
HTTP/3, ...) are refused.

=cut

use strict;
use warnings;

use Test::Base -base;

use File::Path qw(make_path remove_tree);
use File::Spec ();
use IO::Select ();
use IO::Socket::INET ();
use List::Util ();
use POSIX qw(:sys_wait_h SIGKILL);
use Time::HiRes qw(sleep time);

our @EXPORT = qw(
    run_tests repeat_each workers worker_connections
    master_on master_off master_process_enabled log_level
    no_shuffle no_long_string no_root_location env_to_nginx
    add_block_preprocessor add_response_body_check server_port timeout
    html_dir server_root servroot bail_out
);

# Settings changed through the exported functions.
my $RepeatEach        = 1;
my $Workers           = 1;
my $WorkerConnections = 64;
my $MasterProcess     = $ENV{TEST_NGINX_MASTER_PROCESS} || 'off';
my $LogLevel          = $ENV{TEST_NGINX_LOG_LEVEL} || 'debug';
my $NoRootLocation    = 0;
my @EnvToNginx;
my @BlockPreprocessors;
my @ResponseBodyChecks;

my $ServerPort = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT}
    || 1984;
my $Timeout = $ENV{TEST_NGINX_TIMEOUT} || 3;
my $NoShuffle = $ENV{TEST_NGINX_NO_SHUFFLE} || 0;

# Seconds waited before each read of the log, for what nginx logs after
# it closed the connection (three times CPAN's TEST_NGINX_SLEEP).
my $LogSettle = 3 * ($ENV{TEST_NGINX_SLEEP} || 0.015);
my $NginxBinary = $ENV{TEST_NGINX_BINARY} || find_nginx();

my $ServRoot
    = File::Spec->rel2abs($ENV{TEST_NGINX_SERVROOT} || 't/servroot');
my $HtmlDir   = "$ServRoot/html";
my $ErrorLog  = "$ServRoot/logs/error.log";
my $StderrLog = "$ServRoot/logs/stderr.log";
my @TempPaths = qw(client_body proxy fastcgi uwsgi scgi);

# Seconds allowed for nginx to start listening, and to stop after SIGQUIT.
my $StartTimeout = 5;
my $StopTimeout  = 5;

# Error-log lines that mean a process crashed or a sanitizer complained.
# a dead worker, a sanitizer's report, or memcheck's (./build.sh test
# valgrind runs nginx under valgrind, which writes to nginx's stderr)
my $CrashRegex = qr/exited on signal|AddressSanitizer|runtime error:|==\d+== (?:Invalid (?:read|write|free)|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap)/;

# The nginx process of the running block: pid, and wait status once reaped.
my %Nginx;

$ENV{TEST_NGINX_SERVER_PORT} = $ServerPort;
$ENV{TEST_NGINX_SERVER_ROOT} = $ServRoot;

# CPAN's settings this runner does not implement: a run that sets one
# would not test what it says.
my @Unsupported = qw(
    TEST_NGINX_USE_HUP TEST_NGINX_USE_VALGRIND TEST_NGINX_USE_STAP
    TEST_NGINX_USE_RR TEST_NGINX_CHECK_LEAK TEST_NGINX_BENCHMARK
    TEST_NGINX_RANDOMIZE TEST_NGINX_USE_HTTP2 TEST_NGINX_USE_HTTP3
    TEST_NGINX_NO_NGINX_MANAGER TEST_NGINX_CHECK_ACCUM_ERR_LOG
    TEST_NGINX_POSTPONE_OUTPUT TEST_NGINX_EVENT_TYPE
    TEST_NGINX_FORCE_RESTART_ON_TEST TEST_NGINX_CLIENT_PORT
    TEST_NGINX_SERVER_SSL_PORT TEST_NGINX_LD_PRELOAD
);

sub check_environment {
    my @set = grep { defined $ENV{$_} && length $ENV{$_} } @Unsupported;
    bail_out('not supported by this runner (t/lib/runner): '
        . join(', ', @set)) if @set;
}

sub find_nginx {
    for my $dir (File::Spec->path) {
        my $file = File::Spec->catfile($dir, 'nginx');
        return $file if -f $file && -x _;
    }
    return '/usr/sbin/nginx';
}

#----------------------------------------------------------------------
# Exported settings
#----------------------------------------------------------------------

sub repeat_each {
    $RepeatEach = shift if @_;
    return $RepeatEach;
}

sub workers {
    $Workers = shift if @_;
    return $Workers;
}

sub worker_connections {
    $WorkerConnections = shift if @_;
    return $WorkerConnections;
}

sub master_on  { $MasterProcess = 'on' }
sub master_off { $MasterProcess = 'off' }

sub master_process_enabled {
    $MasterProcess = $_[0] ? 'on' : 'off' if @_;
    return $MasterProcess eq 'on';
}

sub log_level {
    $LogLevel = shift if @_;
    return $LogLevel;
}

sub no_shuffle       { $NoShuffle = 1 }
sub no_long_string   { return }
sub no_root_location { $NoRootLocation = 1 }

sub env_to_nginx {
    for my $var (@_) {
        croak "env_to_nginx: bad variable \"$var\""
            if $var !~ /^[A-Za-z_]/ || $var =~ /\n/;
        push @EnvToNginx, $var;
    }
}

# The last one added runs first, as in openresty's runner.
sub add_block_preprocessor (&) {
    unshift @BlockPreprocessors, shift;
}

# CODE->($block, $body, $request_index, $repetition_index, $dry_run),
# after each response's own checks (nothing is ever a dry run here).
sub add_response_body_check ($) {
    push @ResponseBodyChecks, shift;
}

sub server_port {
    $ServerPort = $ENV{TEST_NGINX_SERVER_PORT} = shift if @_;
    return $ServerPort;
}

sub timeout {
    $Timeout = shift if @_;
    return $Timeout;
}

sub html_dir    { $HtmlDir }
sub server_root { $ServRoot }
sub servroot    { $ServRoot }

sub bail_out {
    kill_nginx();
    Test::More::BAIL_OUT(join '', @_);
}

#----------------------------------------------------------------------
# Running the blocks
#----------------------------------------------------------------------

# Sections the runner reads. Any other section of a block must be read
# by a block preprocessor (PlayfabTest's --- playfab_emulator, a test
# file's own): a section nobody reads is a typo or a feature of CPAN's
# runner this one lacks, and the block dies rather than pass unchecked.
my %Sections = map { $_ => 1 } qw(
    main_config http_config config user_files
    request raw_request raw_request_middle_delay more_headers
    error_code error_code_like response_headers response_headers_like
    response_body response_body_like response_body_unlike
    error_log no_error_log must_die timeout wait log_level abort
    ignore_response skip_eval expect_worker_crash
    ONLY SKIP LAST
);

# Test::Base makes one accessor per section name, shared by all blocks:
# wrapping those of unknown names records which blocks read them.
my %Watched;
sub watch_sections {
    my ($block) = @_;
    for my $section (@{ $block->{_section_order}[0] || [] }) {
        next if $Sections{$section} || $Watched{$section}++;
        no strict 'refs';
        no warnings 'redefine';
        my $accessor = \&{"Test::Base::Block::$section"};
        *{"Test::Base::Block::$section"} = sub {
            $_[0]{_read_sections}{$section} = 1;
            goto &$accessor;
        };
    }
}

sub check_sections {
    my ($block) = @_;
    # CPAN's runner runs a block without a config on the previous
    # block's nginx, without writing its files: never what was meant.
    die $block->name . " - no --- config section (Test::Nginx would"
        . " reuse the previous block's nginx and files)\n"
        unless defined $block->config || defined $block->skip_eval;
    my @unknown = grep { !$Sections{$_} && !$block->{_read_sections}{$_} }
        @{ $block->{_section_order}[0] || [] };
    return unless @unknown;
    die $block->name . ' - unknown section' . (@unknown > 1 ? 's' : '')
        . join(',', map { " --- $_" } @unknown)
        . ": not supported by this runner (see its POD) and read by no"
        . " block preprocessor\n";
}

sub run_tests {
    check_environment();
    plan('no_plan') unless Test::More->builder->has_plan;
    my @blocks = blocks();
    @blocks = List::Util::shuffle(@blocks) unless $NoShuffle;
    for my $block (@blocks) {
        watch_sections($block);
        $_->($block) for @BlockPreprocessors;
        check_sections($block);
        $block->set_value(name => "$0 " . $block->name);
        run_block($block);
    }
}

sub run_block {
    my ($block) = @_;
    my $name = $block->name;
    my $first_test = Test::More->builder->current_test;

    my $skip = skip_count($block);
    if (defined $skip) {
        # as CPAN: the N tests are skipped once per repetition
        for (1 .. $RepeatEach) {
            SKIP: { Test::More::skip("$name - skip_eval", $skip) }
        }
        return;
    }

    setup_servroot();
    write_user_files($block);
    write_nginx_conf($block);

    local @SIG{qw(INT TERM HUP)} = (\&interrupted) x 3;
    my $log = { error => 0, stderr => 0, crashes => {} };
    if (defined $block->must_die) {
        run_must_die($block, $log);
    }
    else {
        run_repeats($block, $log);
    }

    my @results = Test::More->builder->summary;
    diag_log_tail() if grep { !$_ } @results[$first_test .. $#results];
}

# "--- skip_eval: N: CODE": N when CODE returns true, undef otherwise.
sub skip_count {
    my ($block) = @_;
    my $name = $block->name;
    my $spec = $block->skip_eval;
    return undef unless defined $spec;
    my ($count, $code) = $spec =~ /\A\s*(\d+)\s*:\s*(.*)\z/s
        or bail_out("$name - bad --- skip_eval \"$spec\" (N: CODE)");
    my $skip = eval $code;
    bail_out("$name - skip_eval - failed to eval the Perl code"
        . " \"$code\": $@") if $@;
    return $skip ? $count : undef;
}

# nginx must exit on its own, once per repetition; the log is checked
# after each exit, against what that run logged.
sub run_must_die {
    my ($block, $log) = @_;
    my $name = $block->name;
    my $expected = $block->must_die;

    for my $repeat (0 .. $RepeatEach - 1) {
        my $state = start_nginx();
        if ($state ne 'exited') {
            stop_nginx();
            fail("$name - die as expected");
            diag("nginx did not exit on its own");
        }
        elsif (WIFSIGNALED($Nginx{status})) {
            fail("$name - die as expected");
            diag("nginx was killed by signal " . WTERMSIG($Nginx{status}));
        }
        elsif ($expected =~ /\A\s*\d+\s*\z/) {
            is(WEXITSTATUS($Nginx{status}), $expected =~ s/\s+//gr,
                "$name - die with the expected exit code");
        }
        else {
            isnt($Nginx{status}, 0, "$name - die as expected");
        }
        %Nginx = ();
        check_log_slice($block, $log, $repeat);
    }
}

# One nginx for the block; its requests are sent $RepeatEach times, and
# the log is checked after every request against what nginx logged
# since the previous check (the first slice includes the start-up).
sub run_repeats {
    my ($block, $log) = @_;
    my $name = $block->name;

    my $state = start_nginx();
    if ($state ne 'up') {
        fail("$name - nginx started");
        diag($state eq 'stuck'
            ? "nginx did not listen on port $ServerPort within "
              . "$StartTimeout s"
            : "nginx exited with status " . describe_status($Nginx{status}));
        stop_nginx();
        return;
    }

    my $requests = build_requests($block);
    bail_out("$name - request empty") unless @$requests;
    my $timeout = parse_time(scalar $block->timeout) // $Timeout;
    my $wait    = parse_time(scalar $block->wait);
    my $delay   = parse_time(scalar $block->raw_request_middle_delay);
    my $many    = @$requests > 1;

    for my $repeat (0 .. $RepeatEach - 1) {
        write_user_files($block) if $repeat > 0;
        for my $i (0 .. $#$requests) {
            my $req = $requests->[$i];
            my ($raw, $error) = send_request($req->{pieces}, $timeout,
                $delay);
            if ($error) {
                if ($error !~ /^timeout/) {
                    fail("$name - $error");
                }
                elsif (!defined $block->abort) {
                    fail("ERROR: client socket timed out - $name");
                }
            }
            if (!defined $block->ignore_response) {
                my $res = parse_response($raw, $req->{head});
                check_response($block, $res, $i, $repeat, $many);
            }
            sleep $wait if $wait;
            check_log_slice($block, $log, $repeat);
        }
    }

    my ($status, $how) = stop_nginx();
    check_shutdown($block, $log, $status, $how);
}

#----------------------------------------------------------------------
# Error log
#----------------------------------------------------------------------

# The lines of FILE ('error' or 'stderr') written since the last read.
sub new_log_lines {
    my ($log, $which) = @_;
    my $file = $which eq 'error' ? $ErrorLog : $StderrLog;
    open my $fh, '<', $file or return ();
    seek $fh, $log->{$which}, 0;
    my @lines = <$fh>;
    $log->{$which} = tell $fh;
    close $fh;
    return @lines;
}

# error_log and no_error_log against the slice of error.log written
# since the previous check, for repetition REPEAT; then the checks CPAN
# makes of every slice ("Assertion ... failed" fails, [alert], [crit]
# and [emerg] lines are warned about unless a pattern names them), and
# this runner's own: a crashed worker or a sanitizer report fails.
sub check_log_slice {
    my ($block, $log, $repeat) = @_;
    my $name = $block->name;

    # what nginx logs after closing the connection (log phase)
    sleep $LogSettle;
    my @lines = new_log_lines($log, 'error');
    my @stderr = new_log_lines($log, 'stderr');
    my $req = "(req $repeat)";

    my $wanted = $block->error_log;
    my $unwanted = $block->no_error_log;

    for my $pattern (log_patterns($wanted)) {
        if (grep { log_match($_, $pattern) } @lines) {
            pass(qq{$name - pattern "$pattern" matches a line in error.log}
                . " $req");
        }
        else {
            fail(qq{$name - pattern "$pattern" should match a line in}
                . " error.log $req");
        }
    }

    for my $pattern (log_patterns($unwanted)) {
        my $p = one_line($pattern);
        my $found = 0;
        for my $line (@lines) {
            next unless log_match($line, $pattern);
            $found++;
            fail(qq{$name - pattern "$p" should not match any line in}
                . ' error.log but matches line "' . one_line($line)
                . qq{" $req});
        }
        pass(qq{$name - pattern "$p" does not match a line in error.log}
            . " $req") unless $found;
    }

    for my $level (qw(alert crit emerg)) {
        next if grep { value_contains($_, "[$level") } $wanted, $unwanted;
        for my $line (grep { /\[$level\]/ } @lines) {
            Test::More::diag("WARNING: $name - " . one_line($line));
        }
    }
    for my $line (grep { /\bAssertion .*?failed\b/ } @lines) {
        fail("$name - " . one_line($line));
    }
    check_crashes($block, $log, [ @lines, @stderr ], $req);
}

# Fails once per crash line (worker signal, sanitizer or memcheck
# report) not allowed by --- expect_worker_crash; passes nothing, so
# that a clean block has the same tests as under CPAN's runner.
sub check_crashes {
    my ($block, $log, $lines, $req) = @_;
    my %signals = map { $_ => 1 }
        split ' ', $block->expect_worker_crash // '';
    my @problems = grep {
        /$CrashRegex/
            && !(/ worker process \d+ exited on signal (\d+)$/
                 && $signals{$1})
    } map { one_line($_) } @$lines;
    return unless @problems;
    splice @problems, 5, @problems, '...' if @problems > 5;
    fail($block->name . " - no worker crash $req");
    diag(join "\n", @problems);
}

sub check_shutdown {
    my ($block, $log, $status, $how) = @_;
    my @lines = (new_log_lines($log, 'error'), new_log_lines($log, 'stderr'));
    if ($how eq 'self') {
        push @lines, 'nginx exited during the test with '
            . describe_status($status);
    }
    elsif (WIFSIGNALED($status) && $how ne 'KILL') {
        push @lines, 'nginx exited on signal ' . WTERMSIG($status);
    }
    check_crashes($block, $log, \@lines, '(shutdown)');
}

# Patterns of an error_log / no_error_log value: lines of text (blank
# lines ignored), a qr//, or an ARRAY of strings and qr//s. Patterns are
# not expanded: "$TEST_NGINX_..." in them is literal text.
sub log_patterns {
    my ($value) = @_;
    return () unless defined $value;
    return grep { defined } @$value if ref $value eq 'ARRAY';
    return $value if ref $value;
    chomp $value;
    return split /\n+/, $value;
}

sub log_match {
    my ($line, $pattern) = @_;
    return 1 if ref $pattern && $line =~ $pattern;
    return index($line, "$pattern") >= 0;
}

sub value_contains {
    my ($value, $text) = @_;
    return 0 unless defined $value;
    return grep { value_contains($_, $text) } @$value
        if ref $value eq 'ARRAY';
    return index("$value", $text) >= 0;
}

sub one_line {
    my ($text) = @_;
    chomp(my $line = "$text");
    $line =~ s/"/\\"/g;
    $line =~ s/\r/\\r/g;
    $line =~ s/\n/\\n/g;
    return $line;
}

# Shows the end of what nginx logged in this block, leaving out debug
# entries (and their continuation lines) unless there is nothing else.
sub diag_log_tail {
    my @log;
    for my $file ($ErrorLog, $StderrLog) {
        open my $fh, '<', $file or next;
        chomp(my @lines = <$fh>);
        push @log, @lines;
    }
    my $in_debug = 0;
    my @lines = grep {
        $in_debug = $1 eq 'debug' if m{^\d{4}/\d\d/\d\d [\d:]+ \[(\w+)\]};
        !$in_debug;
    } @log;
    my $what = 'lines';
    if (@lines) {
        $what = 'non-debug lines' if @lines < @log;
    }
    else {
        @lines = @log;
    }
    return unless @lines;
    splice @lines, 0, @lines - 30 if @lines > 30;
    diag(join "\n", "last $what logged by nginx"
        . " (see $ServRoot/logs/):", @lines);
}

#----------------------------------------------------------------------
# Server root and nginx.conf
#----------------------------------------------------------------------

sub setup_servroot {
    # Only remove what the runner itself creates, in case
    # TEST_NGINX_SERVROOT points somewhere unexpected.
    my @ours = map { "$ServRoot/$_" } qw(conf logs html),
        map { "${_}_temp" } @TempPaths;
    remove_tree($ENV{TEST_NGINX_NO_CLEAN} ? "$ServRoot/conf" : @ours);
    make_path("$ServRoot/conf", "$ServRoot/logs", $HtmlDir);

    write_file("$HtmlDir/index.html",
        "<html><head><title>It works!</title></head>"
        . "<body>It works!</body></html>");
}

sub write_user_files {
    my ($block) = @_;
    my $name  = $block->name;
    my $files = $block->user_files;
    return unless defined $files;

    my @files;
    if (ref $files eq 'ARRAY') {
        @files = map { [ $_->[0], expand_env($_->[1], $name, 'user_files') ] }
            @$files;
    }
    elsif (!ref $files) {
        for my $line (split /^/, expand_env($files, $name, 'user_files')) {
            if ($line =~ /^>>> (\S+)/) {
                push @files, [ $1, '' ];
            }
            elsif (@files) {
                $files[-1][1] .= $line;
            }
        }
    }
    else {
        croak "$name - --- user_files must be text or an ARRAY";
    }

    for my $file (@files) {
        my ($fname, $content) = @$file;
        my $path = File::Spec->file_name_is_absolute($fname)
            ? $fname : "$HtmlDir/$fname";
        (my $dir = $path) =~ s{/[^/]*$}{};
        make_path($dir) if length $dir;
        write_file($path, $content // '');
    }
}

sub write_nginx_conf {
    my ($block) = @_;
    my $name = $block->name;
    my %text = map { $_ => expand_env($block->$_ // '', $name, $_) }
        qw(main_config http_config config);
    my $level = $block->log_level // $LogLevel;
    $level =~ s/^\s+|\s+$//g;

    my $conf = "# generated for: $name\n";
    for my $module (split ' ', $ENV{TEST_NGINX_LOAD_MODULES} // '') {
        $conf .= 'load_module ' . File::Spec->rel2abs($module) . ";\n";
    }
    $conf .= <<"EOC";
worker_processes $Workers;
daemon off;
master_process $MasterProcess;
pid logs/nginx.pid;
error_log logs/error.log $level;
EOC
    # Workers would otherwise run as "nobody" and could not use servroot.
    $conf .= "user root;\n"
        if $> == 0 && $text{main_config} !~ /^\s*user\s/m;
    for my $var (@EnvToNginx) {
        $conf .= $var =~ /\s/ ? "env '$var';\n" : "env $var;\n";
    }

    # Keep nginx away from its compiled-in temp paths (under /var/lib),
    # unless the test sets them itself.
    my $temp_paths = join '',
        map { "    ${_}_temp_path $ServRoot/${_}_temp;\n" }
        grep { $text{http_config} !~ /\b${_}_temp_path\b/ } @TempPaths;

    my $root_location = $NoRootLocation ? '' : <<"EOC";
        location / {
            root $HtmlDir;
            index index.html index.htm;
        }
EOC

    $conf .= <<"EOC";
$text{main_config}
events {
    accept_mutex off;
    worker_connections $WorkerConnections;
}

http {
    access_log logs/access.log;
    default_type text/plain;
    keepalive_timeout 68;
$temp_paths$text{http_config}
    server {
        listen 127.0.0.1:$ServerPort;
        server_name localhost;
        client_max_body_size 30M;

$text{config}
$root_location    }
}
EOC
    write_file("$ServRoot/conf/nginx.conf", $conf);
}

#----------------------------------------------------------------------
# The nginx process
#----------------------------------------------------------------------

# Returns 'up' once nginx listens, 'exited' if it exited first, or
# 'stuck' if it did neither within $StartTimeout seconds.
sub start_nginx {
    wait_port_free($StartTimeout)
        or bail_out("127.0.0.1:$ServerPort is in use by another process");

    my $pid = fork;
    bail_out("fork() failed: $!") unless defined $pid;
    if ($pid == 0) {
        # Own process group, so that workers can be killed along with
        # the master if it ever has to be SIGKILLed.
        setpgrp(0, 0);
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $StderrLog;
        open STDERR, '>&', \*STDOUT;
        {
            no warnings 'exec';
            exec { $NginxBinary } $NginxBinary,
                '-e', 'logs/error.log', '-p', "$ServRoot/",
                '-c', 'conf/nginx.conf';
        }
        print STDERR "cannot run $NginxBinary: $!\n";
        POSIX::_exit(127);
    }
    %Nginx = (pid => $pid);

    my $deadline = time + $StartTimeout;
    while (1) {
        return 'exited' if nginx_reaped();
        return 'up' if port_listening();
        return 'stuck' if time > $deadline;
        sleep 0.02;
    }
}

sub nginx_reaped {
    return 1 if defined $Nginx{status};
    return 0 if waitpid($Nginx{pid}, WNOHANG) != $Nginx{pid};
    $Nginx{status} = $?;
    return 1;
}

# Stops nginx gracefully, escalating to SIGTERM and SIGKILL. Returns the
# wait status and how it ended: 'self' (exited on its own), or the name
# of the signal that stopped it.
sub stop_nginx {
    my $how = 'self';
    if (!nginx_reaped()) {
        for my $step ([ QUIT => $StopTimeout ], [ TERM => 3 ]) {
            my ($sig, $grace) = @$step;
            $how = $sig;
            kill $sig, $Nginx{pid};
            my $deadline = time + $grace;
            sleep 0.02 until nginx_reaped() || time > $deadline;
            last if nginx_reaped();
            diag("WARNING: nginx still running $grace s after SIG$sig");
        }
        if (!nginx_reaped()) {
            $how = 'KILL';
            kill_nginx();
        }
    }
    my $status = $Nginx{status};
    %Nginx = ();
    return ($status, $how);
}

# Kills the whole nginx process group at once and reaps the master.
sub kill_nginx {
    return if !$Nginx{pid} || defined $Nginx{status};
    kill SIGKILL, -$Nginx{pid};
    waitpid($Nginx{pid}, 0);
    $Nginx{status} = $?;
}

sub interrupted {
    my ($sig) = @_;
    kill_nginx();
    $SIG{$sig} = 'DEFAULT';
    kill $sig, $$;
}

END {
    local $?;
    kill_nginx();
}

# True if something listens on the test port (our bind attempt fails).
sub port_listening {
    my $sock = IO::Socket::INET->new(
        LocalAddr => '127.0.0.1',
        LocalPort => $ServerPort,
        Proto     => 'tcp',
        ReuseAddr => 1,
    );
    return 0 if $sock;
    return 1 if $!{EADDRINUSE};
    bail_out("cannot probe 127.0.0.1:$ServerPort: $@");
}

sub wait_port_free {
    my ($seconds) = @_;
    my $deadline = time + $seconds;
    while (port_listening()) {
        return 0 if time > $deadline;
        sleep 0.05;
    }
    return 1;
}

sub describe_status {
    my ($status) = @_;
    return WIFSIGNALED($status) ? 'signal ' . WTERMSIG($status)
        : 'exit code ' . WEXITSTATUS($status);
}

#----------------------------------------------------------------------
# Requests and responses
#----------------------------------------------------------------------

# Returns a list of { pieces => [byte strings], head => bool }. As in
# CPAN's runner, request, raw_request and more_headers are sent as
# written: "$TEST_NGINX_..." in them is not expanded.
sub build_requests {
    my ($block) = @_;
    my $name = $block->name;

    my $raw = $block->raw_request;
    if (defined $raw) {
        my @pieces = ref $raw eq 'ARRAY' ? @$raw : ($raw);
        bail_out("$name - --- raw_request is empty") unless @pieces;
        my $head = $pieces[0] =~ /^\s*HEAD\s/ ? 1 : 0;
        return [ { pieces => \@pieces, head => $head } ];
    }

    my $request = $block->request;
    return [] unless defined $request;
    my @texts = ref $request eq 'ARRAY' ? @$request : ($request);
    my $more = $block->more_headers // '';
    my @requests;
    for my $i (0 .. $#texts) {
        bail_out("$name - request " . ($i + 1) . " must be a string"
            . " (request packets are not supported)") if ref $texts[$i];
        my $headers = $more;
        if (ref $more eq 'ARRAY') {
            $headers = $more->[$i];
            bail_out("$name - --- more_headers lacks data for the ${i}th"
                . ' request') unless defined $headers;
        }
        push @requests, http_request($name, $texts[$i], $headers);
    }
    return \@requests;
}

# Turns "METHOD [URI [VERSION]]\nbody" plus more_headers lines into
# bytes: Host and Connection: close unless given, and Content-Length
# when there is a body and no Content-Length or chunked
# Transfer-Encoding among the headers.
sub http_request {
    my ($name, $text, $more_headers) = @_;

    # Leading blank lines and "#" comment lines are skipped.
    1 while $text =~ s/\A\s*#[^\n]+\s+// || $text =~ s/\A\s+//;
    my ($line, $body) = split /\n/, $text, 2;
    bail_out("$name - Request line should be non-empty")
        unless defined $line && length $line;
    my ($method, @rest) = split ' ', $line;
    bail_out("$name - Request line is not valid: \"$line\"") if @rest > 2;
    my $uri     = $rest[0] // '/';
    my $version = $rest[1] // 'HTTP/1.1';
    $body //= '';

    my ($headers, $chunked) = ('', 0);
    for my $header (split /\n+/, $more_headers) {
        next if $header =~ /^\s*#/;
        my ($key, $value) = split /:\s*/, $header, 2;
        $value //= '';
        $chunked = 1 if lc $key eq 'transfer-encoding' && $value eq 'chunked';
        $headers .= "$key: $value\r\n";
    }
    if (!$chunked && length $body && $headers !~ /(?:^|\n)Content-Length:/) {
        $body =~ s/^\s+|\s+$//g;
        $headers .= 'Content-Length: ' . length($body) . "\r\n";
    }
    my $default = '';
    $default .= "Host: localhost\r\n" if $headers !~ /(?:^|\n)Host:/i;
    $default .= "Connection: close\r\n" if $headers !~ /(?:^|\n)Connection/i;

    return {
        pieces => [ "$method $uri $version\r\n$default$headers\r\n$body" ],
        head   => $method eq 'HEAD',
    };
}

# Sends the pieces on a new connection and reads until the server closes
# it. Returns the bytes read and an error message, if any. The timeout
# applies to each wait for the socket, like CPAN's.
sub send_request {
    my ($pieces, $timeout, $delay) = @_;
    local $SIG{PIPE} = 'IGNORE';

    my $sock = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $ServerPort,
        Proto    => 'tcp',
        Timeout  => $timeout,
    ) or return ('', "cannot connect to 127.0.0.1:$ServerPort: $@");
    $sock->blocking(0);
    my $select = IO::Select->new($sock);
    my $response = '';

    WRITE: for my $i (0 .. $#$pieces) {
        sleep $delay if $i && $delay;
        my ($data, $offset) = ($pieces->[$i], 0);
        while ($offset < length $data) {
            $select->can_write($timeout)
                or return ($response, "timeout (${timeout}s) sending request");
            my $n = syswrite $sock, $data, length($data) - $offset, $offset;
            if (!defined $n) {
                next if $!{EAGAIN} || $!{EINTR};
                # The server may have answered and closed early (e.g. 413):
                # still read whatever it sent.
                last WRITE;
            }
            $offset += $n;
        }
    }

    while (1) {
        $select->can_read($timeout)
            or return ($response, "timeout (${timeout}s) reading response");
        my $n = sysread $sock, my $chunk, 65536;
        if (!defined $n) {
            next if $!{EAGAIN} || $!{EINTR};
            last;    # connection reset: keep what was received
        }
        last if $n == 0;
        $response .= $chunk;
    }
    close $sock;
    return ($response, undef);
}

# Returns { status, headers (lower-cased names), body, error }.
sub parse_response {
    my ($raw, $is_head) = @_;
    my %res = (status => '', headers => {}, body => '', raw_headers => '');

    my ($head, $rest) = split /\r\n\r\n/, $raw, 2;
    $rest //= '';
    $res{raw_headers} = $head // '';
    my ($status_line, @lines) = split /\r\n/, $head // '';
    return \%res unless defined $status_line;
    $res{status} = $1 if $status_line =~ m{^HTTP/\d+\.\d+\s+(\d{3})};

    my $headers = $res{headers};
    for my $line (@lines) {
        my ($key, $value) = $line =~ /^([^:]+?)\s*:\s*(.*?)\s*$/ or next;
        $key = lc $key;
        $headers->{$key}
            = exists $headers->{$key} ? "$headers->{$key}, $value" : $value;
    }

    if ($is_head || $res{status} =~ /^(?:1\d\d|204|304)$/) {
        return \%res;
    }
    if (($headers->{'transfer-encoding'} // '') =~ /\bchunked\b/i) {
        @res{qw(body error)} = decode_chunked($rest);
    }
    elsif (defined(my $length = $headers->{'content-length'})) {
        $res{body} = substr $rest, 0, $length;
        $res{error} = "body has " . length($rest) . " bytes, Content-Length"
            . " says $length" if length $rest < $length;
    }
    else {
        $res{body} = $rest;
    }
    return \%res;
}

# Returns the decoded body and an error message if the encoding is broken.
sub decode_chunked {
    my ($data) = @_;
    my ($body, $pos) = ('', 0);
    while (1) {
        my $eol = index $data, "\r\n", $pos;
        return ($body, 'missing chunk size line') if $eol < 0;
        my $size_line = substr $data, $pos, $eol - $pos;
        return ($body, "bad chunk size line \"$size_line\"")
            unless $size_line =~ /^\s*([0-9A-Fa-f]+)/;
        my $size = hex $1;
        $pos = $eol + 2;
        if ($size == 0) {
            # Skip trailers up to the final empty line.
            return ($body, undef)
                if substr($data, $pos) =~ /^(?:[^\r\n]+\r\n)*\r\n/;
            return ($body, 'missing end of chunked body');
        }
        return ($body . substr($data, $pos), 'truncated chunk')
            if length $data < $pos + $size + 2;
        $body .= substr $data, $pos, $size;
        return ($body, 'chunk data not followed by CRLF')
            if substr($data, $pos + $size, 2) ne "\r\n";
        $pos += $size + 2;
    }
}

#----------------------------------------------------------------------
# Checks of a response
#----------------------------------------------------------------------

# The expected value of a section for request I: a block with several
# requests must give ARRAYs (CPAN bails out otherwise); with one
# request, an ARRAY's first element is used.
sub indexed {
    my ($block, $section, $i, $many) = @_;
    my $value = $block->$section;
    return $value unless defined $value;
    if ($many) {
        bail_out($block->name . " - You asked for many requests, the"
            . " expected results should be arrays as well (--- $section)")
            unless ref $value eq 'ARRAY';
        return $value->[$i];
    }
    return ref $value eq 'ARRAY' ? $value->[0] : $value;
}

# Sections of which only one is checked by CPAN's runner: this one
# refuses the block instead of ignoring the others.
my @Exclusive = (
    [qw(error_code_like error_code)],
    [qw(response_headers response_headers_like)],
    [qw(response_body response_body_like response_body_unlike)],
);

sub check_response {
    my ($block, $res, $i, $repeat, $many) = @_;
    my $name = $block->name;

    for my $group (@Exclusive) {
        my @given = grep { defined $block->$_ } @$group;
        bail_out("$name - --- " . join(' and --- ', @given) . ': Test::Nginx'
            . " checks only --- $given[0], give one") if @given > 1;
    }

    my $status = $res->{status};
    if (defined $block->error_code_like) {
        my $re = indexed($block, 'error_code_like', $i, $many);
        like($status, qr/$re/sm, "$name - status code ok");
    }
    else {
        my $code = indexed($block, 'error_code', $i, $many) // 200;
        is($status, $code, "$name - status code ok");
    }

    if (defined $block->response_headers) {
        my $headers = header_specs(
            indexed($block, 'response_headers', $i, $many));
        for my $key (sort keys %$headers) {
            my $value = $headers->{$key};
            if (!defined $value) {
                unlike($res->{raw_headers}, qr/^\s*\Q$key\E\s*:/ms,
                    "$name - header $key not present in the raw headers");
                next;
            }
            $value =~ s/\$ServerPort\b/$ServerPort/g;
            is($res->{headers}{ lc $key } // '', $value,
                "$name - header $key ok");
        }
    }
    elsif (defined $block->response_headers_like) {
        my $headers = header_specs(
            indexed($block, 'response_headers_like', $i, $many));
        for my $key (sort keys %$headers) {
            my $re = $headers->{$key} // '';
            like($res->{headers}{ lc $key } // '', qr/^$re$/,
                "$name - header $key like ok");
        }
    }

    my $body = $res->{body};
    if (defined $block->response_body) {
        my $expected = indexed($block, 'response_body', $i, $many);
        my $what = "(repeated req $repeat, req $i)";
        if (ref $expected) {
            like($body, $expected, "$name - response_body - like $what");
        }
        else {
            if (defined $expected) {
                $expected =~ s/\$ServerPort\b/$ServerPort/g;
                $expected = expand_env($expected, $name, 'response_body');
            }
            is($body, $expected,
                "$name - response_body - response is expected $what");
        }
    }
    else {
        for my $type (qw(like unlike)) {
            my $section = "response_body_$type";
            next unless defined $block->$section;
            my $pattern = indexed($block, $section, $i, $many) // '';
            $pattern =~ s/\$ServerPort\b/$ServerPort/g;
            my $check = $type eq 'like' ? \&like : \&unlike;
            # the name quotes the body on one line, as openresty's does
            (my $summary = $body) =~ s/^\s+|\s+$//g;
            $summary =~ s/\n/ /g;
            $summary =~ s/\s{2,}/ /g;
            $check->($body, qr/$pattern/s,
                "$name - $section - response is expected ($summary)");
        }
    }

    $_->($block, $body, $i, $repeat, 0) for @ResponseBodyChecks;
}

# "Name: value" (exact value; "Name:" for present and empty), "!Name"
# or "Name" alone (absent): name => value, or name => undef.
sub header_specs {
    my ($text) = @_;
    my %headers;
    for my $line (split /\n/, $text // '') {
        $line =~ s/^\s+|\s+$//g;
        if ($line =~ s/^!\s*//) {
            $headers{$line} = undef;
            next;
        }
        my ($key, $value) = split /\s*:\s*/, $line, 2;
        $headers{$key} = $value;
    }
    return \%headers;
}

#----------------------------------------------------------------------
# Helpers
#----------------------------------------------------------------------

sub expand_env {
    my ($text, $name, $section) = @_;
    return $text if !defined $text || ref $text;
    $text =~ s{\$(TEST_NGINX_[_A-Z0-9]+)}{
        $ENV{$1} // bail_out("$name - No environment $1 defined"
            . " (--- $section)")
    }ge;
    return $text;
}

# "1.5", "2s" or "500ms" to seconds.
sub parse_time {
    my ($time) = @_;
    return undef unless defined $time;
    $time =~ s/^\s+|\s+$//g;
    return $1 / 1000 if $time =~ /^([\d.]+)ms$/;
    $time =~ s/s$//;
    return $time;
}

sub write_file {
    my ($path, $content) = @_;
    open my $fh, '>', $path or croak "cannot write $path: $!";
    binmode $fh;
    print $fh $content;
    close $fh or croak "cannot write $path: $!";
}

1;
