#!/bin/sh
# Copied by the test to a file named  a" b : prints which file ran.
printf 'Content-Type: text/plain\r\n\r\nRAN=%s\n' "$SCRIPT_NAME"
