#!/bin/sh
# Sends its headers, then takes three seconds over its body: listed as streaming.
printf 'Content-Type: text/plain\r\n\r\nfirst\n'
sleep 3
printf 'second\n'
