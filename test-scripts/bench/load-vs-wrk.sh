#!/bin/sh
# Compares `cgiguard load` with wrk against the same trivial Jetty endpoint, at the same
# connection counts, in alternating short rounds, and prints the medians and the ratios.
#
#   test-scripts/bench/load-vs-wrk.sh            # c=8 and c=64, 5 rounds of 5 s each
#   ROUNDS=3 SECONDS_PER_ROUND=3 CONNECTIONS="8" test-scripts/bench/load-vs-wrk.sh
#
# The goal: throughput at least 0.8 x wrk's and a median latency within 10 % of wrk's.
set -eu
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-5}
SECONDS_PER_ROUND=${SECONDS_PER_ROUND:-5}
CONNECTIONS=${CONNECTIONS:-"8 64"}
PORT=${PORT:-18089}
# The client JVM needs a few seconds of JIT on a busy 2-core machine; wrk has none to wait for.
WARMUP=${WARMUP:-3s}
URL="http://127.0.0.1:$PORT/"
WORK=$(mktemp -d)
trap 'kill "$ENDPOINT_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT INT TERM

if [ ! -f target/cgiguard.jar ] || [ ! -d target/test-classes/io/cgiguard/load ]; then
  mvn -B -q package -DskipTests
fi
if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
fi
CP=target/cgiguard.jar:target/test-classes

java -cp "$CP" io.cgiguard.load.TrivialEndpoint "$PORT" >"$WORK/endpoint.log" 2>&1 &
ENDPOINT_PID=$!
for _ in $(seq 1 100); do
  grep -q listening "$WORK/endpoint.log" 2>/dev/null && break
  sleep 0.1
done
# Let the server's JIT settle before either client is measured.
wrk -t2 -c8 -d3s "$URL" >/dev/null

# wrk prints "50%  123.45us" and "Latency  1.62ms ..." (the mean); convert to milliseconds.
wrk_ms() {
  awk -v key="$2" '$1 == key {
    v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
    if (unit == "us") v = v / 1000; else if (unit == "s") v = v * 1000;
    print v; exit }' "$1"
}
json_field() {
  # The JSON is pretty-printed by Jackson, one field a line; the first match wins.
  grep -m1 "\"$2\"" "$1" | sed 's/.*: *//; s/,$//'
}
median() {
  sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2];
    else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

printf '%-4s %10s %10s %6s %10s %10s %6s %10s %10s %6s\n' c wrk_rps load_rps ratio \
  wrk_p50ms load_p50 ratio wrk_mean load_mean ratio
for c in $CONNECTIONS; do
  threads=$(( c < 2 ? c : 2 ))
  for f in wrk-rps wrk-p50 wrk-mean load-rps load-p50 load-mean; do : >"$WORK/$f"; done
  for round in $(seq 1 "$ROUNDS"); do
    wrk -t"$threads" -c"$c" -d"${SECONDS_PER_ROUND}s" --latency "$URL" >"$WORK/wrk.txt"
    awk '/^Requests\/sec/ { print $2 }' "$WORK/wrk.txt" >>"$WORK/wrk-rps"
    wrk_ms "$WORK/wrk.txt" 50% >>"$WORK/wrk-p50"
    wrk_ms "$WORK/wrk.txt" Latency >>"$WORK/wrk-mean"
    java -cp "$CP" io.cgiguard.cli.LoadCommand "$URL" -c "$c" -d "${SECONDS_PER_ROUND}s" \
      --warmup "$WARMUP" -q --json "$WORK/load.json" >/dev/null
    json_field "$WORK/load.json" throughput_rps >>"$WORK/load-rps"
    json_field "$WORK/load.json" p50 >>"$WORK/load-p50"
    json_field "$WORK/load.json" mean >>"$WORK/load-mean"
    echo "round $round c=$c: wrk $(tail -1 "$WORK/wrk-rps")/s p50 $(tail -1 "$WORK/wrk-p50") ms," \
      "load $(tail -1 "$WORK/load-rps")/s p50 $(tail -1 "$WORK/load-p50") ms" >&2
  done
  wr=$(median <"$WORK/wrk-rps"); lr=$(median <"$WORK/load-rps")
  wl=$(median <"$WORK/wrk-p50"); ll=$(median <"$WORK/load-p50")
  wm=$(median <"$WORK/wrk-mean"); lm=$(median <"$WORK/load-mean")
  awk -v c="$c" -v wr="$wr" -v lr="$lr" -v wl="$wl" -v ll="$ll" -v wm="$wm" -v lm="$lm" 'BEGIN {
    printf "%-4s %10.0f %10.0f %6.2f %10.3f %10.3f %6.2f %10.3f %10.3f %6.2f\n",
      c, wr, lr, lr / wr, wl, ll, ll / wl, wm, lm, lm / wm }'
done
