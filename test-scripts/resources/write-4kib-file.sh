#!/bin/sh
# Waits for a line on stdin (limits land right after the spawn), then writes 4 KiB to a file;
# under a 1 KiB file-size limit the writer gets SIGXFSZ.
read go
exec /usr/bin/head -c 4096 /dev/zero > "$1"
