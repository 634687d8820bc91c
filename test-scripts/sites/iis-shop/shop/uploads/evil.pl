#!/usr/bin/perl
# An upload: IIS's accessPolicy="Read" keeps it from running here.
print "Content-Type: text/plain\r\n\r\nuploaded script ran\n";
