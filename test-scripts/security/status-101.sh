#!/bin/sh
# Asks for 101 Switching Protocols, which a CGI script may never send.
printf 'Status: 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
