#!/bin/sh
# Writes complete headers and then exits non-zero: not a premature end, but not clean either.
printf 'Content-Type: text/plain\r\n\r\npartial'
exit 1
