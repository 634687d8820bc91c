#!/bin/sh
# The site before a reload: says which directory answered.
printf 'Content-Type: text/plain\r\n\r\n'
echo "version 1"
