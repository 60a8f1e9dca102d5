#!/usr/bin/env python3
# A server that holds its TCP socket bound, but not listening, until told:
# the gap between bind() and listen() in which a watcher may first look at
# it (a server that binds at start and listens once its model is loaded).
# Prints "bound" once bound; a line on stdin makes it listen; then it
# answers every connection with "HTTP/1.1 200 OK" until killed.
#
#   late-listener.py PORT
import socket
import sys

port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
print("bound", flush=True)
sys.stdin.readline()
s.listen(8)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    try:
        c.recv(4096)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    finally:
        c.close()
