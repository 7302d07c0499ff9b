# The sources call downward only (docs/architecture.md): no circle of
# calls between files, and each floor header of the glue declares only
# what the files it names define (so that including the header of a
# floor never brings a file a function of another floor).
#
# A call is a use of "name(" in one .c file of a function that another
# .c file defines without "static": the same call graph a cross-reference
# tool draws, read here from the text.

use strict;
use warnings;

use File::Basename qw(dirname);
use Test::More;

my $src = dirname(__FILE__) . '/../src';

opendir my $dh, $src or die "$src: $!";
my @files = sort grep { /\.[ch]\z/ } readdir $dh;
closedir $dh;

my (%raw, %text);
for my $f (@files) {
    open my $fh, '<', "$src/$f" or die "$src/$f: $!";
    local $/;
    $raw{$f} = <$fh>;
    ($text{$f} = $raw{$f}) =~ s{/\*.*?\*/}{ }gs;  # comments are no calls
}

my @c = grep { /\.c\z/ } @files;

# the functions each file defines for others: "type\nname(" at column 0
my %defined_in;
for my $f (@c) {
    while ($text{$f} =~ /^(?!static\b)[A-Za-z_][\w \*]*\n(\w+)\(/mg) {
        $defined_in{$1} = $f;
    }
}
ok(scalar keys %defined_in > 100, 'the definitions are found')
    or diag(scalar keys %defined_in);

# calls between files
my %calls;
for my $f (@c) {
    for my $fn (keys %defined_in) {
        my $to = $defined_in{$fn};
        next if $to eq $f;
        $calls{$f}{$to}{$fn} = 1 if $text{$f} =~ /\b\Q$fn\E\s*\(/;
    }
}

# a circle, with the functions that make it
my (%state, @circle);
sub visit {
    my ($n, @path) = @_;
    return if @circle;
    if (($state{$n} // 0) == 1) {
        @circle = (@path, $n);
        shift @circle while $circle[0] ne $n;
        return;
    }
    return if $state{$n};
    $state{$n} = 1;
    visit($_, @path, $n) for sort keys %{ $calls{$n} || {} };
    $state{$n} = 2;
}
visit($_) for @c;

ok(!@circle, 'no circle of calls between the source files')
    or diag(join "\n", map {
        my ($a, $b) = @circle[$_, $_ + 1];
        "  $a -> $b: " . join(', ', sort keys %{ $calls{$a}{$b} });
    } 0 .. $#circle - 1);

# each floor header of the glue declares what its files define
for my $h (grep { /^ngx_http_playfab_\w+\.h\z/ } @files) {
    my @own = $raw{$h} =~ m{^/\* (\w+\.c) \*/$}mg;
    next unless @own;
    my %own = map { $_ => 1 } @own;
    my @decl = $text{$h} =~ m{^(?:[\w ]+?[\s*]+)?\**(ngx_http_playfab_\w+)\(}mg;
    for my $fn (@decl) {
        ok($own{ $defined_in{$fn} // '' },
           "$h declares $fn, which " . ($defined_in{$fn} // 'nothing')
           . ' defines: one of ' . join(', ', @own));
    }
}

done_testing();
