#!/bin/sh
# Frames its own body as chunked: relayed as it stands, the chunk sizes would reach the client
# inside the body, and a proxy in front could take them for framing of its own.
printf 'Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
