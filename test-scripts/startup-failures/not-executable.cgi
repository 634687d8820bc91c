#!/bin/sh
# Committed without its execute bit: exec fails with EACCES, so it never runs.
printf "Content-Type: text/plain\n\nunreachable\n"
