"""HTTP front of the emulator: request parsing, signature check, latency, fault injection, dispatch, stats.

Products (ECS now, Log Service later) plug in as services with `product`, `version` and `actions`
{name: callable(params, request_id) -> dict or bytes}. Each request runs in its own thread, so the
configured latency is a sleep that never holds up other requests.
"""
import json
import random
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .errors import ApiError, new_request_id
from .signing import Authenticator

HOST_ID = 'ecs.aliyuncs.com'
JSON_TYPE = 'application/json;charset=utf-8'


class FaultInjector(object):
    """Answers a seeded random fraction of calls with throttling or a 5xx, as the real gateway sometimes does."""

    def __init__(self, throttle_rate=0.0, error_rate=0.0, seed=0):
        for name, rate in (('throttle_rate', throttle_rate), ('error_rate', error_rate)):
            if not 0.0 <= rate <= 1.0:
                raise ValueError('%s must be between 0 and 1, got %r' % (name, rate))
        if throttle_rate + error_rate > 1.0:
            raise ValueError('throttle_rate + error_rate must not exceed 1')
        self.throttle_rate = throttle_rate
        self.error_rate = error_rate
        self._rng = random.Random('faults-%s' % seed)
        self._lock = threading.Lock()

    def roll(self):
        """None, or the ApiError this call must be answered with."""
        if not self.throttle_rate and not self.error_rate:
            return None
        with self._lock:
            draw, pick = self._rng.random(), self._rng.random()
        if draw < self.throttle_rate:
            return ApiError(400, 'Throttling.User', 'Request was denied due to user flow control.')
        if draw < self.throttle_rate + self.error_rate:
            if pick < 0.5:
                return ApiError(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure '
                                                           'of the server.')
            return ApiError(500, 'InternalError', 'The request processing has failed due to some unknown error, '
                                                  'exception or failure.')
        return None


class Stats(object):
    """Counters for tests and benchmarks (GET /_emulator/stats)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, '_lock', threading.Lock()):
            self.calls = {}
            self.by_region = {}
            self.ok = 0
            self.throttled = 0
            self.errors = 0
            self.signature_failures = 0
            self.client_errors = 0
            self.forbidden = 0
            # Calls in progress survive a reset; the high-water mark restarts from them.
            self.in_flight = getattr(self, 'in_flight', 0)
            self.max_in_flight = self.in_flight

    def count_call(self, action, region_id):
        with self._lock:
            self.calls[action] = self.calls.get(action, 0) + 1
            if region_id:
                self.by_region[region_id] = self.by_region.get(region_id, 0) + 1

    def enter(self):
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self):
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)

    def count(self, field):
        with self._lock:
            setattr(self, field, getattr(self, field) + 1)

    def snapshot(self):
        with self._lock:
            return {'calls': dict(self.calls), 'by_region': dict(self.by_region), 'ok': self.ok,
                    'throttled': self.throttled, 'errors': self.errors,
                    'signature_failures': self.signature_failures, 'client_errors': self.client_errors,
                    'forbidden': self.forbidden, 'max_in_flight': self.max_in_flight}


class EmulatorState(object):
    """Everything a request handler needs; shared by all handler threads."""

    def __init__(self, authenticator, services, faults, latency_ms=0):
        self.authenticator = authenticator
        self.services = {s.version: s for s in services}
        self.faults = faults
        self.latency = max(0.0, latency_ms / 1000.0)
        self.stats = Stats()
        # Seconds: the shortest alert schedule / metric rule period (create_server's alarm_min_interval).
        self.alarm_min_interval = 60
        # REST products (Log Service) that sign and route their own way: objects with accepts(headers),
        # handle(state, method, path, query, headers, body) -> (status, body, headers), introspect(method, path).
        self.rest_services = []

    def rest_service_for(self, headers):
        for service in self.rest_services:
            if service.accepts(headers):
                return service
        return None

    def handle_api(self, method, pathname, query, headers, body):
        """Return (status, body bytes, request id) for one API call.

        query: {name: value} from the URL; headers: {lowercase name: [values]}; body: bytes.
        """
        call = ApiCall(method, pathname, query, headers, body)
        if call.action:
            self.stats.count_call(call.action, call.params.get('RegionId'))
        self.stats.enter()
        try:
            if self.latency:
                time.sleep(self.latency)
            status, payload = self._answer(call)
        finally:
            self.stats.leave()
        return status, payload, call.request_id

    def _answer(self, call):
        service = self.services.get(call.version)
        try:
            result = self._dispatch(call, service)
        except ApiError as err:
            product = service.product if service is not None else 'Ecs'
            return err.status, err.body(call.request_id, getattr(service, 'host_id', HOST_ID), product)
        except Exception:  # an emulator bug must still answer, as the real gateway's InternalError does
            traceback.print_exc()
            err = ApiError(500, 'InternalError', 'The request processing has failed due to some unknown error.')
            return err.status, err.body(call.request_id, HOST_ID)
        self.stats.count('ok')
        if not isinstance(result, bytes):
            result = json.dumps(result, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
        return 200, result

    def _dispatch(self, call, service):
        """Check the call in the real gateway's order and run its action; every refusal is counted once."""
        if not call.action:
            self.stats.count('client_errors')
            raise ApiError(400, 'MissingParameter', 'The input parameter "Action" that is mandatory for '
                                                    'processing this request is not supplied.')
        try:
            self.authenticator.authenticate(call.method, call.pathname, call.query, call.headers, call.body)
        except ApiError:
            self.stats.count('signature_failures')
            raise
        handler = service.actions.get(call.action) if service is not None else None
        if handler is None:
            self.stats.count('client_errors')
            if service is None:
                raise ApiError(400, 'InvalidVersion', 'Specified parameter Version is not valid.')
            raise ApiError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url '
                                                          'and method.')
        fault = self.faults.roll()
        if fault is not None:
            self.stats.count('throttled' if fault.status == 400 else 'errors')
            raise fault
        try:
            return handler(call.params, call.request_id)
        except ApiError as err:
            self.stats.count('forbidden' if err.code.startswith('Forbidden') else 'client_errors')
            raise


