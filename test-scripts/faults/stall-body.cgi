#!/bin/sh
# Writes headers and part of the body, then goes quiet.
printf "Content-Type: text/plain\n\nfirst part\n"
exec sleep 3600
