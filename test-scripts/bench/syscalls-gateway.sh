#!/usr/bin/env bash
# syscalls-gateway.sh: system calls the gateway makes for a fixed number of requests, traced
# with strace -f and counted per request for the gateway's own threads (cgiguard-*: Jetty's
# pool, the reap loop, the stdin pumps, the timers), apart from the JVM's threads (the JIT
# compilers, the collector, the VM thread), whose calls follow the JVM's warm-up, not the
# requests, and from the spawned children (between clone and exec, and the scripts after).
# Counts, unlike rates, do not depend on how busy the machine is, so they show what a change
# saves anywhere. With --server lighttpd the same requests go to lighttpd (mod_cgi, one thread)
# instead, counted the same way, for the baseline.
#
#   syscalls-gateway.sh [--jar JAR] [-n REQUESTS] [--warmup REQUESTS] [--script hello|readbody]
#                       [--mib N] [--server gateway|lighttpd]
#
# hello: N GET requests, one at a time, on one keep-alive connection, after --warmup requests
# (default 3000) that are not counted, so that the JIT has compiled the request path.
# readbody: N POSTs of an N MiB body (--mib, default 16) to a script that reads its stdin, after
# --warmup (default 3) uncounted ones.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_SCRIPTS=$(dirname "$HERE")
REPO=$(dirname "$TEST_SCRIPTS")
BIN="$TEST_SCRIPTS/bin"
JAR="$REPO/target/cgiguard.jar"
REQUESTS=200
WARMUP=""
SERVER=gateway
SCRIPT=hello
MIB=16

while (($# > 0)); do
    case $1 in
        --jar) JAR=$(realpath -- "${2:?}"); shift ;;
        -n) REQUESTS=${2:?}; shift ;;
        --warmup) WARMUP=${2:?}; shift ;;
        --server) SERVER=${2:?}; shift ;;
        --script) SCRIPT=${2:?}; shift ;;
        --mib) MIB=${2:?}; shift ;;
        -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done
[[ $SCRIPT =~ ^(hello|readbody)$ ]] || { echo "unknown script: $SCRIPT" >&2; exit 2; }
[[ $SERVER =~ ^(gateway|lighttpd)$ ]] || { echo "unknown server: $SERVER" >&2; exit 2; }
[[ $SCRIPT == hello ]] && WARMUP=${WARMUP:-3000}
WARMUP=${WARMUP:-3}
[[ $REQUESTS =~ ^[1-9][0-9]*$ && $MIB =~ ^[1-9][0-9]*$ && $WARMUP =~ ^[0-9]+$ ]] \
    || { echo "-n, --warmup and --mib take numbers" >&2; exit 2; }
