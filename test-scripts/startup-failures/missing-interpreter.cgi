#!/usr/bin/no-such-perl
print "Content-Type: text/plain\n\nunreachable\n";
