#!/usr/bin/perl
# Burns about 0.2 s of CPU and touches 16 MiB, so resource usage has something to report.
my $block = "y" x (16 * 1024 * 1024);
my $spun = 0;
$spun++ while $spun % 100000 || (times)[0] < 0.2;
print "spun\n";
