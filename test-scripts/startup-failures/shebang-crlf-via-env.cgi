#!/usr/bin/env perl
# Saved with Windows line endings: env looks for a program named "perl\r".
print "Content-Type: text/plain\r\n\r\nunreachable\r\n";
