#!/bin/sh
# Exits with a code of its own choosing.
exit 42
