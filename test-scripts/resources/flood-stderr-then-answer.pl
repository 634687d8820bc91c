#!/usr/bin/perl
# Writes MiB of stderr (64 unless the query string says how many) before its header block.
my $mib = ($ENV{QUERY_STRING} // '') =~ /^(\d+)$/ ? $1 : 64;
my $line = ("e" x 1023) . "\n";
print STDERR $line for 1 .. $mib * 1024;
print "Content-Type: text/plain\r\n\r\nflooded $mib\n";
