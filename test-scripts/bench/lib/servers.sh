# shellcheck shell=bash disable=SC2034
# Starting and stopping the servers gateway-bench.sh compares: the cgiguard gateway, lighttpd
# (mod_cgi) and Apache httpd (mod_cgid). Sourced, not run. Every server listens on 127.0.0.1
# only, on a port picked here, serves the same cgi-bin, and is recorded in STARTED_PIDS so
# the caller's EXIT trap stops it.
#
# Expects from the caller: WORK (private temp dir), DOCROOT (holds cgi-bin/), CGI_BIN,
# STARTED_PIDS (array), JAR, BUILD, JAVA_OPTS, JVM_OPTIONS_FILE, GATEWAY_CONFIG, REPO, and
# lib/messages.sh sourced (say, warn). The *_PORT and *_PID variables it sets are the caller's
# to read (so SC2034 off).

ASSIGNED_PORTS=" "

# The java command line that starts the gateway's jar, into GATEWAY_JAVA (an array): with a
# JVM_OPTIONS_FILE as bin/cgiguard starts it (the file's options, one per line, # comments
# skipped; MALLOC_ARENA_MAX=2), otherwise with the JVM's own defaults; JAVA_OPTS after either.
gateway_java() {
    local line extra=()
    GATEWAY_JAVA=(java)
    if [[ -n ${JVM_OPTIONS_FILE:-} ]]; then
        GATEWAY_JAVA=(env "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}" java)
        while IFS= read -r line || [[ -n $line ]]; do
            line=$(sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"$line")
            [[ -z $line || $line == '#'* ]] && continue
            GATEWAY_JAVA+=("$line")
        done <"$JVM_OPTIONS_FILE"
        # Back on, so that jstat can tell when the JIT has settled (warm_until_compiled); the
        # counters cost nothing a request would feel.
        GATEWAY_JAVA+=(-XX:+UsePerfData)
    fi
    read -r -a extra <<<"${JAVA_OPTS:-}"
    GATEWAY_JAVA+=("${extra[@]}" -jar "$JAR")
}

# How the gateway's JVM was started, for the figures' description.
gateway_jvm_description() {
    if [[ -n ${JVM_OPTIONS_FILE:-} ]]; then
        printf '%s and MALLOC_ARENA_MAX=2, as bin/cgiguard starts it' \
            "$(realpath --relative-to="$REPO" "$JVM_OPTIONS_FILE")"
        printf ' (with -XX:+UsePerfData for jstat)'
    else
        printf "the JVM's own defaults (java -jar)"
    fi
    [[ -n ${JAVA_OPTS:-} ]] && printf ', then %s' "$JAVA_OPTS"
    return 0
}

