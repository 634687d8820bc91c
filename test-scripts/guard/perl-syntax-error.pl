#!/usr/bin/perl
# A syntax error: perl stops before printing any header.
print "Content-Type: text/plain\n\n" +;
