#!/usr/bin/env python3
# Plays systemd's side of sd_notify: binds a Unix datagram socket at argv[1] that anyone may
# write to, says "bound", then prints the first datagram it receives (within 60 s) and exits.
import os
import socket
import sys

path = sys.argv[1]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o777)
print("bound", flush=True)
sock.settimeout(60)
print(sock.recv(4096).decode("utf-8"), flush=True)
