#!/bin/sh
# Holds a request open for two seconds before its header block, so that a run at c=64 keeps
# 64 scripts alive at once while the benchmark samples the gateway's resident memory.
sleep 2
printf 'Content-Type: text/plain\r\n\r\nslept\n'
