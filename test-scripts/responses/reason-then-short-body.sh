#!/bin/sh
# Its own reason phrase and a Content-Length, then no body at all: the gateway answers with a page
# of its own (body-truncated), whose status line must not carry the script's phrase.
printf 'Status: 200 Everything Is Fine\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n'
