#!/usr/bin/perl
# Appends a line to a counter file, so the number of lines is the number of launches, then exits
# before its headers, until a file named healed appears next to the counter.
# The query names the counter (a plain name) in the temporary directory ($TMPDIR, else the system default).
use strict;
use warnings;
use File::Spec;
my $name = ($ENV{QUERY_STRING} // '') =~ /^([A-Za-z0-9_-]+)$/ ? $1 : 'default';
my $dir = File::Spec->tmpdir();
open(my $counter, '>>', File::Spec->catfile($dir, "cgiguard-launches-$name")) or die "counter: $!";
print $counter "run\n";
close($counter);
if (-e File::Spec->catfile($dir, 'healed')) {
  print "Content-Type: text/plain\n\nhealed\n";
  exit 0;
}
exit 1;
