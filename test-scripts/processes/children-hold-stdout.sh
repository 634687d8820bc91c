#!/bin/sh
# Starts two background children holding stdout, prints their pids, waits for them.
/bin/sleep 300 &
echo $!
/bin/sleep 300 &
echo $!
wait
