#!/bin/sh
# Shows the environment the script received: RFC 3875 meta-variables, HTTP_* request headers and
# the allow-listed variables of the gateway's own environment, nothing else.
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
env | sort
