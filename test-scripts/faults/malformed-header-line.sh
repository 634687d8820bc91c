#!/bin/sh
# Its first line is not a header field, so the block is not valid CGI.
printf 'this is not a header\r\n\r\nbody\n'
