#!/bin/sh
# A non-parsed-header script writes the HTTP status line itself.
printf 'HTTP/1.1 203 Non-Authoritative Information\r\nContent-Type: text/plain\r\nX-Nph: yes\r\n\r\nnph body\n'
