#!/bin/sh
# Sends its headers and a first line before it reads a byte of its body, then reads stdin to EOF
# and says how much came: an answer that begins while the request body is still on its way.
printf 'Content-Type: text/plain\r\n\r\nstart\n'
n=$(wc -c)
printf 'read %s\n' $n
