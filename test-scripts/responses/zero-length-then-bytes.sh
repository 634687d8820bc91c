#!/bin/sh
# Declares an empty body and writes a stray byte anyway: the answer is the head with no body,
# the byte cut, never an error page in its place.
printf 'Status: 302 Found\r\nLocation: http://example.org/elsewhere\r\nContent-Length: 0\r\n\r\n\n'
