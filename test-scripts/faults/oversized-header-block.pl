#!/usr/bin/perl
# One header field of 200 KiB: far past any sane header block limit.
$| = 1;
print "Content-Type: text/plain\r\n";
print "X-Filler: ", "a" x (200 * 1024), "\r\n\r\nbody\n";
