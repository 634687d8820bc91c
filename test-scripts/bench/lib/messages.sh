# shellcheck shell=bash
# What every benchmark prints besides its report, all on stderr so that stdout holds only the
# figures: progress (say), warnings, and a fatal error that ends the run (die). Sourced, not run,
# first thing, so that option parsing can die too; lib/servers.sh and lib/install.sh use them.

say() { printf '%s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
