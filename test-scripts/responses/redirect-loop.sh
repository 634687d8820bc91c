#!/bin/sh
# A local redirect to itself, for ever: the gateway must stop it.
printf 'Location: /responses/redirect-loop.sh\r\n\r\n'
