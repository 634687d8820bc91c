#!/bin/sh
# The second header line has no colon.
printf "Content-Type: text/plain\nthis line has no colon\n\nbody\n"
