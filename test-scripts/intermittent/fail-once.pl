#!/usr/bin/perl
# Fails before its headers on the first run for a counter name, succeeds afterwards.
use strict;
use warnings;
use File::Spec;
my $name = ($ENV{QUERY_STRING} // '') =~ /^([A-Za-z0-9_-]+)$/ ? $1 : 'default';
my $file = File::Spec->catfile(File::Spec->tmpdir(), "cgiguard-once-$name");
if (!-e $file) {
  open(my $fh, '>', $file) or die "marker: $!";
  close($fh);
  exit 1;
}
print "Content-Type: text/plain\n\nsecond time lucky\n";
