#!/usr/bin/perl
# A CGI.pm form handler: echoes the text field "title" and the uploaded file's name, size and sha256.
use strict;
use warnings;
use CGI;
use Digest::SHA;

my $q = CGI->new;
my $title = $q->param('title') // '(none)';
my $name = $q->param('document') // '(none)';
my $fh = $q->upload('document');
my ($size, $digest) = (0, '(none)');
if (defined $fh) {
    binmode $fh;
    my $sha = Digest::SHA->new(256);
    my $buffer;
    while (my $n = read($fh, $buffer, 65536)) {
        $size += $n;
        $sha->add($buffer);
    }
    $digest = $sha->hexdigest;
}
print $q->header(-type => 'text/plain', -charset => 'UTF-8');
print "title=$title\nfile=$name\nsize=$size\nsha256=$digest\n";
