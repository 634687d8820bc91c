#!/usr/bin/env bash
# rss-64-scripts.sh: the gateway's resident memory as an operator runs it — bin/cgiguard serve,
# no JVM flag typed, so conf/jvm.options applies — first under load, then while 64 scripts run
# at once. Prints the peak VmRSS while the 64 run, the VmHWM of the whole run and the load
# average, and ends with PASS when the peak is at most 96 MiB. Memory, unlike time, does not
# depend much on how busy the machine is; the load average is printed all the same.
#
#   test-scripts/bench/rss-64-scripts.sh [--port P] [--load-seconds N] [--limit-mib N] [--config F]
#
# The 64 scripts are four names of responses/hold-6s-then-answer.sh, sixteen requests each (the default
# [concurrency] runs at most 16 copies of one script and 64 in all). Needs bash, curl and a
# built jar (built with mvn when missing). The gateway listens on 127.0.0.1 only and is stopped
# when the script exits.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PORT=18181
LOAD_SECONDS=10
LIMIT_MIB=96
CONFIG=()

while [ $# -gt 0 ]; do
    case $1 in
        --port) PORT=$2; shift 2 ;;
        --load-seconds) LOAD_SECONDS=$2; shift 2 ;;
        --limit-mib) LIMIT_MIB=$2; shift 2 ;;
        --config) CONFIG=(--config "$2"); shift 2 ;;
        -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "rss-64-scripts.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [ ! -f "$REPO/target/cgiguard.jar" ]; then
    (cd "$REPO" && mvn -B -q package -DskipTests)
fi

work=$(mktemp -d)
chmod 755 "$work"
gateway_pid=
cleanup() {
    if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
        kill "$gateway_pid"
        wait "$gateway_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -m 755 "$work/cgi-bin" "$work/docroot"
for i in 1 2 3 4; do
    install -m 755 "$REPO/test-scripts/responses/hold-6s-then-answer.sh" "$work/cgi-bin/hold-$i.sh"
done
install -m 755 "$REPO/test-scripts/responses/hello.sh" "$work/cgi-bin/hello.sh"

"$REPO/bin/cgiguard" serve "${CONFIG[@]}" --port "$PORT" --docroot "$work/docroot" --cgi-bin "$work/cgi-bin" \
    > "$work/access.log" 2> "$work/gateway.log" &
gateway_pid=$!

for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/health" 2>/dev/null; then
        break
    fi
    sleep 0.2
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/health" || {
    echo "the gateway did not start:" >&2
    cat "$work/gateway.log" >&2
    exit 1
}

status_kib() {
    awk -v key="$1:" '$1 == key { print $2 }' "/proc/$gateway_pid/status"
}

echo "gateway: bin/cgiguard serve (pid $gateway_pid), JVM options from conf/jvm.options"
echo "load before: $(uptime)"
echo "after start: VmRSS $(( $(status_kib VmRSS) / 1024 )) MiB"

# Warm up as traffic would: the JIT compiles, the pools grow to their working size.
"$REPO/bin/cgiguard" load "http://127.0.0.1:$PORT/cgi-bin/hello.sh" -c 64 \
    -d "${LOAD_SECONDS}s" -q > "$work/load.txt" 2>&1 || true
grep -E '^(requests|throughput|failures|[0-9]+ requests)' "$work/load.txt" | head -3 || true
echo "after ${LOAD_SECONDS}s of load at 64 connections: VmRSS $(( $(status_kib VmRSS) / 1024 )) MiB"

# 64 scripts at once: sixteen of each of four names.
for i in 1 2 3 4; do
    for _ in $(seq 1 16); do
        curl -sS -o /dev/null -m 30 "http://127.0.0.1:$PORT/cgi-bin/hold-$i.sh" &
    done
done
peak_rss=0
peak_scripts=0
end=$((SECONDS + 6))
while [ $SECONDS -lt $end ]; do
    rss=$(status_kib VmRSS)
    scripts=$(pgrep -c -f "$work/cgi-bin/hold-" || true)
    [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
    [ "$scripts" -gt "$peak_scripts" ] && peak_scripts=$scripts
    sleep 0.1
done
wait_curls() {
    for job in $(jobs -p); do
        [ "$job" = "$gateway_pid" ] || wait "$job" || true
    done
}
wait_curls
hwm=$(status_kib VmHWM)

peak_mib=$(( (peak_rss + 1023) / 1024 ))
echo "64 scripts: peak $peak_scripts alive at once"
echo "peak VmRSS while they ran: $peak_mib MiB (VmHWM of the whole run: $(( hwm / 1024 )) MiB)"
echo "load after: $(uptime)"
if [ "$peak_scripts" -lt 64 ]; then
    echo "FAIL: only $peak_scripts scripts ran at once, not 64"
    exit 1
fi
if [ "$peak_mib" -le "$LIMIT_MIB" ]; then
    echo "PASS: $peak_mib MiB <= $LIMIT_MIB MiB"
else
    echo "FAIL: $peak_mib MiB > $LIMIT_MIB MiB"
    exit 1
fi
