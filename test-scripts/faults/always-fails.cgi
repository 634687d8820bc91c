#!/bin/sh
# Appends a line to the counter file named by the query (a plain name in the temporary
# directory), then exits before its headers: the number of lines is the number of launches.
case "$QUERY_STRING" in
  *[!A-Za-z0-9_-]*|'') name=default ;;
  *) name=$QUERY_STRING ;;
esac
echo run >> "${TMPDIR:-/tmp}/cgiguard-launches-$name"
exit 1
