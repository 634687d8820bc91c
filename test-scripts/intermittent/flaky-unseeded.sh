#!/bin/sh
# Half of its runs exit before finishing the header block, picked by a random byte: the seed
# problem, "premature end of script headers", on demand.
byte=$(od -An -N1 -tu1 /dev/urandom | tr -d ' ')
if [ $((byte % 2)) -eq 0 ]; then
  printf 'Status: 200 OK\r\nContent-Ty'
  exit 1
fi
printf 'Content-Type: text/plain\r\n\r\nlucky\n'
