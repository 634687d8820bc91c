#!/usr/bin/env bash
# profile-gateway.sh: a JDK Flight Recorder profile of the gateway under wrk, for the
# breakdown in docs/performance.md. Starts the gateway from target/cgiguard.jar on 127.0.0.1,
# warms it up, records CPU samples and allocation samples for a fixed load, and prints the
# recording's summary, the top frames and the allocation per request. See README.md.
#
#   profile-gateway.sh [-d SECONDS] [-c CONNECTIONS] [--script hello|hello.sh|readbody]
#                      [--out FILE.jfr] [--shipped-jvm-options | --jvm-options FILE]
#
# Without an options flag the jar runs on the JVM's own defaults (java -jar); with
# --shipped-jvm-options it runs as bin/cgiguard starts it, with conf/jvm.options (where the
# client compiler alone makes the Java code's share of a request larger).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_SCRIPTS=$(dirname "$HERE")
REPO=$(dirname "$TEST_SCRIPTS")
BIN="$TEST_SCRIPTS/bin"
DURATION=10
CONNECTIONS=8
SCRIPT=hello
OUT=""
JAR="$REPO/target/cgiguard.jar"
JAVA_OPTS=""
JVM_OPTIONS_FILE=""
# shellcheck source=lib/messages.sh
source "$HERE/lib/messages.sh"

while (($# > 0)); do
    case $1 in
        -d) DURATION=${2:?}; shift ;;
        -c) CONNECTIONS=${2:?}; shift ;;
        --script) SCRIPT=${2:?}; shift ;;
        --out) OUT=$(realpath -m -- "${2:?}"); shift ;;
        --shipped-jvm-options) JVM_OPTIONS_FILE="$REPO/conf/jvm.options" ;;
        --jvm-options) JVM_OPTIONS_FILE=$(realpath -- "${2:?}"); shift ;;
        -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done
[[ $SCRIPT =~ ^(hello|hello\.sh|readbody)$ ]] || { echo "unknown script: $SCRIPT" >&2; exit 2; }
for tool in java jcmd jfr wrk gcc curl; do
    command -v "$tool" >/dev/null || die "$tool is required"
