#!/usr/bin/perl
# No execute bit: a handler mapping names its interpreter. Prints what a migrated script reads.
use strict;
use warnings;
print "Content-Type: text/plain\r\n\r\n";
print "report ran\n";
for my $name (qw(REQUEST_METHOD SCRIPT_NAME PATH_INFO PATH_TRANSLATED URL APPL_MD_PATH
    APPL_PHYSICAL_PATH INSTANCE_ID INSTANCE_META_PATH SERVER_PORT_SECURE HTTPS LOGON_USER
    AUTH_USER LOCAL_ADDR)) {
  print "$name=", (defined $ENV{$name} ? $ENV{$name} : "(unset)"), "\n";
}
