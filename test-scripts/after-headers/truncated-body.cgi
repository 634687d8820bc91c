#!/bin/sh
# Promises 1000 bytes and writes 6.
printf "Content-Type: text/plain\nContent-Length: 1000\n\nshort\n"
