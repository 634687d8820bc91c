#!/bin/sh
# The /bin/sh variant of the benchmark's trivial CGI: one header, a blank line, a short body.
printf 'Content-Type: text/plain\r\n\r\nhello\n'
