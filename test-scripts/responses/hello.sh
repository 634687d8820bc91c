#!/bin/sh
# The trivial CGI response: one header, a blank line, a short body. It never reads its request
# body, so it also shows that a script ignoring stdin does not hang the request.
printf 'Content-Type: text/plain\r\n\r\nhello\n'
