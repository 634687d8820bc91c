#!/usr/bin/perl
# Allocates 512 MiB before any header; under a smaller address-space limit perl dies with
# "Out of memory!" and prints nothing, without one it answers with the length it allocated.
#
# It waits 50 ms first. The launcher applies the limits with prlimit(2) just after posix_spawn
# returns, so a script that allocates within its first milliseconds can outrun them when the
# gateway's thread is not scheduled at once (seen on a freshly started gateway on a busy 2-core
# machine: the 512 MiB were granted, and filling them used up the 1 s CPU limit instead). The
# pause keeps this fixture about the limit it tests; the gap itself is documented in
# docs/launcher.md.
select(undef, undef, undef, 0.05);
my $big = "x" x (512 * 1024 * 1024);
print "Content-Type: text/plain\n\n", length($big), "\n";
