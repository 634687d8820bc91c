#!/bin/sh
# Never writes a header, and leaves a process in a session of its own that holds stdout open: no
# signal to the script's group reaches it, so only the gateway closing its end of the pipe ends
# the wait. When the query string names a directory, the holder's pid is appended to holder.pid
# there, for the test to end it.
/usr/bin/setsid /bin/sh -c '[ -n "$1" ] && echo $$ >> "$1/holder.pid"; exec /bin/sleep 60' \
    sh "$QUERY_STRING" 2>/dev/null &
exec /bin/sleep 60
