#!/bin/sh
# Streams five lines a second apart; the browser shows each as it arrives.
printf 'Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n\r\n'
for i in 1 2 3 4 5; do
  date '+%H:%M:%S tick'
  sleep 1
done
