#!/bin/sh
# Writes a first part, waits, then a second part: the client must see the first before the wait ends.
printf 'Content-Type: text/plain\r\n\r\nfirst\n'
sleep 2
printf 'second\n'
