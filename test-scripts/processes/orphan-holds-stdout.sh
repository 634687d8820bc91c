#!/bin/sh
# Leaves a background child holding stdout open, prints its pid, and exits at once.
/bin/sleep 300 &
echo $!
