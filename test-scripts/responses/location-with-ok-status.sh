#!/bin/sh
# A Location with Status 200 and an HTML body but no Content-Type: not a redirect, a document,
# so it gets the default type and nosniff like any other (a browser would sniff it as HTML).
printf 'Status: 200 OK\r\nLocation: http://example.org/elsewhere\r\n\r\n<script>alert(1)</script>\n'
