#!/usr/bin/perl
# Endless header lines without the blank line: more than max-header-bytes.
$| = 1;
print "Content-Type: text/plain\n";
for my $i (1 .. 20000) { print "X-Filler-$i: ", "y" x 40, "\n"; }
print "\nbody\n";
