#!/bin/sh
# Spins on the CPU until a CPU-time limit stops it.
while :; do :; done
