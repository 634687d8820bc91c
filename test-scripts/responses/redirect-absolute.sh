#!/bin/sh
# RFC 3875 6.2.3 client redirect: an absolute URI and nothing else.
printf 'Location: http://example.org/elsewhere?x=1\r\n\r\n'
