# docs/testing.md quotes t/190-studio-example.t whole, as the example a
# studio starts from: the quote must be the file, byte for byte, so that
# what the document shows is what passes under both runners.

use strict;
use warnings;

use File::Basename qw(dirname);
use Test::More;

my $root = dirname(__FILE__) . '/..';

sub slurp {
    my ($path) = @_;
    open my $fh, '<', $path or die "$path: $!";
    local $/;
    return scalar <$fh>;
}

my $doc  = slurp("$root/docs/testing.md");
my $file = slurp("$root/t/190-studio-example.t");

my ($quote) = $doc =~ /^### A complete example\n.*?^```perl\n(.*?)^```$/ms;
ok(defined $quote, 'docs/testing.md has the example under "A complete example"');
is($quote, $file, 'the example is t/190-studio-example.t as it is');

done_testing();
