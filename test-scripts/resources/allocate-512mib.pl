#!/usr/bin/perl
# Allocates 512 MiB before any header; under a smaller address-space limit perl dies with
# "Out of memory!" and prints nothing, without one it answers with the length it allocated.
my $big = "x" x (512 * 1024 * 1024);
print "Content-Type: text/plain\n\n", length($big), "\n";
