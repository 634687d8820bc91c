#!/usr/bin/env bash
# threads-per-request.sh: where the gateway's CPU per request goes, by thread, next to
# lighttpd's in the same run. Counts, per request, the CPU time (user plus system) and the
# voluntary and involuntary context switches of each kind of thread of each server, from
# /proc/PID/task/*/{stat,status} before and after a wrk round; the servers alternate within each
# round. With --perf it also records the gateway's context switches for one round
# (perf sched:sched_switch with kernel stacks) and names the system call each thread was
# blocked in when it gave up its CPU. See README.md next to it.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_SCRIPTS=$(dirname "$HERE")
REPO=$(dirname "$TEST_SCRIPTS")
BIN="$TEST_SCRIPTS/bin"

DURATION=5
ROUNDS=3
SCRIPTS="hello"
CONCURRENCY="1,8"
JAR="$REPO/target/cgiguard.jar"
JAVA_OPTS=""
JVM_OPTIONS_FILE=""
GATEWAY_CONFIG=""
BUILD=0
INSTALL=1
PERF=0
# wrk's extra arguments: with --close, a new connection for every request.
WRK_CLOSE=()

usage() {
    cat <<'USAGE'
Usage: threads-per-request.sh [options]

Runs the gateway and lighttpd (mod_cgi) side by side on the same CGI program, and prints for
each the CPU microseconds and context switches per request of each kind of thread (medians of
the rounds). Both listen on 127.0.0.1 only and are stopped when it exits.

Options:
  -d, --duration SECONDS   length of each wrk round (default 5)
  -r, --rounds N           rounds per cell; the servers alternate within a round (default 3)
  -c, --concurrency LIST   wrk connections (default 1,8)
      --scripts LIST       from hello,hello.sh,hello.pl,hello-idle,hello-busy (default hello,
                           the compiled program); hello-idle sleeps 2 ms before hello's answer,
                           hello-busy runs 2 ms through 6 MiB of memory first (../src/hello-after.c)
      --close              a new connection for every request (wrk sends Connection: close), as
                           nginx's proxy_pass does without upstream keepalive; default: kept
      --perf               also record one more gateway round per cell with perf and count its
                           blocking context switches by system call (needs perf and root)
      --jar PATH           gateway jar (default target/cgiguard.jar, built if missing)
      --java-opts "OPTS"   JVM options for the gateway
      --shipped-jvm-options  start the gateway with conf/jvm.options, as bin/cgiguard does
      --jvm-options FILE   the same with another options file
      --no-install         never call apt-get; a missing wrk or lighttpd is then an error
  -h, --help               this text

Measure on an otherwise idle machine; the figures are counts of one run, and the load average
before it is printed with them.
USAGE
}

# shellcheck source=lib/messages.sh
source "$HERE/lib/messages.sh"

while (($# > 0)); do
    case $1 in
        -d | --duration) DURATION=${2:?}; shift ;;
        -r | --rounds) ROUNDS=${2:?}; shift ;;
        -c | --concurrency) CONCURRENCY=${2:?}; shift ;;
        --scripts) SCRIPTS=${2:?}; shift ;;
        --perf) PERF=1 ;;
        --close) WRK_CLOSE=(-H "Connection: close") ;;
        --jar) JAR=${2:?}; shift ;;
        --java-opts) JAVA_OPTS=${2?}; shift ;;
        --shipped-jvm-options) JVM_OPTIONS_FILE="$REPO/conf/jvm.options" ;;
        --jvm-options) JVM_OPTIONS_FILE=$(realpath -- "${2:?}"); shift ;;
        --no-install) INSTALL=0 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
    shift
