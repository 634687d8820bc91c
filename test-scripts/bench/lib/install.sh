# shellcheck shell=bash
# What a benchmark needs and a fresh machine lacks, installed with apt-get, as the test suite's
# ensure-packages.sh does. Sourced, not run; the caller sets INSTALL (0 to never install) and
# has sourced lib/messages.sh (say).

# Installs Debian packages $@; returns non-zero when INSTALL is 0, when neither root nor sudo can,
# or when apt-get fails even after an update.
apt_install() {
    ((INSTALL)) || return 1
    local sudo=()
    ((EUID == 0)) || { command -v sudo >/dev/null && sudo=(sudo); } || return 1
    say "installing $* with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    local apt=("${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 -y -q)
    "${apt[@]}" install "$@" >&2 || { "${apt[@]}" update >&2 && "${apt[@]}" install "$@" >&2; }
}
