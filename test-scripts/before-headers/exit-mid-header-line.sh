#!/bin/sh
# Writes half a header line and exits with an error: the classic premature end of headers.
printf 'Content-Ty'
exit 3