class ApiCall(object):
    """One API request as received: RPC parameters come from the query and a form body alike."""

    def __init__(self, method, pathname, query, headers, body):
        self.method, self.pathname, self.query, self.headers, self.body = method, pathname, query, headers, body
        self.request_id = new_request_id()
        self.params = dict(query)
        content_type = (headers.get('content-type') or [''])[0]
        if body and content_type.startswith('application/x-www-form-urlencoded'):
            self.params.update(parse_qsl(body.decode('utf-8'), keep_blank_values=True))
        self.action = (headers.get('x-acs-action') or [self.params.get('Action')])[0]
        self.version = (headers.get('x-acs-version') or [self.params.get('Version')])[0]


class EmulatorRequestHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'AlicloudEmulator/1.0'
    # An idle keep-alive connection must not pin a thread forever after the client goes away.
    timeout = 60
    # Headers and body leave in one buffered write with Nagle off: two small writes on a keep-alive
    # connection otherwise meet the client's delayed ACK and cost 40 ms per call.
    wbufsize = 256 * 1024
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        if self.server.verbose:
            BaseHTTPRequestHandler.log_message(self, format, *args)

    def _send(self, status, body, content_type=JSON_TYPE, extra_headers=None):
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _handle(self):
        state = self.server.state
        split = urlsplit(self.path)
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        if split.path.startswith('/_emulator/'):
            return self._introspect(state, split.path, body)
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        rest = state.rest_service_for(headers)
        if rest is not None:
            status, payload, extra = rest.handle(state, self.command, split.path or '/', query, headers, body)
            return self._send(status, payload, extra_headers=extra)
        status, payload, request_id = state.handle_api(self.command, split.path or '/', query, headers, body)
        self._send(status, payload, extra_headers={'x-acs-request-id': request_id})

    def _introspect(self, state, path, body=b''):
        if path == '/_emulator/stats' and self.command == 'GET':
            return self._send(200, json.dumps(state.stats.snapshot()).encode('utf-8'))
        if path == '/_emulator/reset-stats' and self.command == 'POST':
            state.stats.reset()
            return self._send(200, b'{"reset":true}')
        if path == '/_emulator/health':
            return self._send(200, b'{"ok":true}')
        for service in list(state.rest_services) + list(state.services.values()):
            answer = service.introspect(self.command, path, body) if hasattr(service, 'introspect') else None
            if answer is not None:
                return self._send(*answer)
        return self._send(404, b'{"Code":"NotFound","Message":"unknown emulator endpoint"}')

    do_GET = _handle
    do_POST = _handle
    do_PUT = _handle
    do_DELETE = _handle


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, address, state, verbose=False):
        self.state = state
        self.verbose = verbose
        ThreadingHTTPServer.__init__(self, address, EmulatorRequestHandler)


def build_state(access_keys, services, sts_token=None, latency_ms=0, throttle_rate=0.0, error_rate=0.0, seed=0):
    return EmulatorState(Authenticator(access_keys, sts_token), services,
                         FaultInjector(throttle_rate, error_rate, seed), latency_ms)
