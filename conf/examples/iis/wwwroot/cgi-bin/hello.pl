#!C:\Perl\bin\perl.exe
# Saved on Windows: CRLF line endings and a Windows #! line. Under cgiguard the
# *.pl handler mapping runs it with /usr/bin/perl, whatever this first line says.
use strict;
use warnings;

print "Content-Type: text/plain\r\n\r\n";
print "hello from perl via the .pl mapping\n";
print "method=$ENV{REQUEST_METHOD}\n";
