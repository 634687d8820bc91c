#!/usr/bin/perl
# Exits before its headers with probability p (query p=0.3), otherwise answers 200.
# Seeding: srand(seed + n), where seed comes from the query (seed=N) and n is this run's number,
# taken by appending a line to the counter file named by the query (counter=NAME, a plain name
# kept in the system temporary directory). Each run therefore draws a fresh, reproducible number.
use strict;
use warnings;
use Fcntl qw(:flock);
use File::Spec;
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
srand($seed * 1000003 + $n);
if (rand() < $p) {
  print STDERR "flaky: failing run $n\n";
  exit 1;
}
print "Content-Type: text/plain\n\nok run $n\n";
