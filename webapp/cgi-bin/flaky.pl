#!/usr/bin/perl
# Exits before its headers with probability 0.5 (or ?p=0.2): the gateway retries GET requests
# while nothing has reached the client, so most clients never see the failure.
use strict;
use warnings;
my ($p) = ($ENV{QUERY_STRING} // '') =~ /(?:^|&)p=(0(?:\.\d+)?|1(?:\.0+)?)(?:&|$)/;
$p = 0.5 unless defined $p;
srand();
if (rand() < $p) {
    print STDERR "flaky.pl: failing on purpose before the headers\n";
    exit 1;
}
print "Content-Type: text/plain\r\n\r\n";
print "This attempt succeeded. Look at the X-Cgiguard-Attempts response header.\n";
