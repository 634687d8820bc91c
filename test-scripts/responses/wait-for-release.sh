#!/bin/sh
# Answers once the file "release" exists in the directory the query string names (at most 30 s):
# a test holds many requests in the gateway at once and lets them go when it has looked.
i=0
while [ ! -e "$QUERY_STRING/release" ] && [ $i -lt 600 ]; do
    sleep 0.05
    i=$((i + 1))
done
printf 'Content-Type: text/plain\r\n\r\nreleased\n'
