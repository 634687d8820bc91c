#!/usr/bin/env bash
# fastcgi-vs-fcgiwrap.sh: requests per second through nginx to the same CGI scripts, once with
# cgiguard behind nginx as its FastCGI responder (a Unix socket, mount mode) and once with
# fcgiwrap (spawned here on a Unix socket), at several concurrencies, alternating the two within
# each round, and the ratio cgiguard / fcgiwrap. See README.md next to it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_SCRIPTS=$(dirname "$HERE")
REPO=$(dirname "$TEST_SCRIPTS")

DURATION=5
ROUNDS=3
WARMUP=3
SCRIPTS="hello.sh,hello.pl"
CONCURRENCY="1,8,64"
FCGIWRAP_CHILDREN=64
JAR="$REPO/target/cgiguard.jar"
BUILD=0
KEEP_WORK=0
INSTALL=1
JAVA_OPTS=""
JVM_OPTIONS_FILE=""
KEEP_CONN=0

usage() {
    cat <<'USAGE'
Usage: fastcgi-vs-fcgiwrap.sh [options]

Measures with wrk the CGI requests per second nginx serves through cgiguard's FastCGI listener
and through fcgiwrap, on the same scripts (copies of test-scripts/responses/hello.sh and hello.pl), and prints medians and
the ratio cgiguard / fcgiwrap. Everything listens on 127.0.0.1 or on Unix sockets in a private
temp dir, and is stopped when the script exits.

Options:
  -d, --duration SECONDS    length of each measured round (default 5)
  -r, --rounds N            rounds per figure; the two alternate within a round (default 3)
  -c, --concurrency LIST    client connections to nginx (default 1,8,64)
      --scripts LIST        from hello.sh,hello.pl (default both)
      --warmup SECONDS      unmeasured load per backend and script first (default 3; 0 skips);
                            cgiguard then gets more, until its JIT stops compiling (jstat;
                            at most JIT_WARMUP_MAX=60 s)
      --fcgiwrap-children N fcgiwrap worker processes (default 64, the most connections
                            measured, so that fcgiwrap never queues for want of workers)
      --jar PATH            gateway jar (default target/cgiguard.jar, built if missing)
      --build               run mvn -B -q package -DskipTests even when the jar exists
      --java-opts "OPTS"    JVM options for the gateway (after the shipped ones with
                            --shipped-jvm-options)
      --shipped-jvm-options start cgiguard as bin/cgiguard does, with conf/jvm.options
                            (default: the JVM's own defaults, as java -jar)
      --jvm-options FILE    the same with another options file, such as
                            conf/jvm-throughput.options
      --keep-conn           nginx keeps its FastCGI connections to both backends open between
                            requests (an upstream with keepalive and fastcgi_keep_conn on)
                            instead of one connection per request
      --keep-work           keep the temp dir with configs and logs, and print its path
      --no-install          never call apt-get; a missing nginx, fcgiwrap or wrk is then an error
  -h, --help                this text

Needs nginx, fcgiwrap and wrk (installed with apt-get when missing), curl, java and perl (for
hello.pl).
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
        --warmup) WARMUP=${2:?}; shift ;;
        --keep-conn) KEEP_CONN=1 ;;
        --fcgiwrap-children) FCGIWRAP_CHILDREN=${2:?}; shift ;;
        --jar) JAR=${2:?}; shift ;;
        --build) BUILD=1 ;;
        --java-opts) JAVA_OPTS=${2?}; shift ;;
        --shipped-jvm-options) JVM_OPTIONS_FILE="$REPO/conf/jvm.options" ;;
        --jvm-options) JVM_OPTIONS_FILE=$(realpath -- "${2:?}"); shift ;;
        --keep-work) KEEP_WORK=1 ;;
        --no-install) INSTALL=0 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
    shift
done

# shellcheck source=lib/install.sh
source "$HERE/lib/install.sh"
for tool in nginx fcgiwrap wrk; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x /usr/sbin/$tool ]] || apt_install "$tool" \
        || die "$tool is not installed (Debian: apt-get install $tool)"
done
for tool in curl java; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done

