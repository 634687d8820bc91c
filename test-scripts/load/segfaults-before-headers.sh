#!/bin/sh
# Killed by a signal before it wrote a header: what a crashing interpreter looks like.
kill -SEGV $$
