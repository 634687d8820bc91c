#!/bin/sh
# Announces 5 bytes and appends a whole smuggled response after them.
printf 'Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello'
printf 'HTTP/1.1 200 OK\r\nContent-Length: 8\r\nX-Smuggled: yes\r\n\r\nsmuggled'
