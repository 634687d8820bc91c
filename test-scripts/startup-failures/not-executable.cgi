#!/bin/sh
# Committed without its execute bit: the launcher cannot run it directly.
printf "Content-Type: text/plain\n\nunreachable\n"
