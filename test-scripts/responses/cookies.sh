#!/bin/sh
# Two header fields with the same name must both reach the client.
printf 'Content-Type: text/plain\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=2; Path=/\r\n\r\ntwo cookies\n'
