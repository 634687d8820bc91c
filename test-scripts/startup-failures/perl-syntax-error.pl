#!/usr/bin/perl
# A syntax error: perl stops at compile time and says so on stderr.
use strict;
my $x = ;
print "Content-Type: text/plain\n\n";
