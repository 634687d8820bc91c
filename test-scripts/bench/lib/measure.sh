# shellcheck shell=bash
# The measurements of gateway-bench.sh: one wrk round, one raw spawn round, one streaming
# transfer, the gateway's memory under slow scripts, and the medians the report is made of.
# Sourced, not run. Results go to RESULTS, one line per round:
#   <server> <script> <concurrency> <round> <requests-per-second> <errors>
# and, for servers that are one process (gateway, lighttpd), to CPU_RESULTS:
#   <server> <script> <concurrency> <round> <server CPU microseconds per request> 0

MEASURE_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Seconds the JVM with pid $1 has spent compiling (jstat -compiler), or nothing when jstat cannot
# read it (no jstat, or the JVM runs with -XX:-UsePerfData).
jit_seconds() {
    command -v jstat >/dev/null || return 1
    jstat -compiler "$1" 2>/dev/null | awk 'NR == 2 && $4 ~ /^[0-9.]+$/ { print $4; found = 1 }
        END { exit !found }'
}

# Unmeasured load on URL until the JVM with pid $1 has stopped compiling: slices of 2 s at each
# concurrency the caller measures (CONCURRENCY, e.g. "1,8,64"; 8 when unset), until one slice
# adds less than 0.1 s of JIT compile time, for at most
# JIT_WARMUP_MAX seconds (default 60). A fixed warm-up of a few seconds is not enough: measured
# with jstat on this 2-core machine, the gateway spent about 16 s of compile time in its first
# 15 s of load, and its rate at 8 connections rose from about 1,500 to 2,600-2,800 requests per
# second once the compiler had settled. The rounds measure the server in steady state, as a
# long-running server is; a server without a JIT gets the fixed warm-up only.
# Arguments after the URL go to wrk as they are (a header, e.g. -H "Connection: close").
warm_until_compiled() {
    local pid=$1 url=$2 before after waited=0 max=${JIT_WARMUP_MAX:-60}
    local extra=("${@:3}")
    if ! before=$(jit_seconds "$pid"); then
        warn "jstat cannot read the JVM (pid $pid); its JIT may still compile during the rounds"
        return 0
    fi
    # Every concurrency, not only 8: code the JIT compiled for one load pattern is compiled
    # again when a branch it had never seen is taken. With a warm-up at 8 connections alone, the
    # C2 compiler took 1.6-2.3 s of CPU in the first 5 s at one connection on hello.pl
    # (docs/performance.md, "Steady state: the warm-up waits for the JIT").
    local list=${CONCURRENCY:-8} c
    while ((waited < max)); do
        for c in ${list//,/ }; do
            wrk -t$((c < 2 ? c : 2)) -c"$c" -d2s --timeout 10s "${extra[@]}" "$url" >/dev/null 2>&1 \
                || true
            waited=$((waited + 2))
        done
        after=$(jit_seconds "$pid") || return 0
        if awk -v a="$after" -v b="$before" 'BEGIN { exit !(a - b < 0.1) }'; then
            say "JIT settled after $waited s more of warm-up on $url ($after s compiling in all)"
            return 0
        fi
        before=$after
    done
    warn "the JIT was still compiling after $max s more of warm-up on $url"
}

# One wrk round; prints "<req/s> <errors> <requests>", errors being non-2xx/3xx answers plus
# socket errors, so a server that answers fast with 503s cannot pass for a fast server.
measure_wrk() {
    local url=$1 connections=$2 threads output
    threads=$((connections < 2 ? connections : 2))
    # A failed round prints nothing: the caller records no figure rather than a zero.
    output=$(wrk -t"$threads" -c"$connections" -d"${DURATION}s" --timeout 10s "$url" 2>&1) || {
        warn "wrk failed on $url: $(head -n 1 <<<"$output")"
        return 0
    }
    awk '/^Requests\/sec:/ { rate = $2 }
         / requests in / { requests = $1 }
         /Non-2xx or 3xx responses:/ { errors += $NF }
         /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
         END { printf "%s %d %d\n", (rate == "" ? 0 : rate), errors, requests }' <<<"$output"
}

# CPU time, user plus system, of one process's own threads (not its children), in clock
# ticks; 0 when the process is gone. Fields 14 and 15 of /proc/PID/stat, counted after the
# parenthesised command name, which may itself hold spaces.
cpu_ticks() {
    sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0
}

# Microseconds of CPU per request from two cpu_ticks readings and a request count.
cpu_per_request() {
    awk -v t="$(($2 - $1))" -v n="$3" -v hz="$CLOCK_TICKS" \
        'BEGIN { printf "%.0f\n", (n > 0 ? t * 1e6 / hz / n : 0) }'
}

# One raw round: the same program spawned by rawspawn with one thread per client connection.
measure_raw() {
    local program=$1 connections=$2 output
    output=$("$BIN/rawspawn" -t "$connections" -d "$DURATION" "$program" 2>&1) || {
        warn "rawspawn failed on $program: $(head -n 1 <<<"$output")"
        return 0
    }
    awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
         END { printf "%s %d %d\n", v["spawns_per_second"], v["failures"], v["spawns"] }' \
        <<<"$output"
}

# The gateway's own transfer work, which the limits below repeat in C: the size of each read
# from a client connection (RequestBodies.CONNECTION_READ_BYTES), the stdout pipe's size and the
# size of each read from it (NativeSpawn.STDOUT_PIPE_BYTES, DirectBuffers.BUFFER_BYTES), and the
# stdin pipe's size and the largest write of a request body into it (NativeSpawn.STDIN_PIPE_BYTES,
# RequestBodies: one pooled DirectBuffers buffer).
GATEWAY_CONNECTION_READ_BYTES=$((128 * 1024))
GATEWAY_STDOUT_PIPE_BYTES=$((256 * 1024))
GATEWAY_STDOUT_READ_BYTES=$((128 * 1024))
GATEWAY_STDIN_PIPE_BYTES=$((256 * 1024))
GATEWAY_STDIN_WRITE_BYTES=$((128 * 1024))

# Which client measures the two transfers (--transfer-client). wrk, as for every other cell: it
# sends uploads, or fetches responses, for the round's whole duration, each on a connection of
# its own, a few hundred 16 MiB uploads or some fifteen 256 MiB responses per round, writing an
# upload as fast as the socket takes it. curl: UPLOAD_REPEATS uploads, or one download, per
# round, each a new curl, which writes an upload 64 KiB at a time; one 16 MiB upload lasts about
# 10 ms, where the spawn and a scheduling hiccup weigh a lot, and five of them are few.
TRANSFER_CLIENT=${TRANSFER_CLIENT:-wrk}
UPLOAD_REPEATS=5

# The limits of the two transfers, as servers: "pipelimit serve" accepts the same curl request
# on loopback TCP and does only the unavoidable work of a CGI server with the gateway's sizes
# (socket reads into a buffer written to the script's stdin pipe; the script's stdout pipe read
# into a buffer written to the socket), one request at a time. A limit without the client and
# the TCP leg (pipelimit write/read alone) is one no server can reach: curl posting to a
# program that only reads the socket was measured below it. Sets UPLOAD_LIMIT_PORT and
# STREAM_LIMIT_PORT (0 when one did not start).
start_pipe_limits() {
    local port
    UPLOAD_LIMIT_PORT=0
    STREAM_LIMIT_PORT=0
    port=$(free_port) || return 0
    "$BIN/pipelimit" serve -r "$GATEWAY_CONNECTION_READ_BYTES" -w "$GATEWAY_STDIN_WRITE_BYTES" \
        -p "$GATEWAY_STDIN_PIPE_BYTES" "$port" "$CGI_BIN/readbody" >"$WORK/upload-limit.log" 2>&1 &
    STARTED_PIDS+=("$!")
    await_http "http://127.0.0.1:$port/" any "$!" 10 && UPLOAD_LIMIT_PORT=$port
    port=$(free_port) || return 0
    "$BIN/pipelimit" serve -r "$GATEWAY_STDOUT_READ_BYTES" -p "$GATEWAY_STDOUT_PIPE_BYTES" \
        "$port" "$CGI_BIN/bigbody" >"$WORK/stream-limit.log" 2>&1 &
    STARTED_PIDS+=("$!")
    await_http "http://127.0.0.1:$port/?mib=0" any "$!" 10 && STREAM_LIMIT_PORT=$port
    ((UPLOAD_LIMIT_PORT > 0 && STREAM_LIMIT_PORT > 0)) || warn "pipelimit serve did not start; see $WORK"
    return 0
}

# The pipe work alone, without client or socket, for reference beside the limits above:
# pipelimit writing POST_MIB MiB into readbody's stdin, and reading bigbody's STREAM_MIB MiB.
measure_pipe_only() {
    if [[ $1 == upload ]]; then
        "$BIN/pipelimit" write -m "$POST_MIB" -w "$GATEWAY_STDIN_WRITE_BYTES" \
            -p "$GATEWAY_STDIN_PIPE_BYTES" "$CGI_BIN/readbody" 2>/dev/null
    else
        BIGBODY_MIB=$STREAM_MIB "$BIN/pipelimit" read -r "$GATEWAY_STDOUT_READ_BYTES" \
            -p "$GATEWAY_STDOUT_PIPE_BYTES" "$CGI_BIN/bigbody" 2>/dev/null
    fi | awk '{ split($1, kv, "="); print kv[2] + 0 } END { if (NR == 0) print 0 }'
}

# MiB/s of POST_MIB MiB bodies sent to readbody through the server on port $1 (all the bytes
# over all the time), by TRANSFER_CLIENT; 0 unless the script answered 200 with the whole body
# counted every time.
measure_http_upload() {
    ((${1:-0} > 0)) || { echo 0; return 0; }
    if [[ $TRANSFER_CLIENT == curl ]]; then
        measure_http_upload_curl "$1"
    else
        UPLOAD_FILE="$WORK/upload-body" wrk_transfer upload.lua \
            "http://127.0.0.1:$1/cgi-bin/readbody" "$POST_MIB"
    fi
}

# MiB/s of STREAM_MIB MiB responses from bigbody through the server on port $1, by
# TRANSFER_CLIENT; 0 when a response was not 200 or (curl) not whole.
measure_http_stream() {
    ((${1:-0} > 0)) || { echo 0; return 0; }
    if [[ $TRANSFER_CLIENT == curl ]]; then
        measure_http_stream_curl "$1"
    else
        wrk_transfer stream.lua "http://127.0.0.1:$1/cgi-bin/bigbody?mib=$STREAM_MIB" 0
    fi
}

# wrk on one connection for DURATION seconds with lib/$1 (upload.lua or stream.lua) on URL $2;
# prints the MiB/s its done() line gives: $3 MiB per upload answered, or with $3 = 0 every byte
# read. 0 when nothing was answered, or an answer was wrong (bad, status or errors above 0).
wrk_transfer() {
    wrk -t1 -c1 -d"${DURATION}s" --timeout 60s -s "$MEASURE_LIB/$1" "$2" 2>&1 | awk -v mib="$3" '
        /^(uploads|bytes)=/ {
            for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            found = 1
        }
        END {
            answered = (mib > 0) ? v["uploads"] : v["responses"]
            if (!found || answered == 0 || v["bad"] + v["status"] + v["errors"] > 0 || v["seconds"] <= 0) {
                print 0
                exit
            }
            moved = (mib > 0) ? mib * v["uploads"] : v["bytes"] / 1048576
            printf "%.1f\n", moved / v["seconds"]
        }'
}

# UPLOAD_REPEATS POSTs by curl, one after another. "Expect:" is cleared so that no server's
# 100-continue round trip is part of the figure.
measure_http_upload_curl() {
    local port=$1 result reply="$WORK/upload-reply" seconds=0 i
    for ((i = 0; i < UPLOAD_REPEATS; i++)); do
        result=$(curl -s -o "$reply" -m 120 -H 'Expect:' -H 'Content-Type: application/octet-stream' \
            --data-binary @"$WORK/upload-body" -w '%{http_code} %{time_total}' \
            "http://127.0.0.1:$port/cgi-bin/readbody" || true)
        grep -q "^hello, read $((POST_MIB * 1048576)) bytes" "$reply" 2>/dev/null || result="0 0"
        seconds=$(awk -v sum="$seconds" '{ if ($1 != 200 || $2 <= 0) print -1; else print sum + $2 }' <<<"$result")
        [[ $seconds == -1 ]] && { echo 0; return 0; }
    done
    awk -v mib="$POST_MIB" -v n="$UPLOAD_REPEATS" -v s="$seconds" 'BEGIN { printf "%.1f\n", mib * n / s }'
}

# One download by curl, which must be whole.
measure_http_stream_curl() {
    local port=$1 result
    result=$(curl -s -o /dev/null -m 120 -w '%{http_code} %{size_download} %{time_total}' \
        "http://127.0.0.1:$port/cgi-bin/bigbody?mib=$STREAM_MIB" || true)
    awk -v mib="$STREAM_MIB" '{
        if ($1 != 200 || $2 != mib * 1048576 || $3 <= 0) { print 0; exit }
        printf "%.1f\n", mib / $3 }' <<<"$result"
}

