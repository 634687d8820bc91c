#!/usr/bin/perl
# The trivial CGI response in Perl: what it costs is perl's own start-up.
print "Content-Type: text/plain\r\n\r\nhello from perl\n";
