#!/bin/sh
# Answers and exits at once, but a child it started keeps stdout open for three seconds:
# listed as lingering until the gateway's linger time ends it.
printf 'Content-Type: text/plain\r\n\r\ndone\n'
sleep 3 &
exit 0
