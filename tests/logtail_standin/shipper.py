"""TEST STAND-IN for the Logtail agent's sending half: heartbeats, applied configs, PutLogs. Not the real agent.

The daemon (ilogtail_standin_daemon.py) receives and parses; every accepted record goes to ``Shipper.accept``,
which appends it to a spool file on disk before anything else, so a record survives Log Service being
unreachable and the agent restarting. A background thread:

- heartbeats to the emulator-only endpoint ``POST /_emulator/sls/agent/heartbeat`` (the real config-server
  protocol is not public; see tools/alicloud_emulator/SLS.md) with the machine's identity (``identity``): its
  IP, the lines of ``/etc/ilogtail/user_defined_id``, the ECS instance id when the settings give one (the real
  agent reads it from the ECS metadata service) and the AliUids named by the files in ``/etc/ilogtail/users``
  (the cross-account marker files). The answer lists the configs applied to its machine groups; the last
  answer is cached on disk like the real agent's config cache. Log Service answers a machine that is neither
  an instance of the project's account nor marked with its AliUid with no groups and a ``refused`` reason: the
  shipper writes that reason to its log (stderr, the agent's log file) once per change and keeps it in
  ``status['refused']``;
- sends the spooled records to the logstore of the config that collects them (a legacy ``syslog`` config
  whose ``inputDetail.tag`` is the line's sys_tag; a pipeline config whose ``service_syslog`` input has the
  receiving address) as PutLogs: a protobuf LogGroup encoded here, deflate-compressed, signed like the SDK's
  V1 (HMAC-SHA1), in batches, retried until Log Service takes them. Records no applied config collects are
  dropped to ``<spool>.unshipped`` with the reason, as the real agent drops what no config asks for.

Delivery is at least once: the spool offset advances only after Log Service answered 200.

Where the endpoint and keys come from is stand-in business: a JSON settings file (``--ship-settings``) that
the stand-in's installer or a test writes: ``{"endpoint": "127.0.0.1:PORT" or "unix:/path/to.sock",
"access_key_id": ..., "access_key_secret": ..., "ip": optional, "user_defined_id_file": optional,
"instance_id": optional, "aliuids_dir": optional (default /etc/ilogtail/users)}``.
Python 3.5+ standard library only.
"""

import http.client
import json
import os
import sys
import threading
import time

try:
    from . import agent_host
    from .sls_wire import Client, LogServiceError, encode_log_group
except ImportError:  # run as a script beside its modules (the installed stand-in)
    import agent_host
    from sls_wire import Client, LogServiceError, encode_log_group

BATCH_MAX_RECORDS = 1024
BATCH_MAX_BYTES = 512 * 1024


# ---- which config collects a record --------------------------------------------------------------------

def route(record, configs):
    """(project, logstore, topic) of the first applied config that collects the record, or None."""
    for config in configs:
        detail = config.get('detail') or {}
        if config.get('kind') == 'configs':
            if (record['input'] == 'streamlog' and detail.get('inputType') == 'syslog'
                    and (detail.get('inputDetail') or {}).get('tag') == record['tag']):
                return config['project'], config['logstore'], (detail.get('outputDetail') or {}).get('topic', '')
        elif record['input'] == 'input_file':
            # file_input.py tags a file event with the project and name of the pipeline config that read it.
            if record['tag'] == '%s/%s' % (config.get('project'), config.get('configName')):
                return config['project'], config['logstore'], record.get('topic') or ''
        elif record['input'] == 'service_syslog':
            for plugin in detail.get('inputs') or []:
                if plugin.get('Type') == 'service_syslog' and plugin.get('Address') == record['tag']:
                    return config['project'], config['logstore'], ''
    return None


def identity(settings):
    """What a heartbeat says about this machine."""
    path = settings.get('user_defined_id_file') or '/etc/ilogtail/user_defined_id'
    ids = []
    if os.path.exists(path):
        with open(path) as handle:
            ids = [line.strip() for line in handle if line.strip()]
    ip = agent_host.host_ip(settings)
    found = {'ip': ip, 'user_defined_id': ids, 'machine_uniqueid': settings.get('machine_uniqueid') or ip,
             'aliuids': agent_host.aliuids(settings)}
    if settings.get('instance_id'):
        found['instance_id'] = settings['instance_id']
    return found


# ---- spool and the shipping loop ---------------------------------------------------------------------

