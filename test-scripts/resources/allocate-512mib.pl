#!/usr/bin/perl
# Allocates 512 MiB at once; under a smaller address-space limit it must die.
my $big = "x" x (512 * 1024 * 1024);
print length($big), "\n";
