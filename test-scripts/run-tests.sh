#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need from Debian when it is
# missing (git, CGI.pm, Chromium for the report test), then runs every test with Maven.
# Usage: test-scripts/run-tests.sh [extra Maven arguments, e.g. -Dtest=GatewayProtocolTest]
set -euo pipefail
cd "$(dirname "$0")/.."

for installer in test-scripts/ensure-packages.sh test-scripts/ensure-chromium.sh; do
  if [ -x "$installer" ]; then
    "$installer"
  fi
done

exec mvn -B verify "$@"
