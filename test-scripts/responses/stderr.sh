#!/bin/sh
# Writes to stderr as well as stdout: stderr goes to the log, never to the client.
echo "secret-stderr-line from stderr.sh" >&2
printf 'Content-Type: text/plain\r\n\r\nstdout only\n'
