#!/usr/bin/env bash
# gateway-bench.sh: requests per second through the cgiguard gateway for a trivial compiled
# CGI program, a /bin/sh script and a Perl script at several concurrencies, against the
# machine's raw spawn rate and, where installed, lighttpd (mod_cgi) and Apache (mod_cgid) on
# the same scripts in the same run; then a large upload and a large response against the pipe
# limits of this machine, and the gateway's memory while 64 slow scripts run. See README.md
# next to it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_SCRIPTS=$(dirname "$HERE")
REPO=$(dirname "$TEST_SCRIPTS")
BIN="$TEST_SCRIPTS/bin"

DURATION=5
ROUNDS=3
INSTALL=1
INSTALL_SERVERS=0
SERVERS="gateway,lighttpd,apache"
SCRIPTS="hello,hello.sh,hello.pl"
CONCURRENCY="1,8,64"
STREAM_MIB=256
POST_MIB=16
TRANSFER_CLIENT=wrk
MEMORY_SECONDS=8
WARMUP=3
JAR="$REPO/target/cgiguard.jar"
JAVA_OPTS=""
JVM_OPTIONS_FILE=""
GATEWAY_CONFIG=""
KEEP_WORK=0
BUILD=0

usage() {
    cat <<'USAGE'
Usage: gateway-bench.sh [options]

Measures CGI requests per second with wrk through the cgiguard gateway, lighttpd and Apache,
against the raw posix_spawn + read + waitpid rate of this machine, and prints medians and
ratios. Every server it starts listens on 127.0.0.1 only and is stopped when it exits.

Options:
  -d, --duration SECONDS   length of each measured round (default 5)
  -r, --rounds N           rounds per figure; servers alternate within a round (default 3)
  -s, --servers LIST       comma-separated from gateway,lighttpd,apache (default all);
                           the raw spawn rate is always measured
      --scripts LIST       from hello,hello.sh,hello.pl (default all three)
  -c, --concurrency LIST   client connections per round (default 1,8,64)
      --stream-mib N       size of the streaming test in MiB (default 256; 0 skips it)
      --post-mib N         size of the upload test in MiB (default 16; 0 skips it)
      --transfer-client C  the client of the upload and the stream: wrk (default),
                           transfers for each round's whole duration; curl, five
                           uploads (written 64 KiB at a time) or one download per round
      --memory-seconds N   length of the c=64 slow-script memory test (default 8; 0 skips)
      --warmup SECONDS     unmeasured load per server and script before the rounds
                           (default 3; 0 skips); the gateway then gets more, until its
                           JIT stops compiling (jstat; at most JIT_WARMUP_MAX=60 s)
      --jar PATH           gateway jar (default target/cgiguard.jar, built if missing)
      --build              run mvn -B -q package -DskipTests even when the jar exists
      --gateway-config F   pass --config F to the gateway (default: its own default,
                           conf/cgiguard.toml of this repository)
      --java-opts "OPTS"   JVM options for the gateway, e.g. "-Xmx96m" (after the
                           shipped ones with --shipped-jvm-options)
      --shipped-jvm-options
                           start the gateway as bin/cgiguard does, with conf/jvm.options
                           (default: the JVM's own defaults, as java -jar)
      --jvm-options FILE   the same with another options file, such as
                           conf/jvm-throughput.options
      --no-install         never call apt-get; missing wrk is then an error
      --install-servers    apt-get install lighttpd and apache2 if missing
      --keep-work          keep the temp dir with configs and logs, and print its path
  -h, --help               this text
USAGE
}

# shellcheck source=lib/messages.sh
source "$HERE/lib/messages.sh"

parse_options() {
    while (($# > 0)); do
        case $1 in
            -d | --duration) DURATION=${2:?}; shift ;;
            -r | --rounds) ROUNDS=${2:?}; shift ;;
            -s | --servers) SERVERS=${2:?}; shift ;;
            --scripts) SCRIPTS=${2:?}; shift ;;
            -c | --concurrency) CONCURRENCY=${2:?}; shift ;;
            --stream-mib) STREAM_MIB=${2:?}; shift ;;
            --post-mib) POST_MIB=${2:?}; shift ;;
            --transfer-client) TRANSFER_CLIENT=${2:?}; shift ;;
            --memory-seconds) MEMORY_SECONDS=${2:?}; shift ;;
            --warmup) WARMUP=${2:?}; shift ;;
            --jar) JAR=${2:?}; shift ;;
            --java-opts) JAVA_OPTS=${2?}; shift ;;
            --shipped-jvm-options) JVM_OPTIONS_FILE="$REPO/conf/jvm.options" ;;
            --jvm-options) JVM_OPTIONS_FILE=$(realpath -- "${2:?}"); shift ;;
            --gateway-config) GATEWAY_CONFIG=$(realpath -- "${2:?}"); shift ;;
            --build) BUILD=1 ;;
            --no-install) INSTALL=0 ;;
            --install-servers) INSTALL_SERVERS=1 ;;
            --keep-work) KEEP_WORK=1 ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; die "unknown option: $1" ;;
        esac
        shift
    done
    JAR=$(realpath -m -- "$JAR")
    [[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "--duration takes whole seconds"
    [[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds takes a positive number"
    [[ $STREAM_MIB =~ ^[0-9]+$ ]] || die "--stream-mib takes a number"
    [[ $POST_MIB =~ ^[0-9]+$ ]] || die "--post-mib takes a number"
    [[ $TRANSFER_CLIENT =~ ^(wrk|curl)$ ]] || die "--transfer-client takes wrk or curl"
    [[ $MEMORY_SECONDS =~ ^[0-9]+$ ]] || die "--memory-seconds takes a number"
    [[ $WARMUP =~ ^[0-9]+$ ]] || die "--warmup takes whole seconds"
    [[ $CONCURRENCY =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--concurrency takes e.g. 1,8,64"
    local item
    for item in ${SERVERS//,/ }; do
        [[ $item =~ ^(gateway|lighttpd|apache)$ ]] || die "unknown server: $item"
    done
    for item in ${SCRIPTS//,/ }; do
        [[ $item =~ ^(hello|hello\.sh|hello\.pl)$ ]] || die "unknown script: $item"
    done
}

# shellcheck source=lib/install.sh
source "$HERE/lib/install.sh"

ensure_tools() {
    local tool
    for tool in gcc curl perl pgrep; do
        command -v "$tool" >/dev/null || die "$tool is required"
    done
    command -v wrk >/dev/null || apt_install wrk || die "wrk is missing (apt-get install wrk)"
    if ((INSTALL_SERVERS)); then
        command -v lighttpd >/dev/null || apt_install lighttpd || warn "could not install lighttpd"
        command -v apache2 >/dev/null || command -v httpd >/dev/null \
            || apt_install apache2 || warn "could not install apache2"
    fi
}

compile_programs() {
    mkdir -p "$BIN"
    local program
    for program in hello rawspawn bigbody readbody pipelimit; do
        gcc -O2 -Wall -Wextra -pthread -o "$BIN/$program" "$TEST_SCRIPTS/src/$program.c"
    done
}

# A private docroot readable by everyone, since as root each server runs scripts as nobody.
prepare_cgi_bin() {
    DOCROOT="$WORK/docroot"
    CGI_BIN="$DOCROOT/cgi-bin"
    mkdir -p "$CGI_BIN"
    cp "$TEST_SCRIPTS"/responses/hello.sh "$TEST_SCRIPTS"/responses/hello.pl "$CGI_BIN/"
    cp "$TEST_SCRIPTS"/responses/sleep-2s-then-answer.sh "$CGI_BIN/sleep2.sh"
    cp "$BIN/hello" "$BIN/bigbody" "$BIN/readbody" "$CGI_BIN/"
    local copy
    for copy in a b c d; do
        cp "$CGI_BIN/sleep2.sh" "$CGI_BIN/sleep2-$copy.sh"
    done
    chmod 755 "$WORK" "$DOCROOT" "$CGI_BIN" "$CGI_BIN"/*
}

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        stop_pid "$pid"
    done
    [[ -n ${LIGHTTPD_UPLOADS:-} ]] && rm -rf "$LIGHTTPD_UPLOADS"
    if ((KEEP_WORK)); then
        say "work dir kept: $WORK"
    elif [[ -n ${WORK:-} && -d $WORK ]]; then
        rm -rf "$WORK"
    fi
}

# Starts each requested server that can start; ACTIVE lists "name:port" pairs.
start_servers() {
    ACTIVE=()
    local server port
    for server in ${SERVERS//,/ }; do
        if "start_$server"; then
            case $server in
                gateway) port=$GATEWAY_PORT ;;
                lighttpd) port=$LIGHTTPD_PORT ;;
                apache) port=$APACHE_PORT ;;
            esac
            ACTIVE+=("$server:$port")
        else
            warn "skipping $server"
        fi
    done
}

# A pair that does not answer 200 with the script's body is left out of every round, so a
# broken setup shows up as a missing row and a warning rather than as a fast error rate.
check_pairs() {
    local entry script body
    SKIPPED=" "
    for entry in "${ACTIVE[@]}"; do
        for script in ${SCRIPTS//,/ }; do
            body=$(curl -s -m 10 "http://127.0.0.1:${entry#*:}/cgi-bin/$script" || true)
            if [[ $body != hello* ]]; then
                warn "${entry%%:*} does not serve $script correctly; leaving it out"
                SKIPPED+="${entry%%:*}/$script "
            fi
        done
    done
}

# The gateway's JVM compiles its hot paths in its first seconds under load; every server
# gets the same unmeasured load so that round 1 does not measure the JIT.
warm_up() {
    ((WARMUP > 0)) || return 0
    local entry script
    for entry in "${ACTIVE[@]}"; do
        for script in ${SCRIPTS//,/ }; do
            [[ $SKIPPED == *" ${entry%%:*}/$script "* ]] && continue
            wrk -t2 -c8 -d"${WARMUP}s" --timeout 10s \
                "http://127.0.0.1:${entry#*:}/cgi-bin/$script" >/dev/null 2>&1 || true
            if [[ ${entry%%:*} == gateway && -n $GATEWAY_PID ]]; then
                warm_until_compiled "$GATEWAY_PID" "http://127.0.0.1:${entry#*:}/cgi-bin/$script"
            fi
        done
    done
}

# One wrk round against a server, and its own CPU per request where it is one process.
measure_server() {
    local name=$1 port=$2 script=$3 connections=$4 round=$5 pid before figure
    case $name in
        gateway) pid=$GATEWAY_PID ;;
        lighttpd) pid=$LIGHTTPD_PID ;;
        *) pid="" ;;
    esac
    [[ -n $pid ]] && before=$(cpu_ticks "$pid")
    figure=$(measure_wrk "http://127.0.0.1:$port/cgi-bin/$script" "$connections")
    if [[ -n $pid && -n $figure ]]; then
        echo "$name $script $connections $round" \
            "$(cpu_per_request "$before" "$(cpu_ticks "$pid")" "${figure##* }") 0" >>"$CPU_RESULTS"
    fi
    echo "$figure"
}

# A server that died mid-run is reported with its exit status and log, and left out of
# everything after, rather than measured as a server that answers nothing.
check_alive() {
    local name=$1 pid status=0 log
    case $name in
        gateway) pid=$GATEWAY_PID log="$WORK/gateway.log" ;;
        lighttpd) pid=$LIGHTTPD_PID log="$WORK/lighttpd/error.log" ;;
        apache) pid=$APACHE_PID log="$WORK/apache/error.log" ;;
    esac
    kill -0 "$pid" 2>/dev/null && return 0
    wait "$pid" || status=$?
    if ((status > 128)); then
        warn "$name (pid $pid) was killed by signal $((status - 128)); its log ends with:"
    else
        warn "$name (pid $pid) exited with status $status; its log ends with:"
    fi
    tail -n 20 "$log" >&2 2>/dev/null || true
    DEAD+="$name "
    local kept=() entry
    for entry in "${ACTIVE[@]}"; do
        [[ ${entry%%:*} == "$name" ]] || kept+=("$entry")
    done
    ACTIVE=("${kept[@]}")
    [[ $name == gateway ]] && GATEWAY_PID=""
    return 0
}

# One round of every figure. The order of servers rotates each round so that drift in the
# machine's load (other work, thermal limits) does not always favour the same server.
run_round() {
    local round=$1 script connections i n entry name figure rate errors
    local order=("raw:0" "${ACTIVE[@]}")
    n=${#order[@]}
    for script in ${SCRIPTS//,/ }; do
        for connections in ${CONCURRENCY//,/ }; do
            for ((i = 0; i < n; i++)); do
                entry=${order[$(((i + round) % n))]}
                name=${entry%%:*}
                [[ $SKIPPED == *" $name/$script "* ]] && continue
                [[ $DEAD == *" $name "* ]] && continue
                if [[ $name == raw ]]; then
                    figure=$(measure_raw "$CGI_BIN/$script" "$connections")
                else
                    figure=$(measure_server "$name" "${entry#*:}" "$script" "$connections" "$round")
                    check_alive "$name"
                fi
                [[ -n $figure ]] || continue
                echo "$name $script $connections $round $figure" >>"$RESULTS"
                read -r rate errors _ <<<"$figure"
                say "[round $round/$ROUNDS] $name $script c=$connections: $rate req/s, errors $errors"
            done
        done
    done
}

main() {
    parse_options "$@"
    # shellcheck source=lib/servers.sh
    source "$HERE/lib/servers.sh"
    # shellcheck source=lib/measure.sh
    source "$HERE/lib/measure.sh"
    # shellcheck source=lib/report.sh
    source "$HERE/lib/report.sh"
    STARTED_PIDS=()
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    ensure_tools
    compile_programs
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/cgiguard-bench.XXXXXX")
    RESULTS="$WORK/results"
    CPU_RESULTS="$WORK/cpu-results"
    CLOCK_TICKS=$(getconf CLK_TCK)
    : >"$RESULTS"
    : >"$CPU_RESULTS"
    prepare_cgi_bin
    DEAD=" "
    start_servers
    start_pipe_limits
    check_pairs
    say "servers: raw ${ACTIVE[*]}; $ROUNDS rounds of ${DURATION} s each"
    warm_up
    warn_if_busy
    local round
    for round in $(seq "$ROUNDS"); do
        run_round "$round"
    done
    print_versions
    echo
    echo "Requests per second (median of $ROUNDS rounds of $DURATION s; $(nproc) CPUs):"
    print_table
    print_cpu_table
    report_upload
    report_streaming
    report_memory
    report_targets
    report_summary
}

main "$@"
