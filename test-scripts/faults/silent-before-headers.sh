#!/bin/sh
# Never writes a header: only the header timeout ends it.
sleep 30