done
JAR=$(realpath -m -- "$JAR")
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "--duration takes whole seconds"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds takes a positive number"
[[ $CONCURRENCY =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--concurrency takes e.g. 1,8"
for script in ${SCRIPTS//,/ }; do
    [[ $script =~ ^(hello|hello\.sh|hello\.pl|hello-idle|hello-busy)$ ]] || die "unknown script: $script"
done

# shellcheck source=lib/install.sh
source "$HERE/lib/install.sh"
for tool in gcc curl java; do
    command -v "$tool" >/dev/null || die "$tool is required"
done
command -v wrk >/dev/null || apt_install wrk || die "wrk is missing (apt-get install wrk)"
command -v lighttpd >/dev/null || apt_install lighttpd || die "lighttpd is missing (apt-get install lighttpd)"
if ((PERF)); then
    command -v perf >/dev/null || die "--perf needs perf (apt-get install linux-perf)"
    ((EUID == 0)) || die "--perf needs root, to trace the gateway's context switches"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cgiguard-threads.XXXXXX")
STARTED_PIDS=()
cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        stop_pid "$pid"
    done
    [[ -n ${LIGHTTPD_UPLOADS:-} ]] && rm -rf "$LIGHTTPD_UPLOADS"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=lib/servers.sh
source "$HERE/lib/servers.sh"
# shellcheck source=lib/measure.sh
source "$HERE/lib/measure.sh"

mkdir -p "$BIN"
gcc -O2 -Wall -Wextra -o "$BIN/hello" "$TEST_SCRIPTS/src/hello.c"
gcc -O2 -Wall -Wextra -o "$BIN/hello-after" "$TEST_SCRIPTS/src/hello-after.c"
DOCROOT="$WORK/docroot"
CGI_BIN="$DOCROOT/cgi-bin"
mkdir -p "$CGI_BIN"
cp "$BIN/hello" "$TEST_SCRIPTS/responses/hello.sh" "$TEST_SCRIPTS/responses/hello.pl" "$CGI_BIN/"
# One program, two names: what it does before it answers is chosen by the name it runs under.
cp "$BIN/hello-after" "$CGI_BIN/hello-idle"
cp "$BIN/hello-after" "$CGI_BIN/hello-busy"
# As root, every server runs the scripts as nobody, who must be able to read them.
chmod 755 "$WORK" "$DOCROOT" "$CGI_BIN" "$CGI_BIN"/*

start_gateway || die "the gateway did not start"
start_lighttpd || die "lighttpd did not start"
say "gateway JVM: $(gateway_jvm_description)"
for script in ${SCRIPTS//,/ }; do
    curl -fsS "http://127.0.0.1:$GATEWAY_PORT/cgi-bin/$script" >/dev/null \
        || die "the gateway does not serve $script"
    curl -fsS "http://127.0.0.1:$LIGHTTPD_PORT/cgi-bin/$script" >/dev/null \
        || die "lighttpd does not serve $script"
done
# Every script warms both servers up, and the gateway until its JIT has settled on that script's
# path: a Perl script's slower requests take the gateway's code down branches a compiled
# program's do not, and compiling them during a round counted up to 70 µs of compiler threads
# per request.
for script in ${SCRIPTS//,/ }; do
    wrk -t2 -c8 -d3s "http://127.0.0.1:$LIGHTTPD_PORT/cgi-bin/$script" >/dev/null 2>&1 || true
    warm_until_compiled "$GATEWAY_PID" "http://127.0.0.1:$GATEWAY_PORT/cgi-bin/$script"
done
# Opening and closing connections takes Jetty down code that kept connections never run: with
# --close the gateway is warmed up on that too, until its JIT has settled again.
if ((${#WRK_CLOSE[@]})); then
    for script in ${SCRIPTS//,/ }; do
        wrk -t2 -c8 -d3s "${WRK_CLOSE[@]}" "http://127.0.0.1:$LIGHTTPD_PORT/cgi-bin/$script" \
            >/dev/null 2>&1 || true
        warm_until_compiled "$GATEWAY_PID" "http://127.0.0.1:$GATEWAY_PORT/cgi-bin/$script" \
            "${WRK_CLOSE[@]}"
    done
fi

CLOCK_TICKS=$(getconf CLK_TCK)

# One line per thread of process $1: "<tid> <kind> <voluntary> <involuntary> <cpu ticks>". The
# kind is the thread's name without its number ("cgiguard-http-17" and "cgiguard-http-3" are
# both cgiguard-http; the kernel keeps 15 characters of a name), spaces made underscores.
thread_counts() {
    local task name stat
    for task in /proc/"$1"/task/*; do
        name=$(<"$task/comm") 2>/dev/null || continue
        name=$(sed 's/[-#]*[0-9]*$//; s/ /_/g' <<<"$name")
        stat=$(sed 's/^.*) //' "$task/stat" 2>/dev/null) || continue
        awk -v tid="${task##*/}" -v kind="$name" -v stat="$stat" '
            /^voluntary_ctxt_switches:/ { v = $2 }
            /^nonvoluntary_ctxt_switches:/ { nv = $2 }
            END { split(stat, f, " "); print tid, kind, v + 0, nv + 0, f[12] + f[13] }' \
            "$task/status" 2>/dev/null || true
    done
}

# Per-request figures of each kind of thread between two thread_counts files, for $3
# requests: "<kind> <cpu us> <voluntary> <involuntary>", and a line for all threads ("all").
per_request() {
    join <(sort "$1") <(sort "$2") | awk -v n="$3" -v hz="$CLOCK_TICKS" '
        $2 == $6 {
            k = $2; v[k] += $7 - $3; nv[k] += $8 - $4; t[k] += $9 - $5
            V += $7 - $3; NV += $8 - $4; T += $9 - $5
        }
        END {
            if (n <= 0) exit
            for (k in v) printf "%s %.1f %.3f %.3f\n", k, t[k] * 1e6 / hz / n, v[k] / n, nv[k] / n
            printf "all %.1f %.3f %.3f\n", T * 1e6 / hz / n, V / n, NV / n
        }'
}

RESULTS="$WORK/results"
: >"$RESULTS"
round() {
    local server=$1 pid=$2 port=$3 script=$4 connections=$5 r=$6 out requests
    thread_counts "$pid" >"$WORK/before"
    out=$(wrk -t"$((connections < 2 ? connections : 2))" -c"$connections" -d"${DURATION}s" \
        --timeout 10s "${WRK_CLOSE[@]}" "http://127.0.0.1:$port/cgi-bin/$script" 2>&1) \
        || { warn "wrk failed"; return 0; }
    thread_counts "$pid" >"$WORK/after"
    requests=$(awk '/ requests in / { print $1 }' <<<"$out")
    if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then
        warn "$server $script c=$connections round $r: $(grep 'Non-2xx\|Socket errors' <<<"$out" | tr '\n' ' ')"
    fi
    per_request "$WORK/before" "$WORK/after" "${requests:-0}" \
        | sed "s/^/$server $script $connections $r $(awk '/^Requests\/sec:/ { print $2 }' <<<"$out") /" >>"$RESULTS"
}

# The gateway's blocking context switches of one round, by the system call each thread was
# in: the last kernel function before do_syscall_64 on the switch's kernel stack. perf follows
# the gateway's children too; the script's own switches are left out.
perf_round() {
    local script=$1 connections=$2 out requests
    perf record -q -e sched:sched_switch -g -p "$GATEWAY_PID" -o "$WORK/switch.data" \
        -- sleep "$DURATION" >/dev/null 2>&1 &
    local perf_pid=$!
    sleep 0.2
    out=$(wrk -t"$((connections < 2 ? connections : 2))" -c"$connections" -d"${DURATION}s" \
        --timeout 10s "${WRK_CLOSE[@]}" "http://127.0.0.1:$GATEWAY_PORT/cgi-bin/$script" 2>&1) || true
    wait "$perf_pid" || { warn "perf record failed"; return 0; }
    requests=$(awk '/ requests in / { print $1 }' <<<"$out")
    printf '\ngateway, %s at %s connections, blocking context switches per request by system call\n' \
        "$script" "$connections"
    printf '(perf sched:sched_switch over one %s s round, %s requests; tracing slows the round)\n' \
        "$DURATION" "$requests"
    perf script -i "$WORK/switch.data" -F comm,trace,ip,sym 2>/dev/null | awk -v n="$requests" -v script="$script" '
        function flush() {
            if (open && state !~ /^R/ && comm != script) {
                kind = comm; sub(/[-#]*[0-9]*$/, "", kind)
                c[kind " " (call == "" ? "-" : call)]++
            }
            open = 0
        }
        /prev_comm=/ {
            flush(); open = 1; call = ""; last = ""; comm = $1
            state = $0; sub(/.*prev_state=/, "", state); sub(/ .*/, "", state)
            next
        }
        open && NF >= 1 {
            if ($NF == "do_syscall_64") { if (call == "") call = last }
            else last = $NF
        }
        END {
            flush()
            for (k in c) printf "%s %.3f\n", k, c[k] / n
        }' | sed -E 's/(__x64_sys_|__do_sys_|__se_sys_|ksys_|do_sys_)//' | sort -k3 -g -r | head -n 15 \
        | awk '{ printf "  %-18s %-22s %7.3f\n", $1, $2, $3 }'
}

say "load before the rounds: $(cut -d' ' -f1-3 /proc/loadavg)"
((${#WRK_CLOSE[@]})) && say "a new connection for every request (Connection: close)"
for script in ${SCRIPTS//,/ }; do
    for connections in ${CONCURRENCY//,/ }; do
        for r in $(seq "$ROUNDS"); do
            round gateway "$GATEWAY_PID" "$GATEWAY_PORT" "$script" "$connections" "$r"
            round lighttpd "$LIGHTTPD_PID" "$LIGHTTPD_PORT" "$script" "$connections" "$r"
        done
    done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Medians over the rounds, one line per server, script, connections and kind of thread:
# "<server> <script> <connections> <kind> <cpu us> <voluntary> <involuntary> <req/s>".
awk '
    function median(list,   a, n, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) {
            t = a[i] + 0
            for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
            a[j + 1] = t
        }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { k = $1 " " $2 " " $3 " " $6; rate[k] = rate[k] " " $5
      cpu[k] = cpu[k] " " $7; vol[k] = vol[k] " " $8; inv[k] = inv[k] " " $9 }
    END { for (k in cpu) print k, median(cpu[k]), median(vol[k]), median(inv[k]), median(rate[k]) }' \
    "$RESULTS" >"$WORK/medians"

printf 'Per request, medians of %s rounds of %s s (gateway JVM: %s); load average after: %s\n' \
    "$ROUNDS" "$DURATION" "$(gateway_jvm_description)" "$load_after"
for script in ${SCRIPTS//,/ }; do
    for connections in ${CONCURRENCY//,/ }; do
        printf '\n%s at %s connections\n' "$script" "$connections"
        printf '  %-9s %-18s %9s %11s %11s %9s\n' server threads "CPU us" voluntary involuntary "req/s"
        for server in gateway lighttpd; do
            # Kinds that cost at least 1 us or switch at least once per 100 requests, largest
            # first, then all threads with the median rate.
            awk -v s="$server" -v p="$script" -v c="$connections" '
                $1 == s && $2 == p && $3 == c && $4 != "all" && ($5 >= 1 || $6 >= 0.01)' \
                "$WORK/medians" | sort -k5,5 -g -r \
                | awk '{ printf "  %-9s %-18s %9.0f %11.2f %11.2f\n", $1, $4, $5, $6, $7 }'
            awk -v s="$server" -v p="$script" -v c="$connections" '
                $1 == s && $2 == p && $3 == c && $4 == "all" {
                    printf "  %-9s %-18s %9.0f %11.2f %11.2f %9.0f\n", $1, "(all threads)", $5, $6, $7, $8 }' \
                "$WORK/medians"
        done
        if ((PERF)); then
            perf_round "$script" "$connections"
        fi
    done
done
