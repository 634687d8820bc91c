#!/bin/sh
# Says what the script's stdin is (/dev/null, or a pipe) and what it held.
printf 'Content-Type: text/plain\r\n\r\n'
echo "stdin: $(readlink "/proc/$$/fd/0")"
echo "read: $(cat)"
