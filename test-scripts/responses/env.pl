#!/usr/bin/perl
# Prints the script's whole environment, one NAME=VALUE per line, sorted, and its argv.
use strict;
use warnings;
binmode STDOUT;
print "Content-Type: text/plain\r\n\r\n";
for my $name (sort keys %ENV) {
    my $value = $ENV{$name};
    $value =~ s/\n/\\n/g;
    print "$name=$value\n";
}
print "ARGC=" . scalar(@ARGV) . "\n";
for my $i (0 .. $#ARGV) {
    print "ARGV$i=$ARGV[$i]\n";
}
use Cwd;
print "CWD=" . getcwd() . "\n";
