#!/bin/sh
# Answers as soon as the first 5 bytes of its request body have arrived, then counts the rest:
# a gateway that held the start of a body back, waiting for more, would never answer.
first=$(head -c 5)
printf 'Content-Type: text/plain\r\n\r\nfirst %s\n' "$first"
rest=$(wc -c)
printf 'rest %s\n' "$rest"