WORK=$(mktemp -d /tmp/fastcgi-bench.XXXXXX)
CGI_BIN="$WORK/cgi-bin"
mkdir -p "$CGI_BIN"
cp "$TEST_SCRIPTS"/responses/hello.sh "$TEST_SCRIPTS"/responses/hello.pl "$CGI_BIN/"
chmod 755 "$WORK" "$CGI_BIN" "$CGI_BIN"/*
STARTED_PIDS=()
FCGIWRAP_PID=""
cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        stop_pid "$pid"
    done
    if [[ -n $FCGIWRAP_PID ]]; then
        kill -TERM -- "-$FCGIWRAP_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 -- "-$FCGIWRAP_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$FCGIWRAP_PID" 2>/dev/null || true
    fi
    if ((KEEP_WORK)); then
        say "work dir kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

# shellcheck source=lib/servers.sh
source "$HERE/lib/servers.sh"
# shellcheck source=lib/measure.sh
source "$HERE/lib/measure.sh"

# As root, nginx's workers and fcgiwrap run as nobody, and cgiguard drops to nobody after it
# has given its socket to nobody; otherwise everything runs as the current user.
AS_ROOT=0
[[ $(id -u) == 0 ]] && AS_ROOT=1

start_cgiguard() {
    build_gateway_jar || return 1
    local http_port owner=""
    http_port=$(free_port) || return 1
    ((AS_ROOT)) && owner='socket-owner = "nobody"'
    cat >"$WORK/cgiguard.toml" <<EOF
[server]
bind = "127.0.0.1"
port = $http_port
docroot = "$WORK"
run-as = "nobody"
[[mount]]
url = "/cgi-bin/"
dir = "$CGI_BIN"
[concurrency]
max-running = 256
max-per-script = 256
queue = 256
[fastcgi]
listen = "unix:$WORK/cgiguard.sock"
socket-mode = "0600"
$owner
EOF
    gateway_java
    "${GATEWAY_JAVA[@]}" serve --config "$WORK/cgiguard.toml" \
        >"$WORK/cgiguard.log" 2>&1 &
    STARTED_PIDS+=("$!")
    CGIGUARD_PID=$!
    await_http "http://127.0.0.1:$http_port/-/health" 200 "$CGIGUARD_PID" 90 || {
        tail -n 20 "$WORK/cgiguard.log" >&2
        return 1
    }
}

start_fcgiwrap() {
    mkdir -p "$WORK/fcgiwrap"
    local run=()
    if ((AS_ROOT)); then
        chown nobody "$WORK/fcgiwrap"
        run=(runuser -u nobody --)
    fi
    # In a session of its own, so that its pid is the process group of every worker it forks:
    # stopping the master alone leaves the workers running.
    setsid "${run[@]}" fcgiwrap -c "$FCGIWRAP_CHILDREN" -s "unix:$WORK/fcgiwrap/fcgiwrap.sock" \
        >"$WORK/fcgiwrap.log" 2>&1 &
    FCGIWRAP_PID=$!
    for _ in $(seq 50); do
        [[ -S $WORK/fcgiwrap/fcgiwrap.sock ]] && return 0
        sleep 0.1
    done
    warn "fcgiwrap made no socket in 5 s:"
    cat "$WORK/fcgiwrap.log" >&2
    return 1
}

# One nginx, two servers: the same location, passed to cgiguard or to fcgiwrap. fcgiwrap
# needs SCRIPT_FILENAME; cgiguard resolves the URL against its mount.
start_nginx() {
    CGIGUARD_PORT=$(free_port)
    FCGIWRAP_PORT=$(free_port)
    local user=""
    ((AS_ROOT)) && user="user nobody nogroup;"
    mkdir -p "$WORK/nginx/tmp"
    # Both backends the same way: a connection per request (fcgiwrap's usual configuration), or
    # with --keep-conn connections kept open between requests.
    local cgiguard_pass="unix:$WORK/cgiguard.sock" fcgiwrap_pass="unix:$WORK/fcgiwrap/fcgiwrap.sock"
    local upstreams="" keep=""
    if ((KEEP_CONN)); then
        upstreams="upstream cgiguard { server $cgiguard_pass; keepalive 64; }
  upstream fcgiwrap { server $fcgiwrap_pass; keepalive 64; }"
        cgiguard_pass=cgiguard
        fcgiwrap_pass=fcgiwrap
        keep="fastcgi_keep_conn on;"
    fi
    cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
$user
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  $upstreams
  server {
    listen 127.0.0.1:$CGIGUARD_PORT;
    location /cgi-bin/ {
      include /etc/nginx/fastcgi_params;
      fastcgi_pass $cgiguard_pass;
      $keep
    }
  }
  server {
    listen 127.0.0.1:$FCGIWRAP_PORT;
    root $WORK;
    location /cgi-bin/ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
      fastcgi_pass $fcgiwrap_pass;
      $keep
    }
  }
}
EOF
    nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" \
        >"$WORK/nginx/nginx.out" 2>&1 &
    STARTED_PIDS+=("$!")
    NGINX_PID=$!
    local backend
    for backend in "$CGIGUARD_PORT" "$FCGIWRAP_PORT"; do
        await_http "http://127.0.0.1:$backend/cgi-bin/hello.sh" 200 "$NGINX_PID" 30 || {
            warn "nginx on port $backend did not answer hello.sh with 200:"
            tail -n 20 "$WORK/nginx/error.log" >&2
            return 1
        }
    done
}

say "load before the run: $(uptime)"
start_cgiguard || die "cgiguard did not start"
start_fcgiwrap || die "fcgiwrap did not start"
start_nginx || die "nginx did not start"

RESULTS="$WORK/results"
: >"$RESULTS"
IFS=, read -r -a script_list <<<"$SCRIPTS"
IFS=, read -r -a concurrency_list <<<"$CONCURRENCY"
declare -A PORT=([cgiguard]=$CGIGUARD_PORT [fcgiwrap]=$FCGIWRAP_PORT)

if ((WARMUP > 0)); then
    for script in "${script_list[@]}"; do
        for backend in cgiguard fcgiwrap; do
            wrk -t2 -c8 -d"${WARMUP}s" "http://127.0.0.1:${PORT[$backend]}/cgi-bin/$script" \
                >/dev/null 2>&1 || true
            if [[ $backend == cgiguard ]]; then
                warm_until_compiled "$CGIGUARD_PID" "http://127.0.0.1:${PORT[$backend]}/cgi-bin/$script"
            fi
        done
    done
fi

for round in $(seq "$ROUNDS"); do
    for script in "${script_list[@]}"; do
        for c in "${concurrency_list[@]}"; do
            for backend in cgiguard fcgiwrap; do
                read -r rate errors _ < <(measure_wrk \
                    "http://127.0.0.1:${PORT[$backend]}/cgi-bin/$script" "$c") || true
                [[ -n ${rate:-} ]] || continue
                echo "$backend $script $c $round $rate $errors" >>"$RESULTS"
                say "round $round: $backend $script c=$c: $rate req/s, $errors errors"
            done
        done
    done
done

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
        else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

printf '\nnginx + FastCGI, median req/s over %s rounds of %s s (errors are non-2xx or socket)\n' \
    "$ROUNDS" "$DURATION"
printf '%-10s %5s %12s %12s %8s %8s\n' script conns cgiguard fcgiwrap ratio errors
for script in "${script_list[@]}"; do
    for c in "${concurrency_list[@]}"; do
        ours=$(awk -v s="$script" -v c="$c" '$1 == "cgiguard" && $2 == s && $3 == c { print $5 }' "$RESULTS" | median)
        theirs=$(awk -v s="$script" -v c="$c" '$1 == "fcgiwrap" && $2 == s && $3 == c { print $5 }' "$RESULTS" | median)
        errors=$(awk -v s="$script" -v c="$c" '$2 == s && $3 == c { e += $6 } END { print e + 0 }' "$RESULTS")
        ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
        printf '%-10s %5s %12s %12s %8s %8s\n' "$script" "$c" "$ours" "$theirs" "$ratio" "$errors"
    done
done
printf '\nfcgiwrap children: %s; nginx worker_processes 2; FastCGI connections %s; load after the run: %s\n' \
    "$FCGIWRAP_CHILDREN" "$( ((KEEP_CONN)) && echo kept open || echo one per request)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'cgiguard JVM options: %s\n' "$(gateway_jvm_description)"
printf 'versions: %s; %s; %s\n' "$(nginx -v 2>&1)" \
    "fcgiwrap $(dpkg-query -W -f '${Version}' fcgiwrap 2>/dev/null || echo '?')" \
    "$(java -version 2>&1 | head -n 1)"
