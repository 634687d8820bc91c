#!/bin/sh
# A header line far longer than max-header-bytes, then a header that must not leak into the body.
printf 'Content-Type: text/plain\r\nX-Long: '
head -c 100000 /dev/zero | tr '\0' 'a'
printf '\r\nX-After: leaked\r\n\r\nbody\n'
