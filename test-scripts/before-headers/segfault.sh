#!/bin/sh
# Dies by SIGSEGV, the way a crashing interpreter does.
kill -SEGV $$
sleep 5
