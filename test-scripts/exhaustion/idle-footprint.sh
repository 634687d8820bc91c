#!/bin/sh
# Prints what an idle gateway costs: its tasks (threads, which RLIMIT_NPROC and pids.max count)
# and its resident memory, for the default [concurrency] and for a small one.
# Usage: idle-footprint.sh [path/to/cgiguard.jar]   (run as root: serve drops to nobody)
set -eu
jar=${1:-target/cgiguard.jar}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -m 755 "$work/cgi-bin" "$work/docroot"
cp "$jar" "$work/cgiguard.jar"
chmod 644 "$work/cgiguard.jar"
measure() {
  name=$1
  shift
  {
    printf '[server]\nport = 0\ndocroot = "%s/docroot"\n' "$work"
    printf '%s\n' "$@"
    printf '[[mount]]\nurl = "/cgi-bin/"\ndir = "%s/cgi-bin"\n' "$work"
  } > "$work/$name.toml"
  chmod 644 "$work/$name.toml"
  java -jar "$work/cgiguard.jar" serve --config "$work/$name.toml" > "$work/out" 2> "$work/err" &
  pid=$!
  i=0
  until grep -q "listening" "$work/out" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -lt 300 ] || { echo "serve did not start: $(cat "$work/err")" >&2; exit 1; }
    sleep 0.1
  done
  sleep 2
  printf '%-28s tasks %5s   rss %8s kB\n' "$name" \
    "$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")" \
    "$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}
measure "defaults (64 + 256 queue)"
measure "max-running 8, queue 16" "[concurrency]" "max-running = 8" "max-per-script = 8" "queue = 16"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
