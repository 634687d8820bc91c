#!/bin/sh
# Lists the descriptors it was started with, as a CGI response: only 0, 1, 2 and the one ls opens
# to read the directory, or a descriptor of the gateway's reached the script.
printf 'Content-Type: text/plain\r\n\r\n'
exec /bin/ls /proc/self/fd
