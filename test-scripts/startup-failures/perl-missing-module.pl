#!/usr/bin/perl
# A module that is not installed: BEGIN fails before any header.
use No::Such::CgiguardModule;
print "Content-Type: text/plain\n\nunreachable\n";
