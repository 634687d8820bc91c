#!/bin/sh
# Sends Transfer-Encoding and Connection headers, which are the gateway's, not the script's.
printf 'Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: upgrade\r\n\r\nplain\n'
