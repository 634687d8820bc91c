#!/bin/sh
# Never writes a header, so only a timeout ends it. When the query string names a directory, it
# first appends its pid to script.pid there.
[ -n "$QUERY_STRING" ] && echo $$ >> "$QUERY_STRING/script.pid"
exec /bin/sleep 300
