#!/bin/sh
# Prints its body before any header line: a malformed CGI response.
printf '<html><body>I forgot my headers</body></html>\n'
