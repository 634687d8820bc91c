#!/bin/sh
# A local redirect that tries to make the gateway read a file outside what it serves.
printf 'Location: /../../../../etc/passwd\r\n\r\n'
