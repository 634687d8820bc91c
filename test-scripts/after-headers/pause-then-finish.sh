#!/bin/sh
# Sends its headers and a first line, falls silent for two and a half seconds (longer than
# the idle timeout of 1 s a test sets, and not a multiple of it: the connection's idle checks
# come once a second, and a write in flight at the very moment of one fails, as Jetty's idle
# timeout means), then finishes its body.
printf 'Content-Type: text/plain\r\n\r\nfirst\n'
sleep 2.5
printf 'second\n'
