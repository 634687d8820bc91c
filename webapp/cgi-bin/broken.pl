#!/usr/bin/perl
# Needs a module that is not installed: Perl dies at compile time, before any header.
use strict;
use warnings;
use No::Such::Module;
print "Content-Type: text/plain\r\n\r\nunreachable\n";
