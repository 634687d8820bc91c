#!/bin/sh
# Prints the OOM killer's score of this script, a moment after it started: a gateway that dropped
# root raises it from its reap loop, within ReapLoop.SCORE_PERIOD_MILLIS of the start.
printf 'Content-Type: text/plain\r\n\r\n'
sleep 0.5
echo "oom_score_adj: $(cat "/proc/$$/oom_score_adj")"
