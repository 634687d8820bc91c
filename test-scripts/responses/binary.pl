#!/usr/bin/perl
# 256 KiB of every byte value in order, to check a binary body arrives byte for byte.
use strict;
use warnings;
binmode STDOUT;
print "Content-Type: application/octet-stream\r\n\r\n";
my $block = join('', map { chr } 0 .. 255);
print $block x 1024;
