#!/bin/sh
# A request still running when the gateway reloads or drains: two seconds before its headers.
# With a query string, first appends its pid to the file script.pid in the directory it names.
[ -n "$QUERY_STRING" ] && echo $$ >> "$QUERY_STRING/script.pid"
sleep 2
printf 'Content-Type: text/plain\r\n\r\n'
echo "finished"
