#!/bin/sh
# Declares its length and sends a first line, then waits until a file named release appears in
# the directory its query string names, and sends the rest: a body the client can leave half-way.
printf 'Content-Type: text/plain\r\nContent-Length: 20\r\n\r\nfirst line\n'
while [ ! -e "$QUERY_STRING/release" ]; do sleep 0.05; done
printf 'released\n'
