# Every ```nginx example of docs/authentication.md loads in the stock
# nginx with the module ("nginx -t", without a warning), so that the
# guide cannot rot.  Each example is a file for the http block; it is
# tested as it is written, except for what cannot exist on a test
# machine: the files under /etc/nginx/ are made here (TLS certificate,
# PlayFab secret, API keys, JWT keys) and their paths moved into a
# temporary directory, and the PlayFab host name, which nginx resolves
# at configuration time (a test machine has no DNS), becomes 127.0.0.1.

use strict;
use warnings;

use Cwd qw(abs_path);
use Digest::SHA qw(sha256_hex);
use File::Basename qw(basename dirname);
use File::Copy qw(copy);
use File::Path qw(make_path);
use File::Spec ();
use File::Temp qw(tempdir);
use JSON::PP ();
use Test::More;

use lib 't/lib';
use JwtTest;

my $Root = abs_path(dirname(abs_path(__FILE__)) . '/..');
my $Guide = "$Root/docs/authentication.md";

# TEST_NGINX_LOAD_MODULES set and empty: the module is built into the
# binary (./configure --add-module), there is nothing to load.
my ($Module) = split ' ', ($ENV{TEST_NGINX_LOAD_MODULES}
    // "$Root/build/nginx/objs/ngx_http_playfab_party_module.so");
my $Nginx = $ENV{TEST_NGINX_BINARY} || find_nginx();
my $LoadModule = '';

if (defined $Module) {
    $Module = File::Spec->rel2abs($Module);
    plan skip_all => "no module at $Module (./build.sh first)"
        unless -f $Module;
    $LoadModule = "load_module $Module;";
}

open my $fh, '<', $Guide or die "$Guide: $!\n";
my $text = do { local $/; <$fh> };
close $fh;

my @examples = $text =~ /^```nginx\n(.*?)^```\s*$/msg;


# --- the guide has one example per method --------------------------------

cmp_ok(scalar @examples, '>=', 5, 'the guide has at least five nginx examples');

my %covered = (
    'api_key'                 => qr/^\s*playfab_auth\s+api_key\s/m,
    'jwt with a PEM key'      => qr/^\s*playfab_auth_jwt_key\s+pem\s/m,
    'jwt with a JWKS'         => qr/^\s*playfab_auth_jwt_key\s+jwks\s/m,
    'jwt with keys fetched from the provider'
        => qr/^\s*playfab_auth_jwt_key_request\s/m,
    'entity_token bound'      => qr/^\s*playfab_auth\s+entity_token\s*;.*
                                    ^\s*playfab_party_bind_invitation\s+on\s*;/msx,
    'a game API behind proxy_pass with the identity'
        => qr/^\s*proxy_set_header\s+\S+\s+\$playfab_(?:jwt_claim_\w+|auth_subject)\s*;.*
              ^\s*proxy_pass\s+http:\/\/(?!playfab_api)/msx,
    'a per-caller rate limit on the principal'
        => qr/^\s*limit_req_zone\s+\$playfab_auth_principal\s/m,
);

for my $what (sort keys %covered) {
    ok(scalar(grep { $_ =~ $covered{$what} } @examples),
       "an example shows $what");
}


# --- the files the examples name ------------------------------------------

my $Keys = tempdir(CLEANUP => 1);

sub run {
    my ($cmd) = @_;
    system("$cmd >/dev/null 2>&1") == 0 or die "\"$cmd\" failed\n";
}

run("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=edge"
    . " -keyout $Keys/edge.key -out $Keys/edge.crt");
jwt_key('idp', 'rsa');
jwt_key('idp-ec', 'ec256');
jwks_file('jwks.json', jwk('idp', kid => 'idp-2026-01', use => 'sig', alg => 'RS256'),
          jwk('idp-ec', kid => 'idp-2026-07', use => 'sig', alg => 'ES256'));

# file name under /etc/nginx/ => [content or source file, private]
my %Files = (
    'tls/edge.crt'              => [ \"$Keys/edge.crt", 0 ],
    'tls/edge.key'              => [ \"$Keys/edge.key", 1 ],
    'playfab/secret'            => [ "title-secret-key-for-nginx-t\n", 1 ],
    'playfab/api-keys'          => [ "# name sha256(key)\n"
                                     . 'matchmaker ' . sha256_hex('k-1') . "\n", 1 ],
    'playfab/jwt/idp.pem'       => [ \(jwt_dir() . '/idp.pem'), 0 ],
    'playfab/jwt/jwks.json'     => [ \(jwt_dir() . '/jwks.json'), 0 ],
    'playfab/jwt/hs256.secret'  => [ ('s' x 32) . "\n", 1 ],
);

sub find_nginx {
    for my $dir (File::Spec->path) {
        my $file = File::Spec->catfile($dir, 'nginx');
        return $file if -f $file && -x _;
    }
    return '/usr/sbin/nginx';
}


# --- each example under nginx -t ------------------------------------------

my $n = 0;

for my $example (@examples) {
    $n++;
    my ($title) = $example =~ /^#\s*(.*)$/m;
    my $name = "example $n (" . ($title // 'untitled') . ')';
    my $dir = tempdir(CLEANUP => 1);
    make_path("$dir/logs");

    my $conf = $example;
    my $ok = 1;

    (my $directives = $example) =~ s/#.*$//mg;
    my %seen;

    for my $path (grep { !$seen{$_}++ } sort { length $b <=> length $a }
                  $directives =~ m{(/etc/nginx/[^\s;"']+)}g)
    {
        (my $rel = $path) =~ s{^/etc/nginx/}{};
        my $file = $Files{$rel};
        if (!$file) {
            fail("$name: t/163-auth-docs.t knows how to make $path");
            $ok = 0;
            next;
        }
        my $dest = "$dir/etc/nginx/$rel";
        make_path(dirname($dest));
        my ($content, $private) = @$file;
        if (ref $content) {
            copy($$content, $dest) or die "copy $$content: $!\n";
        }
        else {
            open my $out, '>', $dest or die "$dest: $!\n";
            print $out $content;
            close $out;
        }
        chmod($private ? 0600 : 0644, $dest);
        $conf =~ s{\Q$path\E(?=[\s;"'])}{$dest}g;
    }
    next unless $ok;

    # no DNS on a test machine: only the upstream's host name changes
    $conf =~ s{^(\s*server\s+)[A-Za-z0-9]+\.playfabapi\.com(:\d+\s*;)}{${1}127.0.0.1$2}mg;

    my $temp = join '', map { "    ${_}_temp_path $dir/${_}_temp;\n" }
        qw(client_body proxy fastcgi uwsgi scgi);

    open my $out, '>', "$dir/nginx.conf" or die "$dir/nginx.conf: $!\n";
    print $out <<"EOC";
$LoadModule
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 64; }
http {
$temp
$conf
}
EOC
    close $out;

    my $output = `$Nginx -t -p $dir/ -c $dir/nginx.conf -e $dir/logs/error.log 2>&1`;
    my $status = $?;

    ok($status == 0 && $output =~ /test is successful/,
       "$name: nginx -t accepts it")
        or diag($output);
    unlike($output, qr/\[(?:warn|emerg|alert|crit|error)\]/,
           "$name: nginx -t has no warning");
}

done_testing();
