#!/bin/sh
# A 204 that still declares a length and writes bytes: a 204 has no body (RFC 9110 15.3.5), so
# neither the length nor the bytes may reach the client, and the response must still end cleanly.
printf 'Status: 204 No Content\r\nContent-Length: 5\r\n\r\nhello'
