package JwtTest;

# Keys and tokens for the JWT suites, made at test time: HMAC in Perl,
# RSA/EC/Ed25519 keys and signatures with the openssl command, and JWK
# Sets written from those keys (their public parameters read back with
# "openssl pkey -text").

use strict;
use warnings;

use Digest::SHA qw(hmac_sha256 hmac_sha384 hmac_sha512);
use Exporter ();
use File::Temp qw(tempdir);
use JSON::PP ();
use MIME::Base64 qw(encode_base64 decode_base64);

our @ISA    = qw(Exporter);
our @EXPORT = qw(jwt_dir jwt_key jwt_hs jwt_sign b64url b64url_decode
                 jwt_input jwt_sign_input jwt_hs_input jwk jwk_oct
                 jwks_file jwt_secret_file);

my $Dir = tempdir(CLEANUP => 1);

sub jwt_dir { $Dir }

sub b64url {
    my ($bytes) = @_;
    my $s = encode_base64($bytes, '');
    $s =~ tr{+/}{-_};
    $s =~ s/=+\z//;
    return $s;
}

# strict base64url back to bytes (for tampering with a segment)
sub b64url_decode {
    my ($s) = @_;
    $s =~ tr{-_}{+/};
    $s .= '=' x ((4 - length($s) % 4) % 4);
    return decode_base64($s);
}

sub run {
    my ($cmd) = @_;
    my $out = `$cmd 2>/dev/null`;
    die "JwtTest: \"$cmd\" failed\n" if $?;
    return $out;
}

# jwt_key($name, $type): a private key and its public PEM in jwt_dir();
# type: rsa, ec256, ec384, ec521, ed25519.  Returns the public PEM path.
sub jwt_key {
    my ($name, $type) = @_;
    my %gen = (
        rsa     => '-algorithm RSA -pkeyopt rsa_keygen_bits:2048',
        ec256   => '-algorithm EC -pkeyopt ec_paramgen_curve:P-256',
        ec384   => '-algorithm EC -pkeyopt ec_paramgen_curve:P-384',
        ec521   => '-algorithm EC -pkeyopt ec_paramgen_curve:P-521',
        ed25519 => '-algorithm ED25519',
    );
    my $key = "$Dir/$name.key";
    unless (-f $key) {
        run("openssl genpkey $gen{$type} -out $key");
        run("openssl pkey -in $key -pubout -out $Dir/$name.pem");
    }
    return "$Dir/$name.pem";
}

sub encode_parts {
    my ($header, $claims) = @_;
    my $json = JSON::PP->new->canonical;
    return b64url($json->encode($header)) . '.' . b64url($json->encode($claims));
}

# the header: "typ" is JWT unless given; typ => undef leaves it out
sub header {
    my (%header) = @_;
    $header{typ} = 'JWT' unless exists $header{typ};
    delete $header{typ} unless defined $header{typ};
    return \%header;
}

# jwt_input($header_json, $claims_json): "b64url.b64url" of two texts
# taken as they are (for malformed or hand-written JSON)
sub jwt_input {
    my ($header, $claims) = @_;
    return b64url($header) . '.' . b64url($claims);
}

# jwt_hs($secret, $claims, %header): an HS256/384/512 token
sub jwt_hs {
    my ($secret, $claims, %header) = @_;
    $header{alg} //= 'HS256';
    my $input = encode_parts(header(%header), $claims);
    return "$input." . jwt_hs_input($secret, $header{alg}, $input);
}

# jwt_hs_input($secret, $alg, $input): the b64url HMAC of $input
sub jwt_hs_input {
    my ($secret, $alg, $input) = @_;
    my %mac = (HS256 => \&hmac_sha256, HS384 => \&hmac_sha384,
               HS512 => \&hmac_sha512);
    die "JwtTest: no HMAC for $alg\n" unless $mac{$alg};
    return b64url($mac{$alg}->($input, $secret));
}

# jwt_sign($keyname, $claims, %header): RS*, PS*, ES*, EdDSA with openssl
sub jwt_sign {
    my ($name, $claims, %header) = @_;
    my $input = encode_parts(header(%header), $claims);
    return "$input." . jwt_sign_input($name, $header{alg}, $input);
}

