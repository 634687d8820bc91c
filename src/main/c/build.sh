#!/bin/sh
# Builds the gateway's native library (cgiguard_spawn.c, the launcher's spawn, and
# cgiguard_signals.c, signals taken without a thread per signal) into the classes directory given,
# under the platform prefix JNA looks for on the class path (linux-x86-64, linux-aarch64...).
# Without a C compiler, or on another system, nothing is built: the launcher starts scripts with
# glibc's posix_spawn instead (docs/launcher.md says what that costs) and signals go through the
# JVM's own handling (docs/capacity.md says what that loses).
# Usage: src/main/c/build.sh OUTPUT_DIRECTORY
set -eu
out=${1:?usage: build.sh OUTPUT_DIRECTORY}
here=$(dirname "$0")
[ "$(uname -s)" = Linux ] || { echo "native spawn: not Linux, not built (posix_spawn is used)"; exit 0; }
case "$(uname -m)" in
  x86_64) prefix=linux-x86-64 ;;
  aarch64) prefix=linux-aarch64 ;;
  riscv64) prefix=linux-riscv64 ;;
  ppc64le) prefix=linux-ppc64le ;;
  s390x) prefix=linux-s390x ;;
  *) echo "native spawn: $(uname -m) not known to this script, not built (posix_spawn is used)"; exit 0 ;;
esac
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "native spawn: no C compiler ($cc), not built (posix_spawn is used)"
  exit 0
fi
mkdir -p "$out/$prefix"
# -z now: every symbol is bound when the library loads, never lazily inside a child that shares
# the gateway's memory.
if ! "$cc" -std=gnu11 -O2 -fPIC -shared -Wall -Wextra -fstack-protector-strong -Wl,-z,now \
    -o "$out/$prefix/libcgiguard.so" "$here/cgiguard_spawn.c" "$here/cgiguard_signals.c"; then
  rm -f "$out/$prefix/libcgiguard.so"
  echo "native spawn: $cc could not build it (above), not built (posix_spawn is used)"
fi
