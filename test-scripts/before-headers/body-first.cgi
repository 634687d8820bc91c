#!/bin/sh
# Prints its page before any header.
printf "<html><body>hello</body></html>\n"
