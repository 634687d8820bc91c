#!/usr/bin/perl
# Exits before its headers with probability p (query p=0.3), otherwise answers 200.
# Seeding: the run's uniform number is the first 32 bits of MD5("seed:n") / 2^32, where seed comes
# from the query (seed=N) and n is this run's number, taken by appending a line to the counter file
# named by the query (counter=NAME, a plain name in the temporary directory, $TMPDIR or the system default).
# Each run draws a fresh, reproducible number; a hash rather than srand(seed + n) because
# drand48 outputs for consecutive seeds are correlated, which skews runs of retries.
use strict;
use warnings;
use Fcntl qw(:flock);
use File::Spec;
use Digest::MD5 qw(md5_hex);
my %q = map { my ($k, $v) = split /=/, $_, 2; ($k, $v // '') } split /&/, ($ENV{QUERY_STRING} // '');
my $p = defined $q{p} && $q{p} =~ /^[0-9.]+$/ ? $q{p} : 0.3;
my $seed = defined $q{seed} && $q{seed} =~ /^[0-9]+$/ ? $q{seed} : 1;
my $name = defined $q{counter} && $q{counter} =~ /^[A-Za-z0-9_-]+$/ ? $q{counter} : 'default';
my $file = File::Spec->catfile(File::Spec->tmpdir(), "cgiguard-flaky-$name");
open(my $fh, '+>>', $file) or die "counter: $!";
flock($fh, LOCK_EX) or die "lock: $!";
seek($fh, 0, 0);
my $n = 0;
$n++ while <$fh>;
print $fh "run\n";
close($fh);
my $u = hex(substr(md5_hex("$seed:$n"), 0, 8)) / 4294967296;
if ($u < $p) {
  print STDERR "flaky: failing run $n\n";
  exit 1;
}
print "Content-Type: text/plain\n\nok run $n\n";
