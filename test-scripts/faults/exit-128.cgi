#!/bin/sh
# Exit code 128 without a byte of output, like an interpreter that could not start.
exit 128
