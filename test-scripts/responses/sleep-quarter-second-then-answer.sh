#!/bin/sh
# Takes a quarter of a second whatever the load: with N allowed to run at once its capacity is
# exactly 4 x N requests per second, and past it requests wait in the gateway's queue.
sleep 0.25
printf 'Content-Type: text/plain\r\n\r\ndone\n'
