#!/usr/bin/perl
print "Content-Type: text/plain\r\n\r\nhello from $ENV{SCRIPT_NAME} method $ENV{REQUEST_METHOD}\n";
