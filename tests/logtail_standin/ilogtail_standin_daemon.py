#!/usr/bin/env python3
"""TEST STAND-IN for the Logtail / LoongCollector agent's syslog inputs. Not the real agent.

The real agents cannot be downloaded on the machines this project is tested on. This daemon takes their place
(the stand-in package ships it as ``ilogtail`` or ``loongcollector``, with its modules beside it):

- at start it writes its pid file (the init script names it ``ilogtail_<version>.pid``, or
  ``run/loongcollector_<version>.pid``) and ``app_info.json`` (agent_host.py), as the real agent does;
- the legacy streamlog input (streamlog.py), when the main config says ``streamlog_open``;
- the ``service_syslog`` input (service_syslog.py, syslog_parse.py) for every pipeline config in
  ``--pipelines DIR`` (the configs the real agent fetches from Log Service; tests put them there) whose input
  is ``service_syslog``, and for ``--syslog-address`` (a pipeline ``{"Type": "service_syslog", "Address": A,
  "ParseProtocol": --parse-protocol (default rfc5424), "IgnoreParseFailure": --ignore-parse-failure (default
  true)}``): one message per LF-terminated line, parsed and turned into fields as the real input does. An
  input whose configuration the real agent would refuse is not started; the reason goes to the agent's log
  and the rejected file.
- the ``input_file`` input (file_input.py, parse_processors.py) for every pipeline config applied to the
  machine's groups whose input is ``input_file`` (learnt from the heartbeat answer through shipper.py, or found in
  ``--pipelines DIR`` with the project ``local``): a tailer per config, started when the config is applied and
  stopped (its checkpoints written to ``--checkpoint``, default ``<home>/standin_checkpoint.json``) when it is no
  longer applied or the agent stops. Its events go to the shipper with the tags __path__ and __hostname__. A
  config the real agent would refuse, or the stand-in cannot run, is not started; the reason goes to the
  rejected file.

Files: ``--record`` (default ``<home>/standin_received.log``) gets every accepted line as received; the
rejected file (``--rejected``, default beside it with ``.rejected``) every line or connection the agent drops,
with the reason: a streamlog line in an unknown format, a service_syslog line its parser refuses with
IgnoreParseFailure false, a line longer than MaxMessageSize (the connection is closed, as the real input does).
A line that makes the real RFC 3164 parser panic ends this process with status 2, as it ends the real agent
(syslog_parse.py). With shipping settings (``--ship-settings``, default ``<home>/standin_shipping.json``) every
accepted record also goes to shipper.py, which heartbeats, learns the applied configs and sends PutLogs.

Usage: ilogtail_standin_daemon.py [--home DIR] [--config FILE] [--record FILE] [--pidfile FILE]
       [--pipelines DIR] [--addr A --port P] [--syslog-address tcp://A:P [--parse-protocol P]
       [--ignore-parse-failure true|false]] [--ship-settings FILE] [--spool DIR]
Runs in the foreground; SIGTERM stops it cleanly. Python 3.5+ standard library only.
"""

import argparse
import glob
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time

try:
    from . import agent_host, file_input, service_syslog, syslog_parse
    from .streamlog import Rejected, parse_ali_log_fmt, read_lines, streamlog_input
except ImportError:  # run as a script beside its modules (the installed stand-in)
    import agent_host
    import file_input
    import service_syslog
    import syslog_parse
    from streamlog import Rejected, parse_ali_log_fmt, read_lines, streamlog_input

FLAVOR = '@FLAVOR@'
VERSION = '@VERSION@'
__all__ = ['Rejected', 'parse_ali_log_fmt', 'main']


class Sink:
    """Appends accepted raw messages to the record file and rejected ones, with the reason, to another."""

    def __init__(self, record_path, rejected_path, shipper=None):
        self._lock = threading.Lock()
        self._record = open(record_path, 'a', encoding='utf-8')
        self._rejected = open(rejected_path, 'a', encoding='utf-8')
        self.shipper = shipper

    def accept(self, record):
        with self._lock:
            self._record.write(record['raw'] + '\n')
            self._record.flush()
        if self.shipper is not None and 'contents' in record:
            self.shipper.accept({key: record[key] for key in ('input', 'tag', 'time', 'contents', 'topic', 'tags')
                                 if key in record})

    def reject(self, reason, raw=''):
        with self._lock:
            self._rejected.write('%s\t%s\n' % (reason, raw))
            self._rejected.flush()


