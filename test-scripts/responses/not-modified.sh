#!/bin/sh
# A 304 with a validator and the length of the representation it stands for (RFC 9110 8.6 and
# 15.4.5): the answer carries no body, and no Content-Type the gateway would make up.
printf 'Status: 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 5\r\n\r\n'
