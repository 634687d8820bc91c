#!/bin/sh
# Prints its whole environment, one NAME=VALUE per line.
printf 'Content-Type: text/plain\r\n\r\n'
env
