# shellcheck shell=bash
# The report of gateway-bench.sh: the table of medians and ratios, the servers' CPU per
# request, the streaming and memory figures, and PASS/FAIL against the gateway's
# performance targets. Sourced, not run; reads what lib/measure.sh recorded under WORK.

# The table: every measured row with its ratios to raw, lighttpd and Apache on the same
# script and concurrency ("-" where the reference was not measured).
print_table() {
    medians "$RESULTS" >"$WORK/medians"
    awk '
        NR == FNR { rate[$1 SUBSEP $2 SUBSEP $3] = $4; next }
        function ratio(ref,   r) {
            r = rate[ref SUBSEP $2 SUBSEP $3]
            return (r > 0) ? sprintf("%.2f", $4 / r) : "-"
        }
        FNR == 1 { printf "%-9s %-9s %4s %10s %7s %6s %7s %9s %7s\n", "server", "script",
                   "c", "req/s", "errors", "rounds", "x raw", "x lighttpd", "x apache" }
        { printf "%-9s %-9s %4s %10.1f %7d %6d %7s %9s %7s\n", $1, $2, $3, $4, $5, $6,
                 ratio("raw"), ratio("lighttpd"), ratio("apache") }' \
        "$WORK/medians" <(sort -k2,2 -k3,3n -k1,1 "$WORK/medians")
}

# The servers' own CPU per request (median of the rounds), next to a budget of
# about 300 microseconds for the gateway.
print_cpu_table() {
    [[ -s $CPU_RESULTS ]] || return 0
    echo
    echo "Server process CPU per request, children excluded (median, microseconds):"
    medians "$CPU_RESULTS" >"$WORK/cpu-medians"
    sort -k2,2 -k3,3n -k1,1 "$WORK/cpu-medians" |
        awk '{ printf "  %-9s %-9s c=%-4s %7.0f us\n", $1, $2, $3, $4 }'
}

