#!/bin/sh
# A local redirect to whatever path its query string names, as it came (still percent-encoded):
# for the tests of targets the gateway cannot serve.
printf 'Location: %s\r\n\r\n' "$QUERY_STRING"
