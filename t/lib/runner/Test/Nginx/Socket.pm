package Test::Nginx::Socket;

=pod

=head1 NAME

Test::Nginx::Socket - minimal stand-in for CPAN's Test::Nginx::Socket

=head1 DESCRIPTION

This is a small, independent re-implementation of the data-driven test
format of CPAN's L<Test::Nginx::Socket> (openresty/test-nginx). It is used
only when the CPAN module is not installed: the test harness puts
F<t/lib/runner> into C<PERL5LIB> when C<perl -MTest::Nginx::Socket -e1>
fails. It is built on L<Test::Base> and needs nothing beyond core Perl.

Every block gets a freshly generated F<nginx.conf>, its own nginx process
(started in the foreground with C<daemon off>, stopped after the block)
and its requests sent over plain TCP to 127.0.0.1.

=head2 Exported functions

C<plan> and the rest of Test::More's and Test::Base's exports (C<blocks>,
C<is>, C<like>, C<ok>, C<diag>, ...), plus:

    run_tests                 repeat_each([n])    (default 1)
    workers(n)                worker_connections(n)   (default 64)
    master_on                 master_off          (default off)
    master_process_enabled([bool])
    log_level([level])        (default debug)
    no_shuffle                no_long_string      (both accepted, no-ops:
                                                   blocks run in file order)
    no_root_location          env_to_nginx(@vars)
    add_block_preprocessor(sub { my $block = shift; ... })
                              (run in registration order before each block)
    server_port([port])       timeout([seconds])  (default 3)
    html_dir                  server_root / servroot
    bail_out(@msg)

C<use Test::Nginx::Socket 'no_plan'> and C<< tests => N >> are passed on to
Test::More; C<run_tests> plans C<no_plan> if nothing was planned.

=head2 Block sections

    main_config  http_config  config  user_files (text or eval ARRAY of
    [name, content])  request (text, or eval ARRAY for several requests)
    raw_request (text, or eval ARRAY of pieces written one after another)
    raw_request_middle_delay  more_headers (text or per-request ARRAY)
    error_code  error_code_like  response_body  response_body_like
    response_body_unlike  response_headers  response_headers_like
    error_log  no_error_log  must_die  timeout  wait  log_level  abort
    ignore_response  expect_worker_crash  skip_eval  SKIP  ONLY  LAST

Expected values (error_code, response_*) may be eval ARRAYs with one entry
per request; a plain value applies to every request. C<response_headers>
lines are C<Name: value> (exact), C<!Name> (absent) or C<Name:> (present
and empty); C<response_headers_like> values are anchored regexes, as in
CPAN. C<response_body_like> text is chomped and matched with C</s>.
C<error_log> and C<no_error_log> are substring patterns (one per line, or
an eval string, qr// or ARRAY) checked once per block, after nginx has
stopped, against everything it logged (error.log and stderr). Every block
also gets a "no worker crash" assertion. Unknown sections are ignored.

C<--- skip_eval: N: CODE> skips the block, as N skipped tests named
"NAME - skip_eval", when the Perl CODE returns true (as in CPAN).

C<--- expect_worker_crash: 9> (signal numbers, space-separated) is for
blocks that kill workers on purpose: the "no worker crash" check then
lets "worker process N exited on signal S" through for those signals
(without "(core dumped)"); any other signal, a core dump or a sanitizer
report still fails the block. This section is not in CPAN's
Test::Nginx, which has no such check.

C<$TEST_NGINX_*> variables are expanded in main_config, http_config,
config, user_files, request, raw_request, more_headers, response_body,
error_log and no_error_log.

=head2 Environment

TEST_NGINX_BINARY, TEST_NGINX_SERVER_PORT / TEST_NGINX_PORT (default 1984),
TEST_NGINX_SERVROOT (default t/servroot), TEST_NGINX_LOAD_MODULES,
TEST_NGINX_TIMEOUT, TEST_NGINX_NO_CLEAN. The runner sets
TEST_NGINX_SERVER_PORT, TEST_NGINX_SERVER_ROOT and TEST_NGINX_HTML_DIR.

=head2 Differences from CPAN

No HTTP/2, pipelined_requests, request packets, access_log, grep_error_log,
shutdown_error_log, valgrind/stap/check-leak modes, TEST_NGINX_RAND_PORT_*
or user_files timestamps. Error-log patterns and the crash check are
counted once per block rather than once per repetition, so C<< tests => N >>
plans computed for CPAN will not match; prefer C<no_plan>.

=cut

use strict;
use warnings;

use Test::Base -base;

use File::Path qw(make_path remove_tree);
use File::Spec ();
use IO::Select ();
use IO::Socket::INET ();
use POSIX qw(:sys_wait_h SIGKILL);
use Time::HiRes qw(sleep time);

our @EXPORT = qw(
    run_tests repeat_each workers worker_connections
    master_on master_off master_process_enabled log_level
    no_shuffle no_long_string no_root_location env_to_nginx
    add_block_preprocessor server_port timeout html_dir
    server_root servroot bail_out
);

# Settings changed through the exported functions.
my $RepeatEach        = 1;
my $Workers           = 1;
my $WorkerConnections = 64;
my $MasterProcess     = 'off';
my $LogLevel          = 'debug';
my $NoRootLocation    = 0;
my @EnvToNginx;
my @BlockPreprocessors;

my $ServerPort = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT}
    || 1984;