# Streaming figures; the limit and the servers alternate within each round, as the rates do,
# after one unmeasured round each (the gateway's relay is not yet compiled before it), by curl,
# which also checks that the whole body arrives.
report_streaming() {
    ((STREAM_MIB > 0)) || return 0
    local entry round name rate streams="$WORK/streams"
    : >"$streams"
    for entry in "pipe:$STREAM_LIMIT_PORT" "${ACTIVE[@]}"; do
        [[ $(measure_http_stream_curl "${entry#*:}") == 0 ]] &&
            warn "${entry%%:*}: the $STREAM_MIB MiB response did not arrive whole"
        # With curl as the client, that download was the unmeasured round.
        [[ $TRANSFER_CLIENT == curl ]] || measure_http_stream "${entry#*:}" >/dev/null
    done
    for ((round = 1; round <= ROUNDS; round++)); do
        echo "pipe $(measure_http_stream "$STREAM_LIMIT_PORT")" >>"$streams"
        echo "pipe-only $(measure_pipe_only stream)" >>"$streams"
        for entry in "${ACTIVE[@]}"; do
            echo "${entry%%:*} $(measure_http_stream "${entry#*:}")" >>"$streams"
        done
    done
    PIPE_STREAM=$(stream_median pipe "$streams")
    echo
    if [[ $TRANSFER_CLIENT == curl ]]; then
        echo "Streaming $STREAM_MIB MiB (curl; median of $ROUNDS downloads, MiB/s):"
    else
        echo "Streaming $STREAM_MIB MiB (wrk -c1; median of $ROUNDS rounds of ${DURATION} s, MiB/s):"
    fi
    printf '  %-9s %9.1f  (pipelimit serve: %d-byte pipe reads written to the socket, %d-byte pipe)\n' \
        "pipe" "$PIPE_STREAM" "$GATEWAY_STDOUT_READ_BYTES" "$GATEWAY_STDOUT_PIPE_BYTES"
    printf '  %-9s %9.1f  (pipelimit read: the pipe alone, no socket; for reference)\n' \
        "pipe-only" "$(stream_median pipe-only "$streams")"
    for entry in "${ACTIVE[@]}"; do
        name=${entry%%:*}
        rate=$(stream_median "$name" "$streams")
        printf '  %-9s %9.1f  x pipe %s\n' "$name" "$rate" \
            "$(awk -v a="$rate" -v b="$PIPE_STREAM" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
        [[ $name == gateway ]] && GATEWAY_STREAM=$rate
        [[ $name == lighttpd ]] && LIGHTTPD_STREAM=$rate
    done
    return 0
}

# Upload figures: a POST_MIB MiB body to readbody through each server, against pipelimit
# serve passing the same request's body from the socket to the same kind of pipe with the
# gateway's read and write sizes; one unmeasured round first, as for the stream.
report_upload() {
    ((POST_MIB > 0)) || return 0
    local entry round name rate uploads="$WORK/uploads"
    head -c $((POST_MIB * 1048576)) /dev/zero | tr '\0' 'x' >"$WORK/upload-body"
    : >"$uploads"
    for entry in "pipe:$UPLOAD_LIMIT_PORT" "${ACTIVE[@]}"; do
        measure_http_upload "${entry#*:}" >/dev/null
    done
    for ((round = 1; round <= ROUNDS; round++)); do
        echo "pipe $(measure_http_upload "$UPLOAD_LIMIT_PORT")" >>"$uploads"
        echo "pipe-only $(measure_pipe_only upload)" >>"$uploads"
        for entry in "${ACTIVE[@]}"; do
            echo "${entry%%:*} $(measure_http_upload "${entry#*:}")" >>"$uploads"
        done
    done
    PIPE_UPLOAD=$(stream_median pipe "$uploads")
    echo
    if [[ $TRANSFER_CLIENT == curl ]]; then
        echo "Uploading $POST_MIB MiB to a script that reads stdin (curl; median of $ROUNDS rounds of $UPLOAD_REPEATS uploads, MiB/s):"
    else
        echo "Uploading $POST_MIB MiB to a script that reads stdin (wrk -c1; median of $ROUNDS rounds of ${DURATION} s, MiB/s):"
    fi
    printf '  %-9s %9.1f  (pipelimit serve: %d-byte socket reads, %d-byte pipe writes, %d-byte pipe)\n' \
        "pipe" "$PIPE_UPLOAD" "$GATEWAY_CONNECTION_READ_BYTES" "$GATEWAY_STDIN_WRITE_BYTES" \
        "$GATEWAY_STDIN_PIPE_BYTES"
    printf '  %-9s %9.1f  (pipelimit write: the pipe alone, no client or socket; for reference)\n' \
        "pipe-only" "$(stream_median pipe-only "$uploads")"
    for entry in "${ACTIVE[@]}"; do
        name=${entry%%:*}
        rate=$(stream_median "$name" "$uploads")
        printf '  %-9s %9.1f  x pipe %s\n' "$name" "$rate" "$(ratio_of "$rate" "$PIPE_UPLOAD")"
        [[ $name == gateway ]] && GATEWAY_UPLOAD=$rate
        [[ $name == lighttpd ]] && LIGHTTPD_UPLOAD=$rate
    done
    return 0
}

stream_median() {
    awk -v name="$1" '$1 == name { print $2 }' "$2" | sort -g |
        awk '{ v[NR] = $1 } END { print (NR > 0 ? v[int((NR + 1) / 2)] : 0) }'
}

report_memory() {
    ((MEMORY_SECONDS > 0)) && [[ -n ${GATEWAY_PID:-} && -n ${GATEWAY_PORT:-} ]] || return 0
    local rss hwm alive rate errors
    read -r rss hwm alive rate errors < <(measure_gateway_memory "$GATEWAY_PID" "$GATEWAY_PORT" "$MEMORY_SECONDS")
    echo
    echo "Gateway memory with 64 clients on four copies of a 2 s script for $MEMORY_SECONDS s:"
    printf '  peak VmRSS %d MiB, VmHWM %d MiB (whole run), peak scripts alive %d, %s req/s, errors %d\n' \
        $((rss / 1024)) $((hwm / 1024)) "$alive" "$rate" "$errors"
    GATEWAY_RSS_KIB=$rss
}

report_targets() {
    local script c gateway
    echo
    echo "Targets:"
    for script in ${SCRIPTS//,/ }; do
        for c in ${CONCURRENCY//,/ }; do
            gateway=$(median_of gateway "$script" "$c")
            printf '  %-52s %s\n' "gateway $script c=$c >= 1.1 x lighttpd" \
                "$(verdict "$gateway" "$(median_of lighttpd "$script" "$c")" 1.1)"
            printf '  %-52s %s\n' "gateway $script c=$c CPU per request <= lighttpd's" \
                "$(verdict_at_most "$(cpu_median_of gateway "$script" "$c")" \
                    "$(cpu_median_of lighttpd "$script" "$c")")"
        done
    done
    printf '  %-52s %s\n' "gateway hello c=8 >= 0.75 x raw spawn" \
        "$(verdict "$(median_of gateway hello 8)" "$(median_of raw hello 8)" 0.75)"
    printf '  %-52s %s\n' "gateway $POST_MIB MiB upload >= 0.9 x pipe" "$(verdict "${GATEWAY_UPLOAD:-0}" "${PIPE_UPLOAD:-0}" 0.9)"
    printf '  %-52s %s\n' "gateway $STREAM_MIB MiB stream >= 0.8 x pipe" "$(verdict "${GATEWAY_STREAM:-0}" "${PIPE_STREAM:-0}" 0.8)"
    # The memory goal is for the gateway as shipped; on the JVM's defaults the heap grows as it likes.
    if [[ ${JVM_OPTIONS_FILE:-} == "$REPO/conf/jvm.options" ]]; then
        printf '  %-52s %s\n' "gateway RSS <= 96 MiB with 64 scripts running" \
            "$(verdict_at_most "${GATEWAY_RSS_KIB:-0}" $((96 * 1024)))"
    else
        printf '  %-52s %s\n' "gateway RSS <= 96 MiB with 64 scripts running" \
            "n/a (a goal as shipped: --shipped-jvm-options, or rss-64-scripts.sh)"
    fi
}

# The median CPU per request of one server, script and concurrency, as print_cpu_table
# computed it; 0 when not measured.
cpu_median_of() {
    [[ -s $WORK/cpu-medians ]] || { echo 0; return 0; }
    awk -v s="$1" -v p="$2" -v c="$3" '$1 == s && $2 == p && $3 == c { print $4; found = 1 }
        END { if (!found) print 0 }' "$WORK/cpu-medians"
}

# Other work on the machine moves every figure; the ratios suffer less, but say so.
warn_if_busy() {
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }' &&
        warn "load average $load on $(nproc) CPUs before the first round: expect noisy figures"
    return 0
}

# What was measured with, so that figures from different runs can be compared honestly.
print_versions() {
    echo "Machine: $(nproc) CPUs, $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "wrk: $(wrk -v 2>&1 | head -n 1)"
    command -v lighttpd >/dev/null && echo "lighttpd: $(lighttpd -v 2>&1 | head -n 1)"
    apache_binary >/dev/null && echo "apache: $("$(apache_binary)" -v 2>&1 | head -n 1)"
    [[ -n ${GATEWAY_PID:-} ]] &&
        echo "gateway: $JAR, java $(java -version 2>&1 | head -n 1), JVM options: $(gateway_jvm_description)"
    echo "scripts' environment: the gateway started without LANG, LC_ALL and TZ, which it would pass on to them; lighttpd and rawspawn pass none"
    return 0
}

# One line of ratios for the gateway: each cell against lighttpd and against its limit (raw
# spawn for the hello cells, the pipe limits for the upload and the stream); "-" where either
# side was not measured.
report_summary() {
    local script c line="" gateway
    for script in ${SCRIPTS//,/ }; do
        for c in ${CONCURRENCY//,/ }; do
            gateway=$(median_of gateway "$script" "$c")
            line+=" $script/c$c $(ratio_of "$gateway" "$(median_of lighttpd "$script" "$c")")L"
            line+=":$(ratio_of "$gateway" "$(median_of raw "$script" "$c")")R"
        done
    done
    line+=" post$POST_MIB $(ratio_of "${GATEWAY_UPLOAD:-0}" "${LIGHTTPD_UPLOAD:-0}")L"
    line+=":$(ratio_of "${GATEWAY_UPLOAD:-0}" "${PIPE_UPLOAD:-0}")P"
    line+=" stream$STREAM_MIB $(ratio_of "${GATEWAY_STREAM:-0}" "${LIGHTTPD_STREAM:-0}")L"
    line+=":$(ratio_of "${GATEWAY_STREAM:-0}" "${PIPE_STREAM:-0}")P"
    echo
    echo "Summary (gateway cell / lighttpd = L, / raw spawn = R, / pipe limit = P):$line"
}

# a / b to two places, or "-" when either was not measured.
ratio_of() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'
}

# "PASS", "FAIL" or "n/a" for value >= factor x reference.
verdict() {
    awk -v v="$1" -v r="$2" -v f="$3" 'BEGIN {
        if (v <= 0 || r <= 0) print "n/a"; else if (v >= f * r) print "PASS"; else print "FAIL" }'
}

# "PASS", "FAIL" or "n/a" for 0 < value <= limit.
verdict_at_most() {
    awk -v v="$1" -v limit="$2" 'BEGIN {
        if (v <= 0 || limit <= 0) print "n/a"; else if (v <= limit) print "PASS"; else print "FAIL" }'
}
