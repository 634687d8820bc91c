#!/bin/sh
# Streams a line every 0.2 s for ever, after appending its pid to a file in the directory named
# by the query string.
[ -n "$QUERY_STRING" ] && echo $$ >> "$QUERY_STRING/script.pid"
printf 'Content-Type: text/plain\r\n\r\n'
while :; do
  echo "tick"
  /bin/sleep 0.2
done
