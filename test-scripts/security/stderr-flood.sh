#!/bin/sh
# Tries to forge a log line and send terminal escapes through stderr, then writes 4 MiB more of
# it, then answers.
printf 'before\r2026-01-01 00:00:00.000 WARN forged line\033[31m red \342\200\256 reversed\n' >&2
head -c 4194304 /dev/zero | tr '\0' 'x' | fold -w 1023 >&2
printf 'Content-Type: text/plain\r\n\r\nanswered\n'
