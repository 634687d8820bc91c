#!/bin/sh
# Says which user the script runs as, and where the gateway says its document root is.
printf 'Content-Type: text/plain\r\n\r\n'
printf 'user=%s\n' "$(id -un)"
printf 'document_root=%s\n' "$DOCUMENT_ROOT"
