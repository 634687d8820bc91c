#!/bin/sh
# Never writes a header: appends its pid to a file in the directory named by the query string, then sleeps.
[ -n "$QUERY_STRING" ] && echo $$ >> "$QUERY_STRING/script.pid"
exec /bin/sleep 300
