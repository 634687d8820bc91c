#!/bin/sh
# Holds a request open for six seconds before its header block: long enough for 64 copies to
# be alive at once on a busy machine while the gateway's resident memory is sampled.
sleep 6
printf 'Content-Type: text/plain\r\n\r\nheld\n'
