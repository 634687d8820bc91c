#!/bin/sh
# Starts a child in a session of its own (out of reach of a group kill) that holds stdout,
# prints its pid, then waits.
/usr/bin/setsid /bin/sleep 300 &
echo $!
wait
