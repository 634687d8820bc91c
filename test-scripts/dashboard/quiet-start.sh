#!/bin/sh
# Says nothing for three seconds, then answers: a script the dashboard lists as starting.
sleep 3
printf 'Content-Type: text/plain\r\n\r\nawake\n'
