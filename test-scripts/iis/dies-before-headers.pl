#!/usr/bin/perl
# Dies before any header, leaving a marker on stderr that only a detailed page may show.
print STDERR "iis-e2e-stderr-marker: database password rejected\n";
exit 3;
