"""TEST STAND-IN: what the agent knows about its host (IP, host name, account marker files) and the
``app_info.json`` it writes at start. Not the real agent.

Sources (facts taken, code not copied), alibaba/loongcollector at f02d9808578e3ad50b5ee2bc7b9bbdcbac5407a1:

- ``pkg/util/net_helper.go`` 27-34, 51-86: the Go plugins' IP is the first IPv4 address of an interface that is
  up and not loopback, their host name ``os.Hostname()``; the core then sets both to its own (38-41,
  plugin_main/plugin_export.go 179), which ``working_ip`` overrides (core/app_config/AppConfig.cpp 1047). The
  stand-in takes the IP from its shipping settings' ``ip`` first, standing in for that.
- ``core/application/Application.cpp`` 192-219 writes ``app_info.json`` at start: ``ip``, ``hostname``,
  ``UUID`` (``GetUUIDThread`` 480-484: ``CalculateRandomUUID``, core/common/UUIDUtil.cpp 27-43: a time-based
  UUID, upper case), ``instance_id`` (``GenerateInstanceId`` 401-403: ``<random UUID>_<ip>_<start time>``; it
  names this run of the agent, not the ECS instance), the version under ``GetVersionTag()``
  (core/app_config/AppConfig.cpp 562-568: ``ilogtail_version`` in corporate builds, else
  ``loongcollector_version``), ``os`` (core/common/MachineInfoUtil.cpp 94-111: uname's
  ``sysname; release; version; machine``) and ``update_time`` (``%Y-%m-%d %H:%M:%S``). The stand-in leaves out
  ``compiler``, ``host_id``, ``git_hash`` and ``build_date`` and adds ``"standin": true``.
- The account marker files: ``/etc/ilogtail/users/<AliUid>`` (domain note; the vendor's docs on cross-account
  collection) name the accounts whose machine groups a non-ECS host may join.
"""

import fcntl
import json
import os
import socket
import struct
import time
import uuid

# The commercial Logtail build is a corporate build (ilogtail_version); LoongCollector writes its own key.
VERSION_KEYS = {'logtail': 'ilogtail_version', 'loongcollector': 'loongcollector_version'}
DEFAULT_ALIUIDS_DIR = '/etc/ilogtail/users'
_SIOCGIFFLAGS, _SIOCGIFADDR, _IFF_UP, _IFF_LOOPBACK = 0x8913, 0x8915, 0x1, 0x8


def interface_ip():
    """The first IPv4 address of an up, non-loopback interface (net_helper.go getExternalIP), or ''."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for _, name in socket.if_nameindex():
            request = struct.pack('256s', name.encode()[:15])
            try:
                flags = struct.unpack('H', fcntl.ioctl(probe.fileno(), _SIOCGIFFLAGS, request)[16:18])[0]
                if not flags & _IFF_UP or flags & _IFF_LOOPBACK:
                    continue
                address = socket.inet_ntoa(fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)[20:24])
            except OSError:
                continue  # no IPv4 address on it
            if not address.startswith('127.'):
                return address
    finally:
        probe.close()
    return ''


def host_ip(settings):
    """The agent's IP: the shipping settings' ``ip``, else the interface's, else 127.0.0.1."""
    return (settings or {}).get('ip') or interface_ip() or '127.0.0.1'


def hostname():
    return socket.gethostname()


def aliuids(settings):
    """Names of the files in the settings' ``aliuids_dir`` (default /etc/ilogtail/users), sorted."""
    directory = (settings or {}).get('aliuids_dir') or DEFAULT_ALIUIDS_DIR
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return sorted(name for name in names if os.path.isfile(os.path.join(directory, name)))


def app_info(flavor, version, ip, host, started):
    uname = os.uname()
    run_id = str(uuid.uuid1()).upper()
    return {'ip': ip, 'hostname': host, 'UUID': str(uuid.uuid1()).upper(),
            'instance_id': '%s_%s_%d' % (run_id, ip, started), VERSION_KEYS[flavor]: version,
            'os': '%s; %s; %s; %s' % (uname.sysname, uname.release, uname.version, uname.machine),
            'update_time': time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(started)), 'standin': True}


def write_app_info(home, info):
    path = os.path.join(home, 'app_info.json')
    with open(path + '.tmp', 'w') as handle:
        json.dump(info, handle, indent=4)
    os.rename(path + '.tmp', path)