done
[[ -f $REPO/target/cgiguard.jar ]] || (cd "$REPO" && mvn -B -q package -DskipTests)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cgiguard-profile.XXXXXX")
GATEWAY_PID=""
cleanup() {
    [[ -n $GATEWAY_PID ]] && kill "$GATEWAY_PID" 2>/dev/null && wait "$GATEWAY_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
OUT=${OUT:-$WORK/jfr/profile.jfr}

mkdir -p "$BIN" "$WORK/docroot/cgi-bin"
for program in hello readbody; do
    gcc -O2 -Wall -Wextra -o "$BIN/$program" "$TEST_SCRIPTS/src/$program.c"
done
cp "$BIN/hello" "$BIN/readbody" "$TEST_SCRIPTS/responses/hello.sh" "$WORK/docroot/cgi-bin/"
chmod 755 "$WORK" "$WORK/docroot" "$WORK/docroot/cgi-bin" "$WORK/docroot/cgi-bin"/*

# shellcheck source=lib/servers.sh
source "$HERE/lib/servers.sh"
gateway_java
echo "gateway JVM: $(gateway_jvm_description)" >&2
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$REPO" && exec "${GATEWAY_JAVA[@]}" serve --port "$PORT" --bind 127.0.0.1 \
    --docroot "$WORK/docroot" --cgi-bin "$WORK/docroot/cgi-bin") >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
URL="http://127.0.0.1:$PORT/cgi-bin/$SCRIPT"
for _ in $(seq 300); do
    curl -s -o /dev/null -m 2 "http://127.0.0.1:$PORT/-/health" && break
    kill -0 "$GATEWAY_PID" || { cat "$WORK/gateway.log" >&2; exit 1; }
    sleep 0.3
done

WRK=(wrk -t2 -c"$CONNECTIONS" --timeout 10s)
if [[ $SCRIPT == readbody ]]; then
    # Each request carries a 1 MiB body.
    head -c 1048576 /dev/zero >"$WORK/body"
    printf 'wrk.method = "POST"\nlocal f = io.open("%s", "rb")\nwrk.body = f:read("*a")\nf:close()\nwrk.headers["Content-Type"] = "application/octet-stream"\n' \
        "$WORK/body" >"$WORK/post.lua"
    WRK+=(-s "$WORK/post.lua")
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"${WRK[@]}" -d"$DURATION"s "$URL" >/dev/null 2>&1 || true # warm-up: the JIT compiles here
# The JDK's "profile" settings with denser samples: a 1 ms Java sampling period and 3000
# allocation samples a second, so that a short run gives enough samples to break down.
sed -e '/"jdk.ExecutionSample"/,/<\/event>/s/>10 ms</>1 ms</' \
    -e '/"jdk.ObjectAllocationSample"/,/<\/event>/s/>300\/s</>3000\/s</' \
    "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" \
    >"$WORK/dense.jfc"
chmod 644 "$WORK/dense.jfc"
jcmd "$GATEWAY_PID" JFR.start name=profile settings="$WORK/dense.jfc" >/dev/null
"${WRK[@]}" -d"$DURATION"s "$URL" >"$WORK/wrk.out" 2>&1
# The gateway writes the recording itself, and run as root it runs as nobody by then.
mkdir -m 1777 "$WORK/jfr"
jcmd "$GATEWAY_PID" JFR.stop name=profile filename="$WORK/jfr/profile.jfr" >/dev/null
[[ $OUT == "$WORK/jfr/profile.jfr" ]] || cp "$WORK/jfr/profile.jfr" "$OUT"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

REQUESTS=$(awk '/ requests in / { print $1 }' "$WORK/wrk.out")
echo "wrk: $(grep -E 'requests in|Requests/sec|Non-2xx' "$WORK/wrk.out" | tr -s ' ' | tr '\n' ';')"
echo
# The total comes from jdk.ThreadAllocationStatistics, each thread's allocation counter at the
# start and the end of the recording; a thread seen only at the end counts whole. The samples'
# weights are only for the split by site below: a sample carries what its thread allocated
# since its previous sample, so a thread that rarely allocates brings bytes from before the
# recording and inflates the sum.
echo "Allocation per request (jdk.ThreadAllocationStatistics, end minus start, all threads):"
jfr print --events jdk.ThreadAllocationStatistics "$OUT" | awk -v n="$REQUESTS" '
    /startTime = / { t = $3; if (start == "") start = t }
    /allocated = / { v = $3; unit = $4
        if (unit ~ /^kB/) v *= 1024; else if (unit ~ /^MB/) v *= 1048576; else if (unit ~ /^GB/) v *= 1073741824 }
    /thread = / { id = $NF; if (!(id in first)) { first[id] = (t == start ? v : 0) }; last[id] = v }
    END { for (id in last) total += last[id] - first[id]
          printf "  %.0f bytes per request (%.1f MiB over %d requests)\n", total / n, total / 1048576, n }'
echo
# Each sample goes to the part of the gateway named by the innermost frame that matches one.
echo "CPU samples (jdk.ExecutionSample) by part of the gateway, innermost matching frame:"
jfr print --events jdk.ExecutionSample --stack-depth 96 "$OUT" | awk '
    function part(frame) {
        sub(/\(.*/, "", frame) # the class and method only: parameter types name other parts
        if (frame ~ /NativeSpawn|SpawnImage|LibC\.posix_spawn|ProcessLimits|PosixLauncher|ProgramLookup/) return "spawn, file actions, limits (JNA)"
        if (frame ~ /ReapLoop|PosixScriptProcess|WaitStatus/) return "pidfd and reap loop, process close"
        if (frame ~ /PipeInputStream|PipeOutputStream|ResponseRelay|RequestBodies|StderrDrain|DirectBuffers|BodyWatch/) return "pipe reads and writes"
        if (frame ~ /HeaderBlockReader|HeaderLine|ResponseHead|ResponseFields|HeaderReading/) return "CGI header parsing"
        if (frame ~ /io\.cgiguard\.observe|GatewayMetrics/) return "metrics"
        if (frame ~ /logback|slf4j|OutcomeLog|java\.util\.logging/) return "logging"
        if (frame ~ /MetaVariables|io\.cgiguard\.plan\.|ScriptResolver|RequestPath|PathSegment|EnvironmentPolicy/) return "request resolution and CGI environment"
        if (frame ~ /io\.cgiguard\.(attempt|admission)/) return "attempt loop and admission"
        if (frame ~ /io\.cgiguard/) return "other gateway code"
        if (frame ~ /org\.eclipse\.jetty/) return "Jetty request handling and I/O"
        return ""
    }
    /stackTrace = \[/ { inside = 1; found = ""; next }
    inside && /^[[:space:]]*\]/ { inside = 0; samples++
        count[found == "" ? "JDK only (no gateway or Jetty frame)" : found]++; next }
    inside && found == "" { found = part($0) }
    END { for (f in count) printf "  %5.1f%%  %s\n", 100 * count[f] / samples, f
          printf "  (%d samples)\n", samples }' | sort -k1,1nr
echo
echo "Allocation split by allocating site (innermost gateway, Jetty or JNA frame; sample weights,"
echo "bytes per request, an estimate whose sum runs high):"
jfr print --events jdk.ObjectAllocationSample --stack-depth 96 "$OUT" | awk -v n="$REQUESTS" '
    /stackTrace = \[/ { inside = 1; site = ""; next }
    inside && /^[[:space:]]*\]/ { inside = 0; next }
    inside && site == "" && /(io\.cgiguard|org\.eclipse\.jetty|com\.sun\.jna)/ {
        site = $0; sub(/^[[:space:]]+/, "", site); sub(/[[:space:]]+line:.*/, "", site) }
    /weight = / { w = $3; unit = $4
        if (unit ~ /^kB/) w *= 1024; else if (unit ~ /^MB/) w *= 1048576; else if (unit ~ /^GB/) w *= 1073741824
        by[site == "" ? "(JDK only)" : site] += w }
    END { for (c in by) printf "  %10.0f  %s\n", by[c] / n, c }' | sort -k1,1nr | head -n 25
echo
jfr summary "$OUT" | sed -n '1,12p'
[[ $OUT == "$WORK"/* ]] || echo "recording kept: $OUT"
