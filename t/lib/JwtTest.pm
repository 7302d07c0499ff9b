package JwtTest;

# Keys and tokens for the JWT suites, made at test time: HMAC in Perl,
# RSA/EC/Ed25519 keys and signatures with the openssl command.

use strict;
use warnings;

use Digest::SHA qw(hmac_sha256 hmac_sha384 hmac_sha512);
use Exporter ();
use File::Temp qw(tempdir);
use JSON::PP ();
use MIME::Base64 qw(encode_base64 decode_base64);

our @ISA    = qw(Exporter);
our @EXPORT = qw(jwt_dir jwt_key jwt_hs jwt_sign b64url);

my $Dir = tempdir(CLEANUP => 1);

sub jwt_dir { $Dir }

sub b64url {
    my ($bytes) = @_;
    my $s = encode_base64($bytes, '');
    $s =~ tr{+/}{-_};
    $s =~ s/=+\z//;
    return $s;
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

# jwt_hs($secret, $claims, %header): an HS256/384/512 token
sub jwt_hs {
    my ($secret, $claims, %header) = @_;
    my $alg = $header{alg} //= 'HS256';
    $header{typ} //= 'JWT';
    my $input = encode_parts(\%header, $claims);
    my %mac = (HS256 => \&hmac_sha256, HS384 => \&hmac_sha384,
               HS512 => \&hmac_sha512);
    return "$input." . b64url($mac{$alg}->($input, $secret));
}

# jwt_sign($keyname, $claims, %header): RS*, PS*, ES*, EdDSA with openssl
sub jwt_sign {
    my ($name, $claims, %header) = @_;
    my $alg = $header{alg};
    $header{typ} //= 'JWT';
    my $input = encode_parts(\%header, $claims);
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
    return "$input." . b64url($sig);
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

{
    no strict 'refs';
    *{"Test::Base::Filter::$_"} = \&$_ for @EXPORT;
}

1;
