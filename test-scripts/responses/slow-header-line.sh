#!/bin/sh
# Writes half a header line, pauses three seconds, then finishes: listed as reading headers.
printf 'Content-Type: text/pl'
sleep 3
printf 'ain\r\n\r\nheaders done\n'
