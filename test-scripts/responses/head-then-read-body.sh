#!/bin/sh
# Sends its head, then reads its whole stdin, then its body: an answer begun before the request
# body is all there. With ?line it also sends one body line before reading.
printf 'Content-Type: text/plain\r\n\r\n'
if [ "$QUERY_STRING" = line ]; then
    printf 'started\n'
fi
n=$(wc -c)
printf 'read %s bytes\n' "$n"
