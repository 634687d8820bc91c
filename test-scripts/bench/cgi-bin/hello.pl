#!/usr/bin/perl
# The Perl variant of the benchmark's trivial CGI: the cost measured is perl's own start-up.
print "Content-Type: text/plain\r\n\r\nhello\n";
