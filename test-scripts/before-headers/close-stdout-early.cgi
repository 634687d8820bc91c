#!/bin/sh
# Writes one header line, closes stdout before the blank line, and keeps running.
printf "Content-Type: text/plain\n"
exec >&-
exec sleep 5
