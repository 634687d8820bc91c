#!/usr/bin/perl
# Prints its environment NUL-separated; perl adds no variable of its own.
print "$_=$ENV{$_}\0" for sort keys %ENV;
