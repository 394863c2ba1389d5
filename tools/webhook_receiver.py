"""A webhook receiver on 127.0.0.1 for the alarm demo, its tests and bench: records every POST it gets.

Each POST is kept as {time, path, content_type, headers, body} where body is the parsed JSON (Log Service's webhooks) or
form (CloudMonitor's callbacks: {field: value}), else the text. `GET /received` answers the list as JSON, and with
--out every record is also appended to a JSON-lines file as it arrives.

    python -m tools.webhook_receiver --port 0 --out received.jsonl   # prints "webhook receiver ready at URL"
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

READY_LINE = 'webhook receiver ready at %s'


def parse_body(content_type, raw):
    text = raw.decode('utf-8', 'replace')
    if content_type.startswith('application/json'):
        try:
            return json.loads(text)
        except ValueError:
            return text
    if content_type.startswith('application/x-www-form-urlencoded'):
        return dict(parse_qsl(text, keep_blank_values=True))
    return text


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        pass

    def _answer(self, status, payload):
        body = json.dumps(payload).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        content_type = self.headers.get('Content-Type') or ''
        self.server.receiver.record({'time': time.time(), 'path': self.path, 'content_type': content_type,
                                     'headers': dict(self.headers), 'body': parse_body(content_type, raw)})
        self._answer(200, {'ok': True})

    def do_GET(self):
        if self.path.split('?')[0] == '/received':
            return self._answer(200, self.server.receiver.received)
        return self._answer(404, {'error': 'POST anything; GET /received lists it'})


class WebhookReceiver(object):
    """Start with .start(); .url, .received (list of records, oldest first), .clear(), .stop()."""

    def __init__(self, host='127.0.0.1', port=0, out=None):
        self._lock = threading.Lock()
        self._received = []
        self.out = out
        self.server = ThreadingHTTPServer((host, port), _Handler)
        self.server.daemon_threads = True
        self.server.receiver = self
        self.url = 'http://%s:%d' % self.server.server_address[:2]
        self._thread = None

    @property
    def received(self):
        with self._lock:
            return list(self._received)

    def clear(self):
        with self._lock:
            self._received = []

    def record(self, entry):
        with self._lock:
            self._received.append(entry)
            if self.out:
                with open(self.out, 'a') as handle:
                    handle.write(json.dumps(entry, sort_keys=True) + '\n')

    def start(self):
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.1},
                                        name='webhook-receiver', daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port (default)')
    parser.add_argument('--out', help='also append every record to this JSON-lines file')
    args = parser.parse_args(argv)
    receiver = WebhookReceiver(args.host, args.port, args.out)
    sys.stdout.write(READY_LINE % receiver.url + '\n')
    sys.stdout.flush()
    try:
        receiver.server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        receiver.server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
