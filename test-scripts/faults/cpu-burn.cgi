#!/bin/sh
# Burns CPU before any header, until the CPU limit stops it.
while :; do :; done
