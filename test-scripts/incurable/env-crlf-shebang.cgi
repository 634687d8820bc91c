#!/usr/bin/env perl
print "Content-Type: text/plain\n\nunreachable\n";
