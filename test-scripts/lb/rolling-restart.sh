#!/bin/bash
# Two cgiguard instances behind HAProxy, restarted one after the other under load, losing nothing.
# Takes about 20 s on an idle machine (each JVM start, 2 s of drain delay per instance).
#
# Starts two gateways on loopback ports and HAProxy in front of them with health checks on
# /-/health, runs `cgiguard load` through HAProxy (a fast script, and a slow one that is always
# running when an instance is told to stop), and meanwhile restarts each instance in turn:
# SIGTERM (drain: /-/health turns 503, HAProxy takes it out, running scripts finish, exit 0),
# start again on the same port, wait until HAProxy has it back. Exits 0 only if every request
# of both loads succeeded, both drains exited 0, both instances rejoined and no script process
# is left; otherwise prints why and exits 1.
#
# Usage: test-scripts/lb/rolling-restart.sh
# Environment:
#   CGIGUARD         the command that runs cgiguard (default: java -jar target/cgiguard.jar, after
#                    `mvn -B package -DskipTests`); split into words
#   CGIGUARD_RUN_AS  the gateways' [server] run-as (default nobody; when started as root they
#                    drop to it, so everything they read is copied to a world-readable directory)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUN_AS=${CGIGUARD_RUN_AS:-nobody}
CHECK_INTERVAL_MS=300   # HAProxy checks /-/health this often; 2 failures take an instance out
DRAIN_DELAY=2s          # more than 2 x 300 ms, so HAProxy stops sending before the listener closes

"$ROOT/test-scripts/ensure-packages.sh" >/dev/null
command -v haproxy >/dev/null || { echo "rolling-restart: haproxy is not installed" >&2; exit 1; }

WORK=$(mktemp -d /tmp/cgiguard-lb.XXXXXX)
chmod 755 "$WORK"
if [ -n "${CGIGUARD:-}" ]; then
  read -r -a RUN <<<"$CGIGUARD"
else
  [ -f "$ROOT/target/cgiguard.jar" ] || {
    echo "rolling-restart: build the jar first: mvn -B package -DskipTests" >&2; exit 1; }
  cp "$ROOT/target/cgiguard.jar" "$WORK/cgiguard.jar"
  RUN=(java -jar "$WORK/cgiguard.jar")
fi

