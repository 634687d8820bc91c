#!/usr/bin/perl
# Writes 64 MiB to stderr before a single byte to stdout, then one plain line that is not a CGI
# header block: a failure whose evidence is the tail of a flood.
my $line = ("e" x 1023) . "\n";
print STDERR $line for 1 .. 65536;
close STDERR;
print "done\n";
