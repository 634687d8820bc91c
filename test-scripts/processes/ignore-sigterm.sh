#!/bin/sh
# Ignores SIGTERM (its children inherit that), so only a SIGKILL after the grace period ends it.
trap "" TERM
echo ready
while :; do /bin/sleep 1; done
