#!/usr/bin/perl
# The smallest useful CGI script.
use strict;
use warnings;
print "Content-Type: text/html; charset=utf-8\r\n\r\n";
print "<!DOCTYPE html><title>hello</title><h1>Hello from Perl</h1>\n";
print "<p>Served by ", ($ENV{SERVER_SOFTWARE} =~ s/[<>&]//gr), " at ", scalar(localtime), ".</p>\n";