class _StreamlogHandler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in read_lines(self.rfile):
            try:
                self.server.sink.accept(self.server.parse(line))
            except Rejected as exc:
                self.server.sink.reject(str(exc), line)


class _SyslogHandler(socketserver.BaseRequestHandler):
    def handle(self):
        server, plugin = self.server, self.server.plugin
        if not server.admit():
            return  # over MaxConnections: closed at once
        try:
            for token in service_syslog.scan_lines(lambda: self.request.recv(65536), plugin.max_message_size):
                if token:  # empty lines are skipped
                    self._one(server, plugin, token)
        except service_syslog.TokenTooLong as exc:
            server.sink.reject('%s: %s; connection closed' % (plugin.address, exc))
        except OSError:
            pass  # the sender reset the connection
        finally:
            server.release()

    def _one(self, server, plugin, token):
        raw = token.decode('utf-8', 'replace')
        try:
            result = plugin.parse(token)
        except syslog_parse.ParseFailure as exc:
            server.sink.reject('%s: ParseProtocol %r failed and IgnoreParseFailure is false, line dropped: %s'
                               % (plugin.address, plugin.protocol, exc), raw)
            return
        except syslog_parse.AgentPanic as exc:
            server.sink.reject('agent crashed: %s' % exc, raw)
            sys.stderr.write('%s\n\ngoroutine [running]: plugins/input/syslog (TEST STAND-IN: the real agent '
                             'panics on this line and exits)\n' % exc)
            sys.stderr.flush()
            os._exit(2)
        fields, when = service_syslog.contents(result, self.client_address, server.agent_ip, server.agent_hostname)
        server.sink.accept({'input': 'service_syslog', 'tag': plugin.address, 'time': when, 'contents': fields,
                            'raw': raw})


class InputServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, sink, parse=None, plugin=None, agent=('127.0.0.1', 'localhost')):
        self.sink, self.parse, self.plugin = sink, parse, plugin
        self.agent_ip, self.agent_hostname = agent
        self._count, self._count_lock = 0, threading.Lock()
        if ':' in address[0]:
            self.address_family = socket.AF_INET6
        socketserver.TCPServer.__init__(self, address, handler)

    def admit(self):
        with self._count_lock:
            if self.plugin.max_connections and self._count >= self.plugin.max_connections:
                return False
            self._count += 1
            return True

    def release(self):
        with self._count_lock:
            self._count -= 1


def syslog_inputs(pipeline_dir):
    """(source, plugin JSON) of every service_syslog input in the pipeline configs."""
    found = []
    for path in sorted(glob.glob(os.path.join(pipeline_dir or '', '*.json'))):
        with open(path) as handle:
            pipeline = json.load(handle)
        for plugin in pipeline.get('inputs', []):
            if plugin.get('Type') == 'service_syslog':
                found.append((path, plugin))
    return found


def file_pipelines(pipeline_dir):
    """The pipeline configs in --pipelines whose input is input_file, as the heartbeat answer lists them."""
    found = []
    for path in sorted(glob.glob(os.path.join(pipeline_dir or '', '*.json'))):
        with open(path) as handle:
            pipeline = json.load(handle)
        if any(p.get('Type') == 'input_file' for p in pipeline.get('inputs', [])):
            name = pipeline.get('configName') or os.path.splitext(os.path.basename(path))[0]
            found.append({'project': 'local', 'configName': name, 'kind': 'pipelineconfigs',
                          'logstore': (pipeline.get('flushers') or [{}])[0].get('Logstore'), 'detail': pipeline})
    return found


def _agent_config(args):
    path = args.config or os.path.join(args.home, 'ilogtail_config.json')
    try:
        with open(path) as handle:
            config = json.load(handle)
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}


def _log_reject(sink, reason):
    sink.reject(reason)
    sys.stderr.write('%s\n' % reason)
    sys.stderr.flush()


def _bool(text):
    if text not in ('true', 'false'):
        raise argparse.ArgumentTypeError('true or false, got %r' % text)
    return text == 'true'


