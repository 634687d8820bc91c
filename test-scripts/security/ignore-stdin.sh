#!/bin/sh
# Answers without reading its request body (Apache CVE-2014-0231 hung on such scripts).
printf 'Content-Type: text/plain\r\n\r\nignored\n'
