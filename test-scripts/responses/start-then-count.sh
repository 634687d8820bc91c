#!/bin/sh
# Sends its headers and a first line before it reads a byte of its body, then reads stdin to EOF
# and says how much came: an answer that begins while the request body is still on its way. The
# pause lets the head reach the front server while the body is still coming, whatever the race
# between the two would otherwise be.
printf 'Content-Type: text/plain\r\n\r\nstart\n'
sleep 0.5
n=$(wc -c)
printf 'read %s\n' $n
