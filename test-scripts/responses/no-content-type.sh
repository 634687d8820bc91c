#!/bin/sh
# A document without Content-Type: the gateway adds a safe default and nosniff.
printf 'X-Whatever: 1\r\n\r\n<script>alert(1)</script>\n'
