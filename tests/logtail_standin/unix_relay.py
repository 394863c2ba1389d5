#!/usr/bin/env python3
"""Host-side relay for the Logtail TEST STAND-IN: a unix socket in front of the emulator's 127.0.0.1 port.

Test containers run with ``--network none`` and tests never send traffic to container bridge addresses, so a
stand-in agent in a container reaches the Log Service emulator through a unix socket in a host directory
that the container bind-mounts (tools/containerbed.sh run-flags). Bytes are copied both ways unchanged: the
signatures the emulator checks are the stand-in's own.

Usage: unix_relay.py --socket PATH --target 127.0.0.1:PORT [--pidfile FILE]
Runs in the foreground; SIGTERM stops it and removes the socket. Standard library only.
"""

import argparse
import os
import signal
import socket
import socketserver
import sys
import threading


def _pipe(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        host, port = self.server.target
        try:
            upstream = socket.create_connection((host, port), timeout=30)
        except OSError:
            return  # the caller sees a closed connection: Log Service unreachable
        with upstream:
            back = threading.Thread(target=_pipe, args=(upstream, self.request), daemon=True)
            back.start()
            _pipe(self.request, upstream)
            back.join(60)


class Relay(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path, target):
        if os.path.exists(path):
            os.unlink(path)
        self.target = target
        socketserver.UnixStreamServer.__init__(self, path, _Handler)
        # Containers' root must be able to connect whatever uid the host side runs as.
        os.chmod(path, 0o666)
        self.inode = os.stat(path).st_ino

    def remove_socket(self):
        """Remove the socket file unless a newer relay has already bound the path."""
        try:
            if os.stat(self.server_address).st_ino == self.inode:
                os.unlink(self.server_address)
        except OSError:
            pass


def parse_target(text):
    host, _, port = text.rpartition(':')
    if host not in ('127.0.0.1', 'localhost'):
        raise SystemExit('--target must be on loopback (127.0.0.1:PORT), got %r' % text)
    return host, int(port)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--socket', required=True)
    parser.add_argument('--target', required=True, type=parse_target)
    parser.add_argument('--pidfile')
    args = parser.parse_args(argv)
    relay = Relay(args.socket, args.target)
    if args.pidfile:
        with open(args.pidfile, 'w') as handle:
            handle.write('%d\n' % os.getpid())
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=relay.shutdown).start())
    sys.stdout.write('relaying %s -> %s:%d\n' % ((args.socket,) + args.target))
    sys.stdout.flush()
    try:
        relay.serve_forever()
    finally:
        relay.server_close()
        relay.remove_socket()
    return 0


if __name__ == '__main__':
    sys.exit(main())
