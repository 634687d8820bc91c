#!/bin/sh
# Answers with how the request arrived and the SHA-256 of the request body read from stdin.
printf 'Content-Type: text/plain\r\n\r\n'
printf 'protocol=%s https=%s\n' "$SERVER_PROTOCOL" "${HTTPS:-off}"
printf 'sha256=%s\n' "$(sha256sum | cut -d' ' -f1)"
