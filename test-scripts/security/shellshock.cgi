#!/bin/bash
# Runs under bash so that an unpatched bash would execute a "() {" value; prints HTTP_USER_AGENT.
printf 'Content-Type: text/plain\r\n\r\nUA=%s\n' "$HTTP_USER_AGENT"
