#!/bin/sh
# Answers and exits, leaving a process in a session of its own that holds stdout open: after the
# linger time the gateway must end the body itself, since no signal to the group reaches the
# holder. When the query string names a directory, the holder's pid is appended to holder.pid.
printf 'Content-Type: text/plain\r\n\r\nanswered\n'
/usr/bin/setsid /bin/sh -c '[ -n "$1" ] && echo $$ >> "$1/holder.pid"; exec /bin/sleep 60' \
    sh "$QUERY_STRING" 2>/dev/null &
