#!/bin/sh
# Starts a child in a session of its own (out of reach of a group kill) that holds stderr but not
# stdout, prints its pid, and exits with 3 at once: the script is gone while its stderr is not.
/usr/bin/setsid /bin/sleep 300 </dev/null >/dev/null &
echo $!
exit 3
