#!/bin/sh
# Committed without the execute bit: exec must fail with EACCES.
echo should never run
