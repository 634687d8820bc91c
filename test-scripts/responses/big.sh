#!/bin/sh
# A large body: MiB from the query string (default 1024), to show memory stays flat.
mib=${QUERY_STRING:-1024}
case "$mib" in *[!0-9]*|'') mib=1 ;; esac
printf 'Content-Type: application/octet-stream\r\n\r\n'
exec head -c "${mib}M" /dev/zero
