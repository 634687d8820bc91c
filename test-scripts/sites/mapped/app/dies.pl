#!/usr/bin/perl
# Dies before any header: in a mapped site it gets the same diagnosis as in a script directory.
print STDERR "mapped-site-dies-marker\n";
exit 3;