def _arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--home', default='/usr/local/ilogtail')
    for name in ('--config', '--record', '--rejected', '--pidfile', '--pipelines'):
        parser.add_argument(name)
    parser.add_argument('--addr', default='127.0.0.1')
    parser.add_argument('--port', type=int, help='streamlog port; overrides the config file')
    parser.add_argument('--syslog-address', help='tcp://A:P of a service_syslog input')
    parser.add_argument('--parse-protocol', default='rfc5424', help='its ParseProtocol (default rfc5424)')
    parser.add_argument('--ignore-parse-failure', type=_bool, default=True, help='its IgnoreParseFailure')
    parser.add_argument('--ship-settings', help='stand-in shipping settings (JSON; see shipper.py); default '
                        '<home>/standin_shipping.json when it exists, else nothing is shipped')
    parser.add_argument('--spool', help='spool directory (default <home>/standin_spool)')
    parser.add_argument('--checkpoint', help='input_file checkpoint file (default <home>/standin_checkpoint.json)')
    parser.add_argument('--checkpoint-interval', type=float, default=file_input.CHECKPOINT_DUMP_SECS,
                        help='seconds between checkpoint dumps (the real check_point_dump_interval: 900)')
    return parser.parse_args(argv)


def _servers(args, sink, agent):
    servers = []
    if args.port is not None:
        servers.append(InputServer((args.addr, args.port), _StreamlogHandler, sink,
                                   lambda line: parse_ali_log_fmt(line, set())))
    elif args.syslog_address is None:
        streamlog = streamlog_input(args.config or os.path.join(args.home, 'ilogtail_config.json'))
        if streamlog:
            servers.append(InputServer(streamlog[0], _StreamlogHandler, sink, streamlog[1]))
    plugins = syslog_inputs(args.pipelines)
    if args.syslog_address:
        plugins.insert(0, ('--syslog-address', {'Type': 'service_syslog', 'Address': args.syslog_address,
                                                'ParseProtocol': args.parse_protocol,
                                                'IgnoreParseFailure': args.ignore_parse_failure}))
    for source, plugin in plugins:
        try:
            syslog = service_syslog.SyslogInput(plugin, agent[1])
        except service_syslog.ConfigError as exc:
            if source == '--syslog-address':
                raise SystemExit('service_syslog: %s' % exc)
            sink.reject('pipeline %s: service_syslog not started: %s' % (source, exc))
            sys.stderr.write('pipeline %s: service_syslog not started: %s\n' % (source, exc))
            continue
        servers.append(InputServer((syslog.host, syslog.port), _SyslogHandler, sink, plugin=syslog, agent=agent))
        sys.stdout.write('%s\n' % syslog.describe())
    return servers


def main(argv=None):
    args = _arguments(argv)
    started = int(time.time())
    record = args.record or os.path.join(args.home, 'standin_received.log')
    settings, shipper = {}, None
    settings_path = args.ship_settings or os.path.join(args.home, 'standin_shipping.json')
    if args.ship_settings or os.path.exists(settings_path):
        with open(settings_path) as handle:
            settings = json.load(handle)
    agent = agent_host.host_ip(settings), agent_host.hostname()
    if settings:
        try:
            from .shipper import Shipper
        except ImportError:
            from shipper import Shipper
        shipper = Shipper(settings, args.spool or os.path.join(args.home, 'standin_spool')).start()
    sink = Sink(record, args.rejected or os.path.splitext(record)[0] + '.rejected', shipper)
    servers = _servers(args, sink, agent)
    files = file_input.FileInputs(args.checkpoint or os.path.join(args.home, 'standin_checkpoint.json'),
                                  sink.accept, lambda reason: _log_reject(sink, reason), hostname=agent[1],
                                  checkpoint_interval=args.checkpoint_interval,
                                  buffer_size=file_input.read_buffer_size(_agent_config(args)))
    local = file_pipelines(args.pipelines)
    if local:
        files.apply(local)
    if shipper is not None:
        shipper.add_listener(files.apply)

    if args.pidfile:
        with open(args.pidfile, 'w') as handle:
            handle.write('%d\n' % os.getpid())
    if not FLAVOR.startswith('@'):  # an installed package, not the source tree
        agent_host.write_app_info(args.home, agent_host.app_info(FLAVOR, VERSION, agent[0], agent[1], started))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdout.write('listening on %s:%d\n' % server.server_address[:2])
    sys.stdout.flush()
    # An agent with no syslog input idles until stopped, like the real one.
    while not stop.wait(1):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    if shipper is not None:
        shipper.listeners.remove(files.apply)
    files.stop()
    if shipper is not None:
        shipper.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
