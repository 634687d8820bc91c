#!/bin/sh
# Installs with apt-get what the test suite needs (git with git-http-backend, perl with CGI.pm,
# python3, nginx, apache2, haproxy, curl, and gitweb and cgit, two real CGI applications) when
# something is missing. Non-interactive; exits non-zero with a message if it cannot.
set -u

missing=""
command -v git >/dev/null 2>&1 && [ -x /usr/lib/git-core/git-http-backend ] || missing="$missing git"
command -v perl >/dev/null 2>&1 || missing="$missing perl"
perl -MCGI -e 1 >/dev/null 2>&1 || missing="$missing libcgi-pm-perl"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v nginx >/dev/null 2>&1 || missing="$missing nginx"
command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || missing="$missing apache2"
command -v prlimit >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 || missing="$missing util-linux"
command -v haproxy >/dev/null 2>&1 || missing="$missing haproxy"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
[ -f /usr/share/gitweb/gitweb.cgi ] || missing="$missing gitweb"
[ -x /usr/lib/cgit/cgit.cgi ] || missing="$missing cgit"

if [ -z "$missing" ]; then
  echo "ensure-packages: everything the tests need is installed"
  exit 0
fi

echo "ensure-packages: missing:$missing"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-packages: apt-get is not available; install these by hand:$missing" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo -n"
  else
    echo "ensure-packages: not root and no sudo; install these by hand:$missing" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# The package lists are refreshed once, only because something is missing.
if ! $sudo apt-get update -q; then
  echo "ensure-packages: apt-get update failed; install these by hand:$missing" >&2
  exit 1
fi
# shellcheck disable=SC2086 # the list is meant to split into words
if ! $sudo apt-get install -y -q --no-install-recommends $missing; then
  echo "ensure-packages: apt-get install failed for:$missing" >&2
  exit 1
fi
echo "ensure-packages: installed:$missing"
