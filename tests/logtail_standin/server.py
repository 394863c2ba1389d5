#!/usr/bin/env python3
"""TEST STAND-IN mirror for the Logtail installer: builds and serves a fake OSS bucket.

NOT Alibaba Cloud's mirror. The real Logtail package cannot be downloaded here, so this
builds a package that behaves like it (the stand-in daemon as ``ilogtail``, the stand-in
``ilogtaild`` init script, ``app_info.json`` with ``logtail_version``) and lays it out like
the real bucket::

    <dir>/linux64/logtail.sh                 installer, mirror URL baked in
    <dir>/linux64/logtail-linux64.tar.gz     package for one version

and serves it with http.server on 127.0.0.1, counting requests per path so tests can
assert that nothing was downloaded.

Library use (tests)::

    mirror = MirrorServer(tmp_dir).start()
    checksum = mirror.publish('1.8.0')       # sha256 of logtail.sh
    mirror.installer_url, mirror.requests['/linux64/logtail.sh']
    mirror.stop()

Command (Molecule, demo)::

    python3 tests/logtail_standin/server.py --version 1.8.0 --port 8808 --dir /tmp/mirror

prints ``ready <installer url> sha256:<hex>`` once it serves, and runs until SIGTERM/SIGINT.
"""

import argparse
import collections
import functools
import hashlib
import http.server
import io
import json
import os
import signal
import sys
import tarfile
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
INSTALLER = 'linux64/logtail.sh'
PACKAGE = 'linux64/logtail-linux64.tar.gz'
DEFAULT_REGION = 'cn-hangzhou'


def render_installer(base_url, default_region=DEFAULT_REGION):
    with open(os.path.join(HERE, 'logtail.sh')) as handle:
        text = handle.read()
    return text.replace('@PACKAGE_BASE_URL@', base_url.rstrip('/')).replace('@DEFAULT_REGION@', default_region)


def _tar_add(tar, name, data, mode):
    info = tarfile.TarInfo('logtail-linux64/' + name)
    info.size = len(data)
    info.mode = mode
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def build_package(version):
    """The package tarball for ``version`` as bytes."""
    with open(os.path.join(HERE, 'ilogtail_standin_daemon.py'), 'rb') as handle:
        daemon = handle.read()
    with open(os.path.join(HERE, 'ilogtaild'), 'rb') as handle:
        init_script = handle.read()
    app_info = json.dumps({'logtail_version': version, 'standin': True,
                           'note': 'TEST STAND-IN package, not the real Logtail'}, indent=4).encode() + b'\n'
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        _tar_add(tar, 'ilogtail', daemon, 0o755)
        _tar_add(tar, 'ilogtaild', init_script, 0o755)
        _tar_add(tar, 'app_info.json', app_info, 0o644)
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
    """Publish ``version`` into ``directory``; return the installer's sha256 hex digest."""
    installer = render_installer(base_url, default_region).encode()
    _atomic_write(os.path.join(directory, PACKAGE), build_package(version))
    _atomic_write(os.path.join(directory, INSTALLER), installer)
    return hashlib.sha256(installer).hexdigest()


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
        return '%s/%s' % (self.url, INSTALLER)

    def count(self, path):
        with self._lock:
            self.requests[path] += 1

    def reset_counts(self):
        with self._lock:
            self.requests.clear()

    def publish(self, version):
        """Make ``version`` the one the mirror ships; returns the installer's sha256."""
        return build_mirror(self.directory, version, self.url, self.default_region)

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
    parser.add_argument('--version', required=True, help='logtail_version the package reports')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--dir', help='mirror directory (default: a new temp dir)')
    parser.add_argument('--region', default=DEFAULT_REGION, help='region that install mode "auto" picks')
    args = parser.parse_args(argv)
    directory = args.dir or tempfile.mkdtemp(prefix='logtail_mirror_')
    mirror = MirrorServer(directory, args.host, args.port, args.region)
    checksum = mirror.publish(args.version)
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
