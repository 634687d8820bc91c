#!/bin/sh
# Sends Connection, Keep-Alive and Upgrade, which are the gateway's fields, not the script's.
printf 'Content-Type: text/plain\r\nConnection: upgrade\r\nKeep-Alive: timeout=999\r\nUpgrade: websocket\r\n\r\nplain\n'