# Samples the gateway's memory while 64 clients each hold a slow script open; prints
# "<peak VmRSS KiB> <VmHWM KiB> <peak scripts alive> <req/s> <errors>". The clients are
# spread over four copies of the script because the default config runs at most 16 copies of
# one script (max-per-script) and 64 in all (max-running): four names fill it exactly.
measure_gateway_memory() {
    local pid=$1 port=$2 seconds=$3 copy wrk_pids=() rss peak_rss=0 alive peak_alive=0 hwm
    for copy in a b c d; do
        wrk -t1 -c16 -d"${seconds}s" --timeout 10s \
            "http://127.0.0.1:$port/cgi-bin/sleep2-$copy.sh" >"$WORK/memory-wrk-$copy.log" 2>&1 &
        wrk_pids+=("$!")
    done
    while kill -0 "${wrk_pids[@]}" 2>/dev/null; do
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
        alive=$(pgrep -c -f -- "$CGI_BIN/sleep2-" || true)
        ((rss > peak_rss)) && peak_rss=$rss
        ((alive > peak_alive)) && peak_alive=$alive
        sleep 0.2
    done
    wait "${wrk_pids[@]}" 2>/dev/null || true
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    awk -v rss="$peak_rss" -v hwm="$hwm" -v alive="$peak_alive" '
        /^Requests\/sec:/ { rate += $2 }
        /Non-2xx or 3xx responses:/ { errors += $NF }
        /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
        END { printf "%d %d %d %.2f %d\n", rss, hwm, alive, rate, errors }' \
        "$WORK"/memory-wrk-?.log
}

# Median of the rounds for each server, script and concurrency:
#   <server> <script> <concurrency> <median req/s> <total errors> <rounds measured>
medians() {
    sort -k1,1 -k2,2 -k3,3n -k5,5g "$1" | awk '
        function flush() {
            if (n == 0) return
            m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
            printf "%s %s %s %.1f %d %d\n", key1, key2, key3, m, errs, n
        }
        { key = $1 " " $2 " " $3
          if (key != last) { flush(); n = 0; errs = 0; last = key }
          key1 = $1; key2 = $2; key3 = $3; v[++n] = $5; errs += $6 }
        END { flush() }'
}

# Looks up a median from the table data; prints 0 when it was not measured.
median_of() {
    awk -v s="$1" -v p="$2" -v c="$3" '$1 == s && $2 == p && $3 == c { print $4; found = 1 }
        END { if (!found) print 0 }' "$WORK/medians"
}
