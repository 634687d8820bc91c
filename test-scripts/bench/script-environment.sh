#!/usr/bin/env bash
# script-environment.sh: what one environment variable costs a script's start, with no server
# in the way. rawspawn starts the same script over and over on one thread with its small CGI
# environment, in rounds that alternate without and with the variable (LANG=C.UTF-8 unless -e
# says another), and the medians give the time per start of each and the difference. It is why
# the benchmarks start the gateway without LANG, LC_ALL and TZ: docs/performance.md, "The
# scripts' environment".
#
#   test-scripts/bench/script-environment.sh [-d SECONDS] [-r ROUNDS] [-e NAME=VALUE] [--scripts LIST]
#
# LIST is from hello.pl, hello.sh and hello (compiled here); default all three. Needs gcc and
# perl. Prints the load average before and after: measure on a quiet machine.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SECONDS_PER_ROUND=3
ROUNDS=5
VARIABLE="LANG=C.UTF-8"
SCRIPTS="hello.pl,hello.sh,hello"

while [ $# -gt 0 ]; do
    case $1 in
        -d) SECONDS_PER_ROUND=${2:?}; shift 2 ;;
        -r) ROUNDS=${2:?}; shift 2 ;;
        -e) VARIABLE=${2:?}; shift 2 ;;
        --scripts) SCRIPTS=${2:?}; shift 2 ;;
        -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "script-environment.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ $VARIABLE == *=* ]] || { echo "script-environment.sh: -e takes NAME=VALUE" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -Wall -Wextra -pthread -o "$work/rawspawn" "$REPO/test-scripts/src/rawspawn.c"
gcc -O2 -Wall -Wextra -o "$work/hello" "$REPO/test-scripts/src/hello.c"
install -m 755 "$REPO/test-scripts/responses/hello.pl" "$REPO/test-scripts/responses/hello.sh" "$work/"

# The median of the numbers on standard input.
median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

rate() {
    "$work/rawspawn" -t 1 -d "$SECONDS_PER_ROUND" "$@" | sed -n 's/^spawns_per_second=\([0-9.]*\).*/\1/p'
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds of ${SECONDS_PER_ROUND} s each way, one thread"
for script in ${SCRIPTS//,/ }; do
    case $script in
        hello.pl) program=(/usr/bin/perl "$work/hello.pl") ;;
        hello.sh) program=(/bin/sh "$work/hello.sh") ;;
        hello) program=("$work/hello") ;;
        *) echo "script-environment.sh: unknown script $script" >&2; exit 2 ;;
    esac
    without=() with=()
    for _ in $(seq "$ROUNDS"); do
        without+=("$(rate "${program[@]}")")
        with+=("$(rate -e "$VARIABLE" "${program[@]}")")
    done
    a=$(printf '%s\n' "${without[@]}" | median)
    b=$(printf '%s\n' "${with[@]}" | median)
    awk -v s="$script" -v v="$VARIABLE" -v a="$a" -v b="$b" 'BEGIN {
        printf "%-9s without: %7.1f starts/s (%4.0f us each)   with %s: %7.1f starts/s (%4.0f us each)   %+4.0f us\n",
            s, a, 1e6 / a, v, b, 1e6 / b, 1e6 / b - 1e6 / a }'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