# jwt_sign_input($keyname, $alg, $input): the b64url signature of $input
sub jwt_sign_input {
    my ($name, $alg, $input) = @_;
    my $in = "$Dir/input";
    open my $fh, '>', $in or die;
    print $fh $input;
    close $fh;
    my $key = "$Dir/$name.key";
    my ($hash) = $alg =~ /(\d+)$/;
    my $sig;
    if ($alg =~ /^RS/) {
        $sig = run("openssl dgst -sha$hash -sign $key $in");
    } elsif ($alg =~ /^PS/) {
        $sig = run("openssl dgst -sha$hash -sigopt rsa_padding_mode:pss"
                   . " -sigopt rsa_pss_saltlen:digest -sign $key $in");
    } elsif ($alg =~ /^ES/) {
        my $der = run("openssl dgst -sha$hash -sign $key $in");
        $sig = der_to_raw($der, {256 => 32, 384 => 48, 512 => 66}->{$hash});
    } elsif ($alg eq 'EdDSA') {
        $sig = run("openssl pkeyutl -sign -rawin -inkey $key -in $in");
    } else {
        die "JwtTest: no signer for $alg\n";
    }
    return b64url($sig);
}

# ECDSA-Sig-Value DER -> R || S, each left-padded to $size bytes
sub der_to_raw {
    my ($der, $size) = @_;
    my @b = unpack 'C*', $der;
    my $i = 2;
    $i++ if $b[1] & 0x80;
    my @parts;
    for (1 .. 2) {
        my $len = $b[$i + 1];
        my @int = @b[$i + 2 .. $i + 1 + $len];
        shift @int while @int > $size && $int[0] == 0;
        unshift @int, 0 while @int < $size;
        push @parts, @int;
        $i += 2 + $len;
    }
    return pack 'C*', @parts;
}

# the public parameters of key $name: ('RSA', n, e), ('EC', crv, x, y)
# or ('OKP', 'Ed25519', x), as bytes
sub public_params {
    my ($name) = @_;
    my $text = run("openssl pkey -pubin -in $Dir/$name.pem -text -noout");
    my $hex = sub {
        my ($label) = @_;
        $text =~ /^\Q$label\E:\s*\n((?:[ \t]+[0-9a-f:]+\s*\n)+)/m
            or die "JwtTest: no $label in the text of $name\n";
        (my $h = $1) =~ s/[^0-9a-f]//g;
        return pack 'H*', $h;
    };
    if ($text =~ /^RSA Public-Key|^Public-Key: \(\d+ bit\)\s*\nModulus/m) {
        my $n = $hex->('Modulus');
        $n =~ s/\A\x00+//;
        my ($e) = $text =~ /^Exponent: (\d+)/m or die "JwtTest: no exponent\n";
        my $eb = '';
        while ($e) { $eb = chr($e & 0xff) . $eb; $e >>= 8 }
        return ('RSA', $n, $eb);
    }
    if ($text =~ /^ED25519 Public-Key/m) {
        return ('OKP', 'Ed25519', $hex->('pub'));
    }
    my ($crv) = $text =~ /^NIST CURVE: (P-\d+)/m
        or die "JwtTest: $name is neither RSA, EC nor Ed25519\n";
    my $point = $hex->('pub');
    die "JwtTest: $name: not an uncompressed point\n"
        unless substr($point, 0, 1) eq "\x04";
    my $size = (length($point) - 1) / 2;
    return ('EC', $crv, substr($point, 1, $size), substr($point, 1 + $size));
}

# jwk($keyname, %members): the public JWK (a hash) of a key made with
# jwt_key(), with the extra members given (kid, alg, use, ...)
sub jwk {
    my ($name, %members) = @_;
    my ($kty, @p) = public_params($name);
    my %jwk = (kty => $kty);
    if ($kty eq 'RSA') {
        @jwk{qw(n e)} = map { b64url($_) } @p;
    } elsif ($kty eq 'EC') {
        $jwk{crv} = $p[0];
        @jwk{qw(x y)} = map { b64url($_) } @p[1, 2];
    } else {
        $jwk{crv} = $p[0];
        $jwk{x} = b64url($p[1]);
    }
    return { %jwk, %members };
}

# jwk_oct($secret, %members): an HMAC key as a JWK
sub jwk_oct {
    my ($secret, %members) = @_;
    return { kty => 'oct', k => b64url($secret), %members };
}

# jwks_file($file, @jwks): writes {"keys":[...]} to jwt_dir()/$file and
# returns its path
sub jwks_file {
    my ($file, @jwks) = @_;
    my $path = "$Dir/$file";
    open my $fh, '>', $path or die "JwtTest: $path: $!\n";
    print $fh JSON::PP->new->canonical->encode({keys => \@jwks});
    close $fh;
    return $path;
}

# jwt_secret_file($file, $secret): writes an HMAC secret file, mode 600
sub jwt_secret_file {
    my ($file, $secret) = @_;
    my $path = "$Dir/$file";
    open my $fh, '>', $path or die "JwtTest: $path: $!\n";
    print $fh $secret;
    close $fh;
    chmod 0600, $path;
    return $path;
}

{
    no strict 'refs';
    *{"Test::Base::Filter::$_"} = \&$_ for @EXPORT;
}

1;
