#!C:\Perl\bin\perl.exe
# Saved on Windows beside the static pages of reports/: CRLF line endings, a Windows
# #! line and no execute bit. The site-level *.pl mapping runs it with /usr/bin/perl.
use strict;
use warnings;

print "Content-Type: text/plain\r\n\r\n";
print "report from perl beside the static pages\n";
print "method=$ENV{REQUEST_METHOD}\n";
print "script_name=$ENV{SCRIPT_NAME}\n";
print "path_info=$ENV{PATH_INFO}\n";
for my $name (qw(URL APPL_MD_PATH INSTANCE_ID SERVER_PORT_SECURE HTTPS)) {
  print lc($name), "=", ($ENV{$name} // "(unset)"), "\n";
}