class Shipper:
    def __init__(self, settings, spool_dir, heartbeat_interval=2.0, retry_interval=1.0):
        self.settings = settings
        self.client = Client(settings['endpoint'], settings['access_key_id'], settings['access_key_secret'])
        os.makedirs(spool_dir, exist_ok=True)
        self.spool = os.path.join(spool_dir, 'spool.jsonl')
        self.offset_path = self.spool + '.offset'
        self.unshipped = self.spool + '.unshipped'
        self.configs_cache = os.path.join(spool_dir, 'applied_configs.json')
        self.heartbeat_interval, self.retry_interval = heartbeat_interval, retry_interval
        self.status = {'shipped': 0, 'unshipped': 0, 'last_error': None, 'refused': None}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._spool_out = open(self.spool, 'a', encoding='utf-8')
        self._configs = self._load_cached_configs()
        self.listeners = []  # functions called with the applied configs after each heartbeat (file_input.py)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _load_cached_configs(self):
        if os.path.exists(self.configs_cache):
            with open(self.configs_cache) as handle:
                return json.load(handle)
        return None  # never heard from Log Service: keep every record until it answers

    def start(self):
        self._thread.start()
        return self

    def add_listener(self, listener):
        """``listener(configs)`` now with the cached configs (the real agent starts from its config cache), and
        after every heartbeat."""
        self.listeners.append(listener)
        if self._configs is not None:
            listener(self._configs)
        return self

    def stop(self, timeout=10):
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def accept(self, record):
        """Spool one parsed record: {'input', 'tag', 'time', 'contents'}."""
        with self._lock:
            self._spool_out.write(json.dumps(record, sort_keys=True) + '\n')
            self._spool_out.flush()
        self._wake.set()

    def _read_offset(self):
        try:
            with open(self.offset_path) as handle:
                return int(handle.read().strip() or 0)
        except (IOError, ValueError):
            return 0

    def _write_offset(self, offset):
        with open(self.offset_path + '.tmp', 'w') as handle:
            handle.write(str(offset))
        os.rename(self.offset_path + '.tmp', self.offset_path)

    def _pending(self, offset):
        """(records, end offset) of the next batch of complete lines after offset."""
        records, size, end = [], 0, offset
        with open(self.spool, 'rb') as handle:
            handle.seek(offset)
            for raw in handle:
                if not raw.endswith(b'\n') or len(records) >= BATCH_MAX_RECORDS or size >= BATCH_MAX_BYTES:
                    break
                records.append(json.loads(raw.decode('utf-8')))
                size += len(raw)
                end += len(raw)
        return records, end

    def _heartbeat(self):
        answer = self.client.heartbeat(identity(self.settings))
        refused = answer.get('refused') or None
        if refused != self.status['refused']:
            sys.stderr.write('shipper: heartbeat %s\n' % ('refused: %s' % refused if refused else 'accepted'))
            sys.stderr.flush()
            self.status['refused'] = refused
        configs = answer.get('configs') or []
        if configs != self._configs:
            with open(self.configs_cache + '.tmp', 'w') as handle:
                json.dump(configs, handle)
            os.rename(self.configs_cache + '.tmp', self.configs_cache)
        self._configs = configs
        for listener in self.listeners:
            listener(configs)

    def _ship(self, records):
        groups, dropped = {}, []
        for record in records:
            target = route(record, self._configs)
            if target is None:
                dropped.append(record)
            else:
                # File events carry LogTags (__path__, __hostname__): one LogGroup per distinct set.
                tags = tuple(sorted((record.get('tags') or {}).items()))
                groups.setdefault(target + (tags,), []).append(record)
        for (project, logstore, topic, tags), logs in sorted(groups.items()):
            source = identity(self.settings)['ip']
            self.client.put_logs(project, logstore, encode_log_group(logs, topic=topic, source=source,
                                                                     tags=dict(tags)))
        why = ' (heartbeat refused: %s)' % self.status['refused'] if self.status['refused'] else ''
        with open(self.unshipped, 'a', encoding='utf-8') as handle:
            for record in dropped:
                handle.write('no applied config collects %s %r%s\t%s\n'
                             % (record['input'], record['tag'], why,
                                record['contents'].get('_content_', record['contents'].get('content', ''))))
        self.status['shipped'] += len(records) - len(dropped)
        self.status['unshipped'] += len(dropped)

    def _truncate_if_done(self, offset):
        """A fully shipped spool starts again from zero, so it never grows without bound."""
        with self._lock:
            if offset == os.path.getsize(self.spool):
                self._spool_out.truncate(0)
                self._spool_out.seek(0)
                self._write_offset(0)
                return 0
        return offset

    def _run(self):
        last_beat = 0.0
        offset = self._read_offset()
        while not self._stop.is_set():
            try:
                if time.monotonic() - last_beat >= self.heartbeat_interval:
                    self._heartbeat()
                    last_beat = time.monotonic()
                records, end = self._pending(offset)
                if records and self._configs is not None:
                    self._ship(records)
                    self._write_offset(end)
                    offset = self._truncate_if_done(end)
                    self.status['last_error'] = None
                    continue
            except (OSError, LogServiceError, http.client.HTTPException, ValueError) as exc:
                # Log Service unreachable or refusing: the records stay in the spool; try again later.
                self.status['last_error'] = str(exc)
                last_beat = 0.0
                self._stop.wait(self.retry_interval)
                continue
            self._wake.wait(min(self.heartbeat_interval, 0.5))
            self._wake.clear()
