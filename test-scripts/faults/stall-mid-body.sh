#!/bin/sh
# Writes its headers and a first line, then goes quiet: only the body idle timeout ends it.
printf 'Content-Type: text/plain\r\n\r\nfirst\n'
sleep 30
