#!/usr/bin/env cgiguard-no-such-interpreter
print "Content-Type: text/plain\n\nunreachable\n";
