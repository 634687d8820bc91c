#!/bin/sh
# The site after a reload: says which directory answered.
printf 'Content-Type: text/plain\r\n\r\n'
echo "version 2"
