#!/bin/sh
# Sends its headers and a first line, falls silent for two seconds (longer than an idle
# timeout a test sets), then finishes its body.
printf 'Content-Type: text/plain\r\n\r\nfirst\n'
sleep 2
printf 'second\n'
