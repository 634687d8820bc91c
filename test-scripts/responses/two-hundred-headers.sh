#!/bin/sh
# 200 response headers of 119 bytes each, about 24 KiB: over Jetty's default 8 KiB response header
# buffer and well under limits.max-header-bytes. Real applications send such blocks (large cookies,
# CSP headers, many Link headers); the gateway must relay it byte for byte.
v=$(printf '%0100d' 0 | tr 0 v)
printf 'Content-Type: text/plain\n'
i=0
while [ "$i" -lt 200 ]; do
  printf 'X-Filler-%03d: %s-%03d\n' "$i" "$v" "$i"
  i=$((i + 1))
done
printf '\nbody after 200 headers\n'
