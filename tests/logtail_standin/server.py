#!/usr/bin/env python3
"""TEST STAND-IN mirror for the Logtail and LoongCollector installers: builds and serves a fake OSS bucket.

NOT Alibaba Cloud's mirror. The real agents cannot be downloaded here, so this builds packages
that behave like them (the stand-in daemon as ``ilogtail`` / ``loongcollector`` with its modules, the
stand-in init script, no ``app_info.json``: the daemon writes it at start) and lays them out like a
bucket, both flavours side by side::

    <dir>/linux64/logtail.sh                               installers, mirror URL and flavour baked in
    <dir>/linux64/loongcollector.sh
    <dir>/linux64/packages/<flavour>/<version>.tar.gz      one package per published version
    <dir>/linux64/packages/<flavour>/LATEST                what an installer without -v installs

and serves it with http.server on 127.0.0.1, counting requests per path so tests can
assert that nothing was downloaded.

Library use (tests)::

    mirror = MirrorServer(tmp_dir).start()
    checksum = mirror.publish('1.8.0')       # sha256 of logtail.sh; every publish becomes LATEST
    mirror.installer_url, mirror.installer_url_for('loongcollector'), mirror.checksum_of('loongcollector')
    mirror.requests[mirror.package_path('logtail', '1.8.0')]
    mirror.stop()

Command (Molecule, demo)::

    python3 tests/logtail_standin/server.py --version 1.9.0 --version 1.8.0 --port 8808 --dir /tmp/mirror

publishes every --version (the last one is LATEST), prints ``ready <logtail.sh url> sha256:<hex>``
once it serves, and runs until SIGTERM/SIGINT.
"""

import argparse
import collections
import functools
import hashlib
import http.server
import io
import os
import signal
import sys
import tarfile
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
FLAVORS = {'logtail': 'ilogtail', 'loongcollector': 'loongcollector'}  # flavour -> agent binary name
DEFAULT_REGION = 'cn-hangzhou'


def installer_path(flavor):
    return 'linux64/%s.sh' % flavor


def package_path(flavor, version):
    return 'linux64/packages/%s/%s.tar.gz' % (flavor, version)


def _read(name):
    with open(os.path.join(HERE, name)) as handle:
        return handle.read()


def render_installer(base_url, flavor='logtail', default_region=DEFAULT_REGION):
    return (_read('logtail.sh').replace('@PACKAGE_BASE_URL@', base_url.rstrip('/'))
            .replace('@DEFAULT_REGION@', default_region).replace('@FLAVOR@', flavor))


def _tar_add(tar, name, data, mode):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


# The daemon's modules, shipped beside it.
MODULES = ('agent_host.py', 'file_input.py', 'parse_processors.py', 'service_syslog.py', 'shipper.py', 'sls_wire.py',
           'streamlog.py', 'syslog_parse.py',
           'syslog_rfc3164.py')


def build_package(version, flavor='logtail'):
    """The package tarball for ``version`` of ``flavor`` as bytes: the daemon knows its version."""
    daemon = _read('ilogtail_standin_daemon.py').replace("'@FLAVOR@'", repr(flavor)).replace(
        "'@VERSION@'", repr(version))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        _tar_add(tar, FLAVORS[flavor], daemon.encode(), 0o755)
        _tar_add(tar, 'agent_init', _read('agent_init').encode(), 0o755)
        for module in MODULES:
            _tar_add(tar, module, _read(module).encode(), 0o644)
    return buf.getvalue()


def _atomic_write(path, data):
    # A running server must never hand out half a file while a test publishes a new version.
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
    with os.fdopen(fd, 'wb') as handle:
        handle.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def build_mirror(directory, version, base_url, default_region=DEFAULT_REGION):
    """Publish ``version`` of both flavours into ``directory`` as LATEST; {flavour: installer sha256}."""
    checksums = {}
    for flavor in FLAVORS:
        installer = render_installer(base_url, flavor, default_region).encode()
        _atomic_write(os.path.join(directory, package_path(flavor, version)), build_package(version, flavor))
        _atomic_write(os.path.join(directory, 'linux64', 'packages', flavor, 'LATEST'), version.encode())
        _atomic_write(os.path.join(directory, installer_path(flavor)), installer)
        checksums[flavor] = hashlib.sha256(installer).hexdigest()
    return checksums


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        self._mirror = kwargs.pop('mirror')
        http.server.SimpleHTTPRequestHandler.__init__(self, *args, **kwargs)

    def send_head(self):
        self._mirror.count(self.path.split('?', 1)[0])
        return http.server.SimpleHTTPRequestHandler.send_head(self)

    def log_message(self, *args):
        pass


class MirrorServer:
    def __init__(self, directory, host='127.0.0.1', port=0, default_region=DEFAULT_REGION):
        self.directory = str(directory)
        self.default_region = default_region
        self.requests = collections.Counter()
        self.checksums = {}
        self._lock = threading.Lock()
        handler = functools.partial(_CountingHandler, directory=self.directory, mirror=self)
        self._httpd = http.server.ThreadingHTTPServer((host, port), handler)
        self._thread = None

    @property
    def url(self):
        host, port = self._httpd.server_address[:2]
        return 'http://%s:%d' % (host, port)

    @property
    def installer_url(self):
        return self.installer_url_for('logtail')

    def installer_url_for(self, flavor):
        return '%s/%s' % (self.url, installer_path(flavor))

    @staticmethod
    def package_path(flavor, version):
        return '/' + package_path(flavor, version)

    def checksum_of(self, flavor):
        return self.checksums[flavor]

    def count(self, path):
        with self._lock:
            self.requests[path] += 1

    def reset_counts(self):
        with self._lock:
            self.requests.clear()

    def publish(self, version):
        """Add ``version`` and make it the one an installer without -v ships; returns logtail.sh's sha256."""
        self.checksums = build_mirror(self.directory, version, self.url, self.default_region)
        return self.checksums['logtail']

    def start(self):
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)


def main(argv=None):
    parser = argparse.ArgumentParser(description='TEST STAND-IN Logtail installer mirror')
    parser.add_argument('--version', required=True, action='append',
                        help='a version to publish (repeat it; the last one is LATEST)')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--dir', help='mirror directory (default: a new temp dir)')
    parser.add_argument('--region', default=DEFAULT_REGION, help='region that install mode "auto" picks')
    args = parser.parse_args(argv)
    directory = args.dir or tempfile.mkdtemp(prefix='logtail_mirror_')
    mirror = MirrorServer(directory, args.host, args.port, args.region)
    for version in args.version:
        checksum = mirror.publish(version)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print('ready %s sha256:%s' % (mirror.installer_url, checksum), flush=True)
    try:
        mirror._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        mirror._httpd.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
