#!/bin/sh
# Header lines ended by LF alone, as most Unix scripts write them.
printf 'Content-Type: text/plain\nX-Style: lf\n\nlf body\n'
