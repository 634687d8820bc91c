#!/bin/sh
# Announces 100 bytes and sends 5.
printf 'Content-Type: text/plain\r\nContent-Length: 100\r\n\r\nshort'
