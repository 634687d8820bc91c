#!/bin/sh
# A local redirect to itself, for ever: the gateway must stop it.
printf 'Location: /cgi-bin/redirect-loop.sh\r\n\r\n'
