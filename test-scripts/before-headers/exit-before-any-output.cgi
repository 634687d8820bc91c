#!/bin/sh
# Exits with status 3 before writing a byte of its response.
echo "about to fail" >&2
exit 3