my $Timeout = $ENV{TEST_NGINX_TIMEOUT} || 3;
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
$ENV{TEST_NGINX_HTML_DIR}    = $HtmlDir;

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

sub no_shuffle       { return }
sub no_long_string   { return }
sub no_root_location { $NoRootLocation = 1 }

sub env_to_nginx {
    for my $var (@_) {
        croak "env_to_nginx: bad variable \"$var\""
            if $var !~ /^[A-Za-z_]/ || $var =~ /\n/;
        push @EnvToNginx, $var;
    }
}

sub add_block_preprocessor (&) {
    push @BlockPreprocessors, shift;
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

sub run_tests {
    plan('no_plan') unless Test::More->builder->has_plan;
    for my $block (blocks()) {
        $_->($block) for @BlockPreprocessors;
        run_block($block);
    }
}

sub run_block {
    my ($block) = @_;
    my $name = $block->name;
    my $first_test = Test::More->builder->current_test;

    return if skip_block($block);

    # Work out everything that can die (bad section values, unset
    # variables) before nginx is started.
    my $must_die = $block->must_die;
    my $requests = defined $must_die ? [] : build_requests($block);
    my @wanted   = log_patterns($block, 'error_log');
    my @unwanted = log_patterns($block, 'no_error_log');

    setup_servroot();
    write_user_files($block);
    write_nginx_conf($block);
    my @log_offsets = map { -s $_ || 0 } $ErrorLog, $StderrLog;

    local @SIG{qw(INT TERM HUP)} = (\&interrupted) x 3;
    my $state = start_nginx();
    if (defined $must_die) {
        check_must_die($name, $must_die, $state);
    }
    elsif ($state eq 'up') {
        run_requests($block, $requests);
        sleep parse_time(scalar $block->wait) if $block->wait;
    }
    else {
        fail("$name - nginx started");
        diag($state eq 'stuck'
            ? "nginx did not listen on port $ServerPort within "
              . "$StartTimeout s"
            : "nginx exited with status " . describe_status($Nginx{status}));
    }
    my ($status, $how) = stop_nginx();

    my @log = read_log_lines(@log_offsets);
    check_error_log($name, \@log, \@wanted, \@unwanted);
    check_no_crash($name, \@log, $status, $how, $state eq 'up',
        scalar $block->expect_worker_crash);

    my @results = Test::More->builder->summary;
    diag_log_tail(\@log) if grep { !$_ } @results[$first_test .. $#results];
}

# "--- skip_eval: N: CODE": N skipped tests when CODE returns true.
sub skip_block {
    my ($block) = @_;
    my $name = $block->name;
    my $spec = $block->skip_eval;
    return 0 unless defined $spec;
    my ($count, $code) = $spec =~ /\A\s*(\d+)\s*:\s*(.*)\z/s
        or bail_out("$name - bad --- skip_eval \"$spec\" (N: CODE)");
    my $skip = eval $code;
    bail_out("$name - skip_eval - failed to eval the Perl code"
        . " \"$code\": $@") if $@;
    return 0 unless $skip;
    SKIP: { Test::More::skip("$name - skip_eval", $count) }
    return 1;
}

# Shows the end of what nginx logged, leaving out debug entries (and
# their continuation lines) unless there is nothing else.
sub diag_log_tail {
    my ($log) = @_;
    my $in_debug = 0;
    my @lines = grep {
        $in_debug = $1 eq 'debug' if m{^\d{4}/\d\d/\d\d [\d:]+ \[(\w+)\]};
        !$in_debug;
    } @$log;
    my $what = 'lines';
    if (@lines) {
        $what = 'non-debug lines' if @lines < @$log;
    }
    else {
        @lines = @$log;
    }
    return unless @lines;
    splice @lines, 0, @lines - 30 if @lines > 30;
    diag(join "\n", "last $what logged by nginx"
        . " (see $ServRoot/logs/):", @lines);
}

sub check_must_die {
    my ($name, $expected, $state) = @_;
    $expected =~ s/^\s+|\s+$//g;

    if ($state ne 'exited') {
        fail("$name - die as expected");
        diag("nginx did not exit on its own");
        return;
    }
    my $status = $Nginx{status};
    if (WIFSIGNALED($status)) {
        fail("$name - die as expected");
        diag("nginx was killed by signal " . WTERMSIG($status));
    }
    elsif ($expected =~ /^\d+$/) {
        is(WEXITSTATUS($status), $expected,
            "$name - die with the expected exit code");
    }
    else {
        ok(WEXITSTATUS($status) != 0, "$name - die as expected");
    }
}

sub run_requests {
    my ($block, $requests) = @_;
    my $name    = $block->name;
    my $timeout = parse_time(scalar $block->timeout) // $Timeout;

    for my $repeat (1 .. $RepeatEach) {
        for my $i (0 .. $#$requests) {
            my @notes;
            push @notes, 'req ' . ($i + 1) if @$requests > 1;
            push @notes, "repeat $repeat" if $RepeatEach > 1;
            my $suffix = @notes ? ' (' . join(', ', @notes) . ')' : '';

            my $req = $requests->[$i];
            my ($raw, $error) = send_request($req->{pieces}, $timeout,
                parse_time(scalar $block->raw_request_middle_delay));
            if ($error && !($error =~ /^timeout/ && defined $block->abort)) {
                fail("$name - $error$suffix");
            }
            next if defined $block->ignore_response;

            my $res = parse_response($raw, $req->{head});
            if ($res->{error} && !$error) {
                fail("$name - malformed response: $res->{error}$suffix");
            }
            check_response($block, $res, $i, $suffix);
        }
    }
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
                '-p', "$ServRoot/", '-c', 'conf/nginx.conf';
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

# Returns a list of { pieces => [byte strings], head => bool }.
sub build_requests {
    my ($block) = @_;
    my $name = $block->name;

    my $raw = $block->raw_request;
    if (defined $raw) {
        my @pieces = map { expand_env($_, $name, 'raw_request') }
            ref $raw eq 'ARRAY' ? @$raw : ($raw);
        croak "$name - --- raw_request is empty" unless @pieces;
        my $head = $pieces[0] =~ /^\s*HEAD\s/ ? 1 : 0;
        return [ { pieces => \@pieces, head => $head } ];
    }

    my $request = $block->request;
    return [] unless defined $request;
    my @texts = ref $request eq 'ARRAY' ? @$request : ($request);
    my @requests;
    for my $i (0 .. $#texts) {
        croak "$name - request " . ($i + 1) . " must be a string"
            if ref $texts[$i];
        my $headers = for_request(scalar $block->more_headers, $i) // '';
        push @requests, http_request(
            $name,
            expand_env($texts[$i], $name, 'request'),
            expand_env($headers, $name, 'more_headers'),
        );
    }
    return \@requests;
}

# Turns "METHOD URI [VERSION]\nbody" plus more_headers lines into bytes.
sub http_request {
    my ($name, $text, $more_headers) = @_;

    # Leading blank lines and "#" comment lines are skipped.
    1 while $text =~ s/\A\s+// || $text =~ s/\A#[^\n]*(?:\n|\z)//;
    my ($line, $body) = split /\n/, $text, 2;
    croak "$name - --- request has no request line" unless defined $line;
    $line =~ s/\s+\z//;
    my ($method, @rest) = split ' ', $line;
    $line .= ' /' unless @rest;
    $line .= ' HTTP/1.1' if @rest < 2;
    $body //= '';
    $body =~ s/\A\s+|\s+\z//g;

    my @headers;
    for my $header (split /\n/, $more_headers) {
        next if $header =~ /^\s*(?:#|$)/;
        my ($key, $value) = split /:\s*/, $header, 2;
        push @headers, "$key: " . ($value // '');
    }
    my $has = sub {
        my ($re) = @_;
        return grep { /^$re\s*:/i } @headers;
    };
    unshift @headers, 'Connection: close' unless $has->('Connection');
    unshift @headers, 'Host: localhost'   unless $has->('Host');
    if (!$has->('Content-Length') && !$has->('Transfer-Encoding')
        && (length $body || $method =~ /^(?:POST|PUT)$/))
    {
        push @headers, 'Content-Length: ' . length $body;
    }

    my $bytes = join '', map { "$_\r\n" } $line, @headers;
    return { pieces => [ "$bytes\r\n$body" ], head => $method eq 'HEAD' };
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
    my %res = (status => '', headers => {}, body => '');

    my ($head, $rest) = split /\r\n\r\n/, $raw, 2;
    $rest //= '';
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
# Checks
#----------------------------------------------------------------------

sub check_response {
    my ($block, $res, $i, $suffix) = @_;
    my $name = $block->name;
    my $headers = $res->{headers};

    my $code_like = for_request(scalar $block->error_code_like, $i);
    if (defined $code_like) {
        like($res->{status}, qr/$code_like/, "$name - status code ok$suffix");
    }
    else {
        my $code = for_request(scalar $block->error_code, $i) // 200;
        $code =~ s/^\s+|\s+$//g;
        is($res->{status}, $code, "$name - status code ok$suffix");
    }

    my $exact = for_request(scalar $block->response_headers, $i);
    for my $line (header_lines($exact)) {
        if ($line =~ /^!\s*(.+)/) {
            ok(!exists $headers->{ lc $1 },
                "$name - header $1 not present$suffix");
            next;
        }
        my ($key, $value) = split /\s*:\s*/, $line, 2;
        is($headers->{ lc $key }, $value // '',
            "$name - header $key ok$suffix");
    }

    my $like = for_request(scalar $block->response_headers_like, $i);
    for my $line (header_lines($like)) {
        my ($key, $re) = split /\s*:\s*/, $line, 2;
        like($headers->{ lc $key } // '', qr/^$re$/,
            "$name - header $key like ok$suffix");
    }

    if (defined $block->response_body) {
        my $expected = for_request(scalar $block->response_body, $i);
        return unless defined $expected;
        if (ref $expected eq 'Regexp') {
            like($res->{body}, $expected,
                "$name - response_body - like$suffix");
        }
        else {
            is($res->{body}, expand_env($expected, $name, 'response_body'),
                "$name - response_body - response is expected$suffix");
        }
        return;
    }

    for my $type (qw(like unlike)) {
        my $section = "response_body_$type";
        my $pattern = for_request(scalar $block->$section, $i);
        next unless defined $pattern;
        if (!ref $pattern) {
            chomp $pattern;
            $pattern = qr/$pattern/s;
        }
        my $check = $type eq 'like' ? \&like : \&unlike;
        $check->($res->{body}, $pattern,
            "$name - response_body_$type - response is expected$suffix");
    }
}

sub check_error_log {
    my ($name, $log, $wanted, $unwanted) = @_;

    for my $pattern (@$wanted) {
        ok(scalar(grep { log_match($_, $pattern) } @$log),
            qq{$name - pattern "$pattern" should match a line in error.log});
    }
    for my $pattern (@$unwanted) {
        my @hits = grep { log_match($_, $pattern) } @$log;
        ok(!@hits, qq{$name - pattern "$pattern" should not match any line}
            . ' in error.log')
            or diag(join "\n", 'matching lines:',
                @hits > 3 ? (@hits[0 .. 2], '...') : @hits);
    }
}

sub check_no_crash {
    my ($name, $log, $status, $how, $was_up, $expected) = @_;

    my %signals = map { $_ => 1 } split ' ', $expected // '';
    my @problems = grep {
        /$CrashRegex/
            && !(/ worker process \d+ exited on signal (\d+)$/
                 && $signals{$1})
    } @$log;
    splice @problems, 5, @problems, '...' if @problems > 5;
    if ($how eq 'self' && $was_up) {
        push @problems, 'nginx exited during the test with '
            . describe_status($status);
    }
    elsif (WIFSIGNALED($status) && $how ne 'KILL') {
        push @problems, 'nginx died of signal ' . WTERMSIG($status);
    }
    ok(!@problems, "$name - no worker crash")
        or diag(join "\n", @problems);
}

sub log_match {
    my ($line, $pattern) = @_;
    return ref $pattern ? $line =~ $pattern : index($line, $pattern) >= 0;
}

# The patterns of an error_log / no_error_log section: lines of text, a
# qr//, or an ARRAY of strings and qr//s.
sub log_patterns {
    my ($block, $section) = @_;
    my $value = $block->$section;
    return () unless defined $value;

    my $name = $block->name;
    return map { ref $_ ? $_ : expand_env($_, $name, $section) }
        grep { defined } @$value
        if ref $value eq 'ARRAY';
    return $value if ref $value;
    return grep { /\S/ } split /\n/, expand_env($value, $name, $section);
}

# The lines nginx logged during this block: error.log then stderr.
sub read_log_lines {
    my @offsets = @_;
    my @lines;
    for my $file ($ErrorLog, $StderrLog) {
        my $offset = shift @offsets;
        open my $fh, '<', $file or next;
        seek $fh, $offset, 0;
        chomp(my @new = <$fh>);
        push @lines, @new;
    }
    return @lines;
}

#----------------------------------------------------------------------
# Helpers
#----------------------------------------------------------------------

# An expected value for request $i: ARRAYs hold one entry per request,
# anything else applies to every request.
sub for_request {
    my ($value, $i) = @_;
    return ref $value eq 'ARRAY' ? $value->[$i] : $value;
}

sub header_lines {
    my ($text) = @_;
    return () unless defined $text;
    return grep { length } map { s/^\s+|\s+$//gr } split /\n/, $text;
}

sub expand_env {
    my ($text, $name, $section) = @_;
    return $text if !defined $text || ref $text;
    $text =~ s{\$(TEST_NGINX_[_A-Z0-9]+)}{
        $ENV{$1} // die "$name - --- $section uses \$$1, which is not set"
            . " in the environment\n"
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
