#!/usr/bin/perl
# No execute bit on purpose: in a script directory with no mapping this must never run.
# If it does, it leaves a marker beside its directory, in ../markers/.
use strict;
use warnings;
(my $dir = $ENV{SCRIPT_FILENAME}) =~ s{/[^/]*$}{};
open(my $marker, '>', "$dir/../markers/noexec.pl.ran") or die "no marker: $!";
close($marker);
print "Content-Type: text/plain\r\n\r\n";
print "noexec.pl ran\n";
