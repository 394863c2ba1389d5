#!/usr/bin/env python3
"""TEST STAND-IN for the Logtail agent's syslog (streamlog) TCP input. Not the real agent.

The real Logtail binary cannot be downloaded on the machines this project is tested on.
This daemon takes its place: it reads the same ilogtail_config.json, listens on
streamlog_tcp_addr:streamlog_tcp_port when streamlog_open is true, and appends every line
it receives to a record file, so tests can check what rsyslog forwarded.

Usage: ilogtail_standin_daemon.py [--config FILE] [--record FILE] [--pidfile FILE]
       [--addr A] [--port P]      (addr/port override the config file)
Runs in the foreground; SIGTERM stops it cleanly. Python 3.5+ standard library only.
"""

import argparse
import json
import os
import signal
import socket
import socketserver
import sys
import threading

DEFAULT_HOME = '/usr/local/ilogtail'


class RecordingHandler(socketserver.StreamRequestHandler):
    def handle(self):
        for raw in self.rfile:
            line = raw.decode('utf-8', errors='replace').rstrip('\n')
            self.server.record(line)


class StandinServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, record_path):
        socketserver.TCPServer.__init__(self, address, RecordingHandler)
        self._lock = threading.Lock()
        self._record = open(record_path, 'a', encoding='utf-8')

    def record(self, line):
        with self._lock:
            self._record.write(line + '\n')
            self._record.flush()

    def server_close(self):
        socketserver.TCPServer.server_close(self)
        self._record.close()


def load_listen_address(config_path):
    with open(config_path) as handle:
        config = json.load(handle)
    if not config.get('streamlog_open', False):
        return None
    return config.get('streamlog_tcp_addr', '0.0.0.0'), int(config.get('streamlog_tcp_port', 11111))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default=os.path.join(DEFAULT_HOME, 'ilogtail_config.json'))
    parser.add_argument('--record', default=os.path.join(DEFAULT_HOME, 'standin_received.log'))
    parser.add_argument('--pidfile')
    parser.add_argument('--addr')
    parser.add_argument('--port', type=int)
    args = parser.parse_args(argv)

    if args.port is not None:
        address = (args.addr or '127.0.0.1', args.port)
    else:
        address = load_listen_address(args.config)
    if args.pidfile:
        with open(args.pidfile, 'w') as handle:
            handle.write('%d\n' % os.getpid())
    if address is None:
        # streamlog is off: behave like an agent with no syslog input, idle until stopped.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while True:
            signal.pause()
    server = StandinServer(address, args.record)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    sys.stdout.write('listening on %s:%d\n' % server.server_address[:2])
    sys.stdout.flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
