#!/bin/sh
# Prints the physical working directory.
exec /bin/pwd -P
