#!/bin/sh
# Sends its headers and a first line, then falls silent for ever; appends its pid to a file in
# the directory named by the query string.
[ -n "$QUERY_STRING" ] && echo $$ >> "$QUERY_STRING/script.pid"
printf 'Content-Type: text/plain\r\n\r\nfirst line\n'
exec /bin/sleep 300
