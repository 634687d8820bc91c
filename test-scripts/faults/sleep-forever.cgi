#!/bin/sh
# Never writes its headers.
exec sleep 3600
