#!/usr/bin/perl
# Reads stdin to EOF and answers "<bytes> <sha256>", so a test can check what reached the script.
use strict;
use warnings;
use Digest::SHA;
binmode STDIN;
my $sha = Digest::SHA->new(256);
my $total = 0;
my $buffer;
while (my $n = sysread(STDIN, $buffer, 65536)) {
    $total += $n;
    $sha->add($buffer);
}
print "Content-Type: text/plain\r\n\r\n";
print $total, " ", $sha->hexdigest, "\n";
print "CONTENT_LENGTH=", (defined $ENV{CONTENT_LENGTH} ? $ENV{CONTENT_LENGTH} : "(unset)"), "\n";
