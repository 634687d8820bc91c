#!/bin/sh
# Never writes a header. A member of the script's own group ignores SIGTERM and holds stdout,
# and has let go of stderr; the leader dies of the SIGTERM a timeout sends. The member must
# still get SIGKILL once the kill grace is over. When the query string names a directory, the
# member's pid is appended to member.pid there.
/bin/sh -c 'trap "" TERM; [ -n "$1" ] && echo $$ >> "$1/member.pid"; exec /bin/sleep 60' \
    sh "$QUERY_STRING" 2>/dev/null &
exec /bin/sleep 60
