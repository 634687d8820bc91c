#!/bin/sh
# Sends its headers and a first line, and half a second later dies by SIGKILL in the middle of
# its body: the client must be able to tell that the body it got is not the whole one.
printf 'Content-Type: text/plain\r\n\r\npart1\n'
sleep 0.5
kill -KILL $$
