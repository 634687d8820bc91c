#!/usr/bin/perl
# A CGI.pm form with a file upload: shows the field and the uploaded file's size and digest.
use strict;
use warnings;
use CGI qw(-utf8);
use Digest::SHA qw(sha256_hex);
$CGI::POST_MAX = 16 * 1024 * 1024;
my $q = CGI->new;
print $q->header(-type => 'text/html', -charset => 'utf-8');
print "<!DOCTYPE html><title>form</title><h1>Upload</h1>\n";
if ($q->request_method eq 'POST') {
    my $name = $q->param('name') // '';
    my $fh = $q->upload('file');
    my $data = '';
    if ($fh) { local $/; binmode $fh; $data = <$fh>; }
    print "<p>name: ", $q->escapeHTML($name), "</p>\n";
    print "<p>file: ", $q->escapeHTML(scalar($q->param('file')) // ''), ", ", length($data),
        " bytes, sha256 ", sha256_hex($data), "</p>\n";
}
print <<'HTML';
<form method="post" enctype="multipart/form-data">
<p><label>Name <input name="name"></label></p>
<p><input type="file" name="file"></p>
<p><button>Send</button></p>
</form>
HTML
