#!/bin/sh
# Answers at once and leaves behind a child in a session of its own (out of reach of a group kill)
# that holds stderr for a second: the script is gone, its stderr is not. Scripts that start
# background jobs this way are common; their answer must not wait for the job.
/usr/bin/setsid /bin/sleep 1 </dev/null >/dev/null &
printf 'Content-Type: text/plain\r\n\r\nanswered\n'
