#!/bin/sh
# Names a field in its Connection header, sends its own Date, and two Content-Types: the named
# field is hop-by-hop and never reaches the client (RFC 9110 7.6.1), and Date and Content-Type
# each reach it once, the script's own.
printf 'Content-Type: text/html\r\nContent-Type: text/plain\r\nDate: Tue, 01 Jan 2030 00:00:00 GMT\r\n'
printf 'Connection: close, X-Secret\r\nX-Secret: yes\r\nX-Public: yes\r\n\r\nbody\n'
