#!/usr/bin/perl
# Asks for far more memory than a small address-space limit allows, before any header.
my $big = "x" x (512 * 1024 * 1024);
print "Content-Type: text/plain\n\n", length($big), "\n";
