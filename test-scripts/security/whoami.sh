#!/bin/sh
# Prints the user and group ids the script runs with.
printf 'Content-Type: text/plain\r\n\r\nUID=%s\nGID=%s\n' "$(id -u)" "$(id -g)"
