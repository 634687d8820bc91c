#!/bin/sh
# Exits with 128 and says nothing, as an interpreter that cannot initialise does.
exit 128
