#!/bin/sh
# Dies half-way through its header block, as a script that hits an error while printing does.
printf 'Content-Type: text/pl'
exit 3
