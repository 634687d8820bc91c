#!/bin/sh
# A document with its own status and reason phrase.
printf 'Status: 299 Custom Reason Here\r\nContent-Type: text/plain\r\n\r\ncustom status\n'
