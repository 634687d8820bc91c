#!/bin/sh
# A header value with a bare CR followed by a second header: response splitting.
printf 'Content-Type: text/plain\r\nX-Note: a\rSet-Cookie: injected=1\r\n\r\nbody\n'
