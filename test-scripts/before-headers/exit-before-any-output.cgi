#!/usr/bin/perl
# Says why on stderr and exits with status 3 before writing a byte of its response. The stderr
# line is evidence that only a detailed failure page may show.
print STDERR "about to fail: database password rejected\n";
exit 3;
