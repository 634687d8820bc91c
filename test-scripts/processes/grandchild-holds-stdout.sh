#!/bin/sh
# Answers in full, then leaves a background child that still holds stdout, and exits at once.
printf 'Content-Type: text/plain\r\n\r\nanswered\n'
/bin/sleep 300 &
[ -n "$QUERY_STRING" ] && echo $! >> "$QUERY_STRING/grandchild.pid"
exit 0