# A loopback port nobody answers on now; good enough for a benchmark that starts right away.
free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 40000))
        [[ $ASSIGNED_PORTS == *" $port "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            ASSIGNED_PORTS+="$port "
            echo "$port"
            return 0
        fi
    done
    return 1
}

# Polls URL until it answers with the wanted status (any status when WANT is "any"), the
# process PID dies, or SECONDS pass.
await_http() {
    local url=$1 want=$2 pid=$3 seconds=$4 code deadline
    deadline=$((SECONDS + seconds))
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || return 1
        code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)
        if [[ $want == any && $code != 000 && -n $code ]] || [[ $code == "$want" ]]; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# Stops one started process: TERM, a grace period, then KILL.
stop_pid() {
    local pid=$1
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

build_gateway_jar() {
    [[ -f $JAR ]] && ((!BUILD)) && return 0
    say "building $JAR (mvn -B -q package -DskipTests)"
    (cd "$REPO" && mvn -B -q package -DskipTests) >"$WORK/mvn.log" 2>&1 || {
        warn "gateway build failed; see the tail below"
        tail -n 20 "$WORK/mvn.log" >&2
        return 1
    }
    [[ -f $JAR ]] || { warn "build finished but $JAR is missing"; return 1; }
}

# Sets GATEWAY_PORT and GATEWAY_PID, or returns 1 with the reason on stderr.
start_gateway() {
    build_gateway_jar || return 1
    local port config=()
    port=$(free_port) || return 1
    if [[ -n $GATEWAY_CONFIG ]]; then
        config=(--config "$GATEWAY_CONFIG")
    fi
    gateway_java
    # From the repository, where serve finds conf/cgiguard.toml whatever the caller's cwd.
    # Without LANG, LC_ALL and TZ: the gateway passes those of its own environment to scripts
    # by default ([environment] pass), and lighttpd and rawspawn give their scripts none.
    # A script must do the same work under every server: perl started 0.2-0.27 ms slower with
    # LANG=C.UTF-8 than without it (script-environment.sh; docs/performance.md, "The scripts'
    # environment").
    (cd "$REPO" && exec env -u LANG -u LC_ALL -u TZ "${GATEWAY_JAVA[@]}" serve --port "$port" \
        --bind 127.0.0.1 --docroot "$DOCROOT" --cgi-bin "$CGI_BIN" "${config[@]}") >"$WORK/gateway.log" 2>&1 &
    GATEWAY_PID=$!
    STARTED_PIDS+=("$GATEWAY_PID")
    if ! await_http "http://127.0.0.1:$port/-/health" 200 "$GATEWAY_PID" 90; then
        warn "gateway did not answer 200 on /-/health within 90 s; its output:"
        tail -n 20 "$WORK/gateway.log" >&2
        stop_pid "$GATEWAY_PID"
        GATEWAY_PID=""
        return 1
    fi
    GATEWAY_PORT=$port
}

# Sets LIGHTTPD_PORT and LIGHTTPD_PID, or returns 1.
start_lighttpd() {
    command -v lighttpd >/dev/null || { warn "lighttpd not installed"; return 1; }
    local port dir="$WORK/lighttpd" user=""
    port=$(free_port) || return 1
    mkdir -p "$dir"
    # As root, scripts run as nobody, as they do under the gateway and Apache.
    # lighttpd opens its error log after dropping privileges, hence the chown.
    if ((EUID == 0)); then
        user=$'server.username = "nobody"\nserver.groupname = "nogroup"'
        chown nobody:nogroup "$dir"
    fi
    LIGHTTPD_UPLOADS=$(mktemp -d /dev/shm/cgiguard-bench-lighttpd.XXXXXX) || return 1
    chmod 700 "$LIGHTTPD_UPLOADS"
    ((EUID == 0)) && chown nobody:nogroup "$LIGHTTPD_UPLOADS"
    cat >"$dir/lighttpd.conf" <<CONF
server.document-root = "$DOCROOT"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$dir/error.log"
server.modules = ( "mod_cgi" )
server.max-connections = 1024
# Keep-alive as long as the clients want it, like the other servers here.
server.max-keep-alive-requests = 1000000
server.max-keep-alive-idle = 30
# Stream large CGI bodies instead of spooling them to temp files first.
server.stream-response-body = 2
# Request bodies are spooled whole before the CGI program starts, lighttpd's default and its
# fastest upload here (streaming them, stream-request-body = 2, ran at 0.15 x the upload limit
# on 2026-12-06). The spool is in memory: in /var/tmp it wrote gigabytes to disk during the
# upload cell, whose writeback then slowed the cells after it.
server.upload-dirs = ( "$LIGHTTPD_UPLOADS" )
$user
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ( "" => "" ) }
CONF
    lighttpd -D -f "$dir/lighttpd.conf" >"$dir/stdout.log" 2>&1 &
    local pid=$!
    STARTED_PIDS+=("$pid")
    await_http "http://127.0.0.1:$port/" any "$pid" 15 || {
        warn "lighttpd did not start:"; cat "$dir/stdout.log" "$dir/error.log" >&2 2>/dev/null
        return 1
    }
    LIGHTTPD_PORT=$port
    LIGHTTPD_PID=$pid
}

apache_binary() {
    command -v apache2 2>/dev/null || command -v httpd 2>/dev/null || return 1
}

apache_module_dir() {
    local dir
    for dir in /usr/lib/apache2/modules /usr/lib64/httpd/modules /usr/lib/httpd/modules \
        /usr/libexec/apache2; do
        [[ -f $dir/mod_cgid.so ]] && { echo "$dir"; return 0; }
    done
    return 1
}

# LoadModule lines for what this httpd was not built with.
apache_modules() {
    local binary=$1 modules=$2 builtin name
    builtin=$("$binary" -l)
    for name in mpm_event authz_core alias cgid unixd; do
        [[ $builtin == *"mod_$name.c"* || $builtin == *"$name.c"* ]] && continue
        [[ -f $modules/mod_$name.so ]] || continue
        echo "LoadModule ${name}_module $modules/mod_$name.so"
    done
}

# Sets APACHE_PORT and APACHE_PID, or returns 1.
start_apache() {
    local binary modules port dir="$WORK/apache" user=""
    binary=$(apache_binary) || { warn "Apache httpd not installed"; return 1; }
    modules=$(apache_module_dir) || { warn "Apache mod_cgid not found"; return 1; }
    port=$(free_port) || return 1
    mkdir -p "$dir"
    # httpd refuses to serve requests as root; its children and the cgid daemon drop to this.
    ((EUID == 0)) && user=$'User nobody\nGroup nogroup'
    cat >"$dir/httpd.conf" <<CONF
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error.log"
LogLevel warn
DefaultRuntimeDir "$dir"
Mutex file:$dir default
$(apache_modules "$binary" "$modules")
$user
ScriptSock "$dir/cgid.sock"
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
DocumentRoot "$DOCROOT"
ScriptAlias /cgi-bin/ "$CGI_BIN/"
<Directory "$CGI_BIN">
    Require all granted
</Directory>
CONF
    "$binary" -d "$dir" -f "$dir/httpd.conf" -DFOREGROUND >"$dir/stdout.log" 2>&1 &
    local pid=$!
    STARTED_PIDS+=("$pid")
    await_http "http://127.0.0.1:$port/" any "$pid" 15 || {
        warn "Apache did not start:"; cat "$dir/stdout.log" "$dir/error.log" >&2 2>/dev/null
        return 1
    }
    APACHE_PORT=$port
    APACHE_PID=$pid
}