tools=(strace gcc curl python3)
if [[ $SERVER == gateway ]]; then tools+=(java); else tools+=(lighttpd); fi
for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done
[[ $SERVER == lighttpd || -f $JAR ]] || (cd "$REPO" && mvn -B -q package -DskipTests)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cgiguard-syscalls.XXXXXX")
GATEWAY_PID=""
STRACE_PID=""
cleanup() {
    [[ -n $STRACE_PID ]] && kill "$STRACE_PID" 2>/dev/null
    [[ -n $GATEWAY_PID ]] && kill "$GATEWAY_PID" 2>/dev/null && wait "$GATEWAY_PID" 2>/dev/null
    [[ -n ${LIGHTTPD_UPLOADS:-} ]] && rm -rf "$LIGHTTPD_UPLOADS"
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$BIN" "$WORK/docroot/cgi-bin"
gcc -O2 -Wall -Wextra -o "$BIN/$SCRIPT" "$TEST_SCRIPTS/src/$SCRIPT.c"
cp "$BIN/$SCRIPT" "$WORK/docroot/cgi-bin/"
chmod 755 "$WORK" "$WORK/docroot" "$WORK/docroot/cgi-bin" "$WORK/docroot/cgi-bin/$SCRIPT"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [[ $SERVER == gateway ]]; then
    (cd "$REPO" && exec java -jar "$JAR" serve --port "$PORT" --bind 127.0.0.1 \
        --docroot "$WORK/docroot" --cgi-bin "$WORK/docroot/cgi-bin") >"$WORK/gateway.log" 2>&1 &
    GATEWAY_PID=$!
    READY_URL="http://127.0.0.1:$PORT/-/health"
else
    # Started as gateway-bench.sh starts it (lib/servers.sh), so the two count the same server.
    DOCROOT="$WORK/docroot" CGI_BIN="$WORK/docroot/cgi-bin" STARTED_PIDS=()
    # shellcheck source=lib/messages.sh
    source "$HERE/lib/messages.sh"
    # shellcheck source=lib/servers.sh
    source "$HERE/lib/servers.sh"
    start_lighttpd || exit 1
    PORT=$LIGHTTPD_PORT
    GATEWAY_PID=$LIGHTTPD_PID
    READY_URL="http://127.0.0.1:$PORT/cgi-bin/$SCRIPT"
fi
for _ in $(seq 300); do
    curl -s -o /dev/null -m 2 "$READY_URL" && break
    kill -0 "$GATEWAY_PID" || { cat "$WORK/gateway.log" >&2; exit 1; }
    sleep 0.3
done

URL="http://127.0.0.1:$PORT/cgi-bin/$SCRIPT"
CURL=(curl -s -o /dev/null -w '%{http_code}\n')
if [[ $SCRIPT == readbody ]]; then
    head -c $((MIB * 1048576)) /dev/zero >"$WORK/body"
    CURL+=(-H 'Expect:' -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/body")
fi
# Warm-up outside the count: class loading, the first pooled buffers and the JIT's compiling
# are not per request. GETs go in batches over one connection each, as the counted ones do.
warm=()
for ((i = 0; i < (WARMUP < 200 ? WARMUP : 200); i++)); do warm+=("$URL"); done
for ((sent = 0; sent < WARMUP; sent += ${#warm[@]})); do
    if [[ $SCRIPT == readbody ]]; then
        "${CURL[@]}" "$URL" >/dev/null
        sent=$((sent + 1 - ${#warm[@]}))
    else
        "${CURL[@]}" "${warm[@]}" >/dev/null
    fi
done

strace -f -qq -o "$WORK/strace" -p "$GATEWAY_PID" &
STRACE_PID=$!
sleep 2 # strace attaches to every thread before the first counted request
urls=()
for ((i = 0; i < REQUESTS; i++)); do urls+=("$URL"); done
if [[ $SCRIPT == readbody ]]; then
    codes=$(for url in "${urls[@]}"; do "${CURL[@]}" "$url"; done)
else
    codes=$("${CURL[@]}" "${urls[@]}") # one connection, kept alive
fi
sleep 1
# The gateway's threads now, with their names; a thread that both started and ended during the
# run is counted with the children, which the thread pools make rare.
for task in /proc/"$GATEWAY_PID"/task/*; do
    printf '%s %s\n' "${task##*/}" "$(tr ' ' _ <"$task/comm")"
done >"$WORK/threads"
kill -INT "$STRACE_PID"
wait "$STRACE_PID" 2>/dev/null || true
STRACE_PID=""
ok=$(grep -c '^200$' <<<"$codes" || true)
if [[ $SERVER == gateway ]]; then
    echo "$REQUESTS requests to $SCRIPT$([[ $SCRIPT == readbody ]] && echo " ($MIB MiB each)"), $ok answered 200; jar $JAR"
else
    echo "$REQUESTS requests to $SCRIPT$([[ $SCRIPT == readbody ]] && echo " ($MIB MiB each)"), $ok answered 200; $(lighttpd -v 2>&1 | head -n 1)"
fi
echo "warm-up: $WARMUP requests before the count"
echo "system calls per request (strace -f), largest first: the server's own threads (cgiguard-*,"
echo "or lighttpd's one), the JVM's threads (JIT compilers, collector, VM thread), the children:"
# A call that blocks shows as "<unfinished ...>" and later "<... NAME resumed>": count the first.
awk -v n="$REQUESTS" -v server="$SERVER" '
    NR == FNR { kind[$1] = ($2 ~ /^(cgiguard-|lighttpd$)/) ? server : "jvm"; next }
    / resumed>/ || !match($0, /^[0-9]+ +[a-z_0-9]+\(/) { next }
    { split(substr($0, RSTART, RLENGTH), f, /[ (]+/)
      k = (f[1] in kind) ? kind[f[1]] : "children"
      count[k, f[2]]++; total[k]++ }
    END { for (key in count) { split(key, p, SUBSEP)
              printf "  %-8s %10.1f  %s\n", p[1], count[key] / n, p[2] }
          printf "  %-8s %10.1f  total\n", server, total[server] / n
          if (server == "gateway") printf "  jvm      %10.1f  total\n", total["jvm"] / n
          printf "  children %10.1f  total (the spawned children and the scripts)\n", total["children"] / n }' \
    "$WORK/threads" "$WORK/strace" | sort -k1,1r -k2,2nr | awk '$1 != p { shown = 0; p = $1 } shown++ < 16'