declare -A GATEWAY_PID PORT
PIDS_TO_STOP=()
fail() {
  echo "rolling-restart: FAILED: $*" >&2
  for log in "$WORK"/*.log "$WORK"/*.txt; do
    [ -f "$log" ] && { echo "--- $(basename "$log") (last lines)" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}
cleanup() {
  for pid in "${PIDS_TO_STOP[@]}" "${GATEWAY_PID[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' TERM INT HUP

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# What the gateways serve: copies, readable by the run-as user wherever the checkout lives.
mkdir -p "$WORK/cgi-bin" "$WORK/docroot"
cp "$ROOT/test-scripts/reload/v1/version.sh" "$ROOT/test-scripts/reload/slow/slow.sh" \
  "$WORK/cgi-bin/"
chmod 755 "$WORK/cgi-bin" "$WORK/docroot" "$WORK"/cgi-bin/*.sh
cat >"$WORK/cgiguard.toml" <<EOF
[server]
bind = "127.0.0.1"
docroot = "$WORK/docroot"
run-as = "$RUN_AS"
drain-delay = "$DRAIN_DELAY"
drain-timeout = "15s"

[[mount]]
url = "/cgi-bin/"
dir = "$WORK/cgi-bin"
EOF

PORT[a]=$(free_port)
PORT[b]=$(free_port)
FRONT=$(free_port)
STATS=$(free_port)

start_gateway() {  # name: starts it on its port and waits until it listens
  local name=$1 log="$WORK/gateway-$1.log"
  "${RUN[@]}" serve --config "$WORK/cgiguard.toml" --port "${PORT[$name]}" >>"$log" 2>&1 &
  GATEWAY_PID[$name]=$!
  for _ in $(seq 1 600); do
    grep -q "cgiguard listening on" "$log" 2>/dev/null && return 0
    kill -0 "${GATEWAY_PID[$name]}" 2>/dev/null || fail "gateway $name exited while starting"
    sleep 0.1
  done
  fail "gateway $name did not start within 60 s"
}

cat >"$WORK/haproxy.cfg" <<EOF
global
  maxconn 2000

defaults
  mode http
  timeout connect 2s
  timeout check 2s
  timeout client 60s
  timeout server 60s
  option http-keep-alive

frontend web
  bind 127.0.0.1:$FRONT
  # The admin endpoints are for the balancer and the operator, not for the clients.
  http-request deny deny_status 403 if { path_beg /-/ }
  default_backend gateways

backend gateways
  balance roundrobin
  option httpchk GET /-/health
  http-check expect status 200
  default-server inter ${CHECK_INTERVAL_MS}ms fall 2 rise 2
  server a 127.0.0.1:${PORT[a]} check
  server b 127.0.0.1:${PORT[b]} check

frontend stats
  bind 127.0.0.1:$STATS
  stats enable
  stats uri /stats
EOF

server_status() {  # name: UP, DOWN, ... as HAProxy sees it
  curl -s "http://127.0.0.1:$STATS/stats;csv" | awk -F, -v s="$1" \
    '$1 == "gateways" && $2 == s { print $18 }'
}
await_status() {  # name status seconds
  for _ in $(seq 1 $(($3 * 10))); do
    [ "$(server_status "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  fail "HAProxy did not see gateway $1 $2 within $3 s (it says: $(server_status "$1"))"
}

start_gateway a
start_gateway b
haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
PIDS_TO_STOP+=($!)
await_status a UP 30
await_status b UP 30
echo "rolling-restart: gateways on ${PORT[a]} and ${PORT[b]}, HAProxy on $FRONT"
admin=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$FRONT/-/status")
[ "$admin" = 403 ] || fail "HAProxy passed /-/status on to a gateway (status $admin)"

"${RUN[@]}" load -q -c 8 -d 600s --timeout 30s --expect-status 200 \
  --expect-body "version 1" --max-failure-rate 0 \
  "http://127.0.0.1:$FRONT/cgi-bin/version.sh" >"$WORK/load-fast.txt" 2>&1 &
FAST=$!
"${RUN[@]}" load -q -c 4 -d 600s --timeout 30s --expect-status 200 \
  --expect-body "finished" --max-failure-rate 0 \
  "http://127.0.0.1:$FRONT/cgi-bin/slow.sh" >"$WORK/load-slow.txt" 2>&1 &
SLOW=$!
PIDS_TO_STOP+=("$FAST" "$SLOW")
sleep 3

for name in a b; do
  echo "rolling-restart: draining $name"
  kill -TERM "${GATEWAY_PID[$name]}"
  await_status "$name" DOWN 10
  status=0
  wait "${GATEWAY_PID[$name]}" || status=$?
  [ "$status" -eq 0 ] || fail "gateway $name exited $status after SIGTERM"
  grep -q "drain-timeout passed" "$WORK/gateway-$name.log" \
    && fail "gateway $name had to kill scripts at the drain timeout"
  echo "rolling-restart: $name drained and exited 0; starting it again"
  start_gateway "$name"
  await_status "$name" UP 30
  echo "rolling-restart: $name rejoined"
  sleep 2
done
kill -0 "$FAST" 2>/dev/null && kill -0 "$SLOW" 2>/dev/null \
  || fail "a load ended before the rolling restart did"
# SIGTERM ends a load: requests in flight finish and it prints its summary.
kill -TERM "$FAST" "$SLOW"

for load in FAST SLOW; do
  status=0
  wait "${!load}" || status=$?
  file="$WORK/load-$(echo "$load" | tr 'A-Z' 'a-z').txt"
  cat "$file"
  [ "$status" -eq 0 ] || fail "cgiguard load ($load) exited $status: not every request succeeded"
  grep -qE "^requests +[1-9]" "$file" || fail "cgiguard load ($load) sent no request"
  grep -qE "^failures +0 " "$file" || fail "cgiguard load ($load) counted failures"
done

for name in a b; do
  kill -TERM "${GATEWAY_PID[$name]}"
done
for name in a b; do
  wait "${GATEWAY_PID[$name]}" || true
  unset "GATEWAY_PID[$name]"
done
for cwd in /proc/[0-9]*/cwd; do
  if [ "$(readlink "$cwd" 2>/dev/null)" = "$WORK/cgi-bin" ]; then
    fail "a script process is left: $(dirname "$cwd")"
  fi
done
echo "rolling-restart: OK: both instances drained, restarted and rejoined under load; 0 failed requests"
