#!/bin/sh
# Records its argv in $MARKER_DIR/argv (one per line) and prints the count: no argv is expected.
for arg in "$@"; do printf '%s\n' "$arg"; done > "$MARKER_DIR/argv"
printf 'Content-Type: text/plain\r\n\r\nARGC=%s\n' "$#"
