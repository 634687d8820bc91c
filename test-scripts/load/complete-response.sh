#!/bin/sh
# A well-behaved CGI script: a complete header block, a body, exit 0.
printf 'Content-Type: text/plain\r\n\r\nhello\n'
