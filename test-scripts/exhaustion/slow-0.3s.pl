#!/usr/bin/perl
# Takes 0.3 s in one process (no child: each running copy is exactly one task), then answers.
select(undef, undef, undef, 0.3);
print "Content-Type: text/plain\r\n\r\nslept 0.3 s\n";
