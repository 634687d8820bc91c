#!/bin/sh
# Writes a whole-looking short body, then dies by a signal nobody at the gateway sent: the body
# may have been cut anywhere, so the client must not be told it is complete.
printf 'Content-Type: text/plain\n\npartial\n'
kill -SEGV $$
