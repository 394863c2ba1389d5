"""In-memory Log Service resources: projects, logstores, machine groups, Logtail configs and their bindings.

Bodies are the JSON the real API takes and returns (camelCase keys as aliyun-log-python-sdk sends them).
Every method raises SlsError with the real error codes; callers hold `lock`.
"""
import copy
import ipaddress
import re
import threading
import time

from .sls_pipeline import validate_pipeline
from .sls_signing import SlsError

PROJECT_NAME = re.compile(r'^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$')
LOGSTORE_NAME = re.compile(r'^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$')
GROUP_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{1,126}[A-Za-z0-9]$')
CONFIG_NAME = re.compile(r'^[a-z0-9][a-z0-9_-]{0,126}[a-z0-9]$')
LEGACY_INPUT_TYPES = ('file', 'syslog', 'plugin')


def _now():
    return int(time.time())


def invalid(message, code='ParameterInvalid'):
    return SlsError(400, code, message)


def _check_name(pattern, value, what):
    if not isinstance(value, str) or not pattern.match(value):
        raise invalid('%s name is invalid: %r' % (what, value))


class SlsStore(object):
    def __init__(self, region='cn-hangzhou', owner=''):
        self.lock = threading.RLock()
        self.region = region
        self.owner = owner
        self.projects = {}

    # -- projects -------------------------------------------------------------------------------------------
    def project(self, name):
        if name not in self.projects:
            raise SlsError(404, 'ProjectNotExist', 'The Project does not exist : %s' % name)
        return self.projects[name]

    def create_project(self, name, body):
        _check_name(PROJECT_NAME, name, 'project')
        if body.get('projectName', name) != name:
            raise invalid('projectName in the body does not match the Host header: %r' % body.get('projectName'))
        if name in self.projects:
            raise SlsError(400, 'ProjectAlreadyExist', 'Project %s already exist' % name)
        now = str(_now())
        self.projects[name] = {
            'meta': {'projectName': name, 'description': str(body.get('description') or ''), 'status': 'Normal',
                     'region': self.region, 'owner': self.owner, 'createTime': now, 'lastModifyTime': now,
                     'resourceGroupId': body.get('resourceGroupId') or 'rg-emulator-default',
                     'dataRedundancyType': body.get('dataRedundancyType') or 'LRS'},
            'logstores': {}, 'machinegroups': {}, 'configs': {}, 'pipelineconfigs': {}, 'applied': set()}

    def update_project(self, name, body):
        meta = self.project(name)['meta']
        meta['description'] = str(body.get('description') or '')
        meta['lastModifyTime'] = str(_now())

    def delete_project(self, name):
        self.project(name)
        del self.projects[name]

    # -- logstores ------------------------------------------------------------------------------------------
    def logstore(self, project, name):
        stores = self.project(project)['logstores']
        if name not in stores:
            raise SlsError(404, 'LogStoreNotExist', 'logstore %s does not exist' % name)
        return stores[name]

    @staticmethod
    def _logstore_fields(body, current):
        ttl = body.get('ttl', current.get('ttl', 30))
        if not isinstance(ttl, int) or not 1 <= ttl <= 3650:
            raise invalid('ttl must be an integer between 1 and 3650: %r' % (ttl,), 'LogStoreInfoInvalid')
        shards = current.get('shardCount', body.get('shardCount', 2))
        if not isinstance(shards, int) or not 1 <= shards <= 256:
            raise invalid('shardCount must be between 1 and 256: %r' % (shards,), 'LogStoreInfoInvalid')
        max_split = body.get('maxSplitShard', current.get('maxSplitShard', 64))
        if not isinstance(max_split, int) or not 1 <= max_split <= 256:
            raise invalid('maxSplitShard must be between 1 and 256: %r' % (max_split,), 'LogStoreInfoInvalid')
        fields = {'ttl': ttl, 'shardCount': shards, 'maxSplitShard': max_split}
        for key, default in (('autoSplit', True), ('appendMeta', False), ('enable_tracking', False)):
            fields[key] = bool(body.get(key, current.get(key, default)))
        fields['telemetryType'] = body.get('telemetryType', current.get('telemetryType', ''))
        fields['mode'] = body.get('mode', current.get('mode', 'standard'))
        return fields

    def create_logstore(self, project, body):
        stores = self.project(project)['logstores']
        name = body.get('logstoreName')
        _check_name(LOGSTORE_NAME, name, 'logstore')
        if name in stores:
            raise SlsError(400, 'LogStoreAlreadyExist', 'logstore %s already exists' % name)
        now = _now()
        doc = {'logstoreName': name, 'createTime': now, 'lastModifyTime': now}
        doc.update(self._logstore_fields(body, {}))
        stores[name] = doc

    def update_logstore(self, project, name, body):
        current = self.logstore(project, name)
        if body.get('logstoreName', name) != name:
            raise invalid('logstoreName in the body does not match the URL', 'LogStoreInfoInvalid')
        # shardCount is only changed by split/merge, never by UpdateLogStore: keep the current one.
        current.update(self._logstore_fields(body, current))
        current['lastModifyTime'] = _now()

    def delete_logstore(self, project, name):
        self.logstore(project, name)
        del self.project(project)['logstores'][name]

    # -- machine groups -------------------------------------------------------------------------------------
    def group(self, project, name):
        groups = self.project(project)['machinegroups']
        if name not in groups:
            raise SlsError(404, 'MachineGroupNotExist', 'MachineGroup %s does not exist' % name)
        return groups[name]

    @staticmethod
    def _group_fields(body):
        kind = body.get('machineIdentifyType')
        if kind not in ('ip', 'userdefined'):
            raise invalid('machineIdentifyType must be ip or userdefined: %r' % (kind,))
        machines = body.get('machineList')
        if not isinstance(machines, list) or not all(isinstance(m, str) and m for m in machines):
            raise invalid('machineList must be a list of non-empty strings')
        if kind == 'ip':
            for machine in machines:
                try:
                    ipaddress.ip_address(machine)
                except ValueError:
                    raise invalid('machineList holds an invalid ip: %r' % machine)
        attribute = body.get('groupAttribute') or {}
        if not isinstance(attribute, dict):
            raise invalid('groupAttribute must be an object')
        return {'machineIdentifyType': kind, 'machineList': list(machines), 'groupType': body.get('groupType') or '',
                'groupAttribute': {k: str(v) for k, v in attribute.items() if k in ('groupTopic', 'externalName')}}

    def create_group(self, project, body):
        groups = self.project(project)['machinegroups']
        name = body.get('groupName')
        _check_name(GROUP_NAME, name, 'machine group')
        if name in groups:
            raise SlsError(400, 'MachineGroupAlreadyExist', 'MachineGroup %s already exist' % name)
        now = _now()
        doc = {'groupName': name, 'createTime': now, 'lastModifyTime': now}
        doc.update(self._group_fields(body))
        groups[name] = doc

    def update_group(self, project, name, body):
        current = self.group(project, name)
        if body.get('groupName', name) != name:
            raise invalid('groupName in the body does not match the URL')
        current.update(self._group_fields(body))
        current['lastModifyTime'] = _now()

    def delete_group(self, project, name):
        self.group(project, name)
        state = self.project(project)
        del state['machinegroups'][name]
        state['applied'] = {pair for pair in state['applied'] if pair[0] != name}

    # -- Logtail configs (legacy and pipeline share one name space) -----------------------------------------
    def config(self, project, name, kind='configs'):
        configs = self.project(project)[kind]
        if name not in configs:
            raise SlsError(404, 'ConfigNotExist', 'config %s does not exist' % name)
        return configs[name]

    def _config_exists(self, project, name):
        state = self.project(project)
        return name in state['configs'] or name in state['pipelineconfigs']

    def _validate_legacy(self, project, body):
        if body.get('inputType') not in LEGACY_INPUT_TYPES:
            raise invalid('inputType must be one of %s: %r' % (', '.join(LEGACY_INPUT_TYPES), body.get('inputType')))
        detail = body.get('inputDetail')
        if not isinstance(detail, dict):
            raise invalid('inputDetail must be an object')
        if body['inputType'] == 'syslog' and not detail.get('tag'):
            raise invalid('a syslog config needs inputDetail.tag')
        if body.get('outputType', 'LogService') != 'LogService':
            raise invalid('outputType must be LogService')
        self.logstore(project, (body.get('outputDetail') or {}).get('logstoreName'))

    def _validate_pipeline(self, project, body):
        self.logstore(project, validate_pipeline(body).get('Logstore'))

    def create_config(self, project, body, kind='configs'):
        name = body.get('configName')
        _check_name(CONFIG_NAME, name, 'config')
        if self._config_exists(project, name):
            raise SlsError(400, 'ConfigAlreadyExist', 'config %s already exist' % name)
        (self._validate_pipeline if kind == 'pipelineconfigs' else self._validate_legacy)(project, body)
        doc = copy.deepcopy(body)
        doc['createTime'] = doc['lastModifyTime'] = _now()
        self.project(project)[kind][name] = doc

    def update_config(self, project, name, body, kind='configs'):
        current = self.config(project, name, kind)
        if body.get('configName', name) != name:
            raise invalid('configName in the body does not match the URL')
        (self._validate_pipeline if kind == 'pipelineconfigs' else self._validate_legacy)(project, body)
        doc = copy.deepcopy(body)
        doc['createTime'], doc['lastModifyTime'] = current['createTime'], _now()
        self.project(project)[kind][name] = doc

    def delete_config(self, project, name, kind='configs'):
        self.config(project, name, kind)
        state = self.project(project)
        del state[kind][name]
        state['applied'] = {pair for pair in state['applied'] if pair[1] != name}

    # -- bindings -------------------------------------------------------------------------------------------
    def apply_config(self, project, group, config):
        self.group(project, group)
        if not self._config_exists(project, config):
            raise SlsError(404, 'ConfigNotExist', 'config %s does not exist' % config)
        self.project(project)['applied'].add((group, config))

    def remove_config(self, project, group, config):
        self.group(project, group)
        if not self._config_exists(project, config):
            raise SlsError(404, 'ConfigNotExist', 'config %s does not exist' % config)
        self.project(project)['applied'].discard((group, config))

    def applied_configs(self, project, group):
        self.group(project, group)
        return sorted(c for g, c in self.project(project)['applied'] if g == group)

    def applied_groups(self, project, config):
        if not self._config_exists(project, config):
            raise SlsError(404, 'ConfigNotExist', 'config %s does not exist' % config)
        return sorted(g for g, c in self.project(project)['applied'] if c == config)

    def snapshot(self):
        """Plain-JSON view of everything, for tests (GET /_emulator/sls/state)."""
        out = {}
        for name, state in self.projects.items():
            groups = copy.deepcopy(state['machinegroups'])
            for group_name, group in groups.items():
                group['appliedConfigs'] = sorted(c for g, c in state['applied'] if g == group_name)
            out[name] = dict(copy.deepcopy(state['meta']), logstores=copy.deepcopy(state['logstores']),
                             machinegroups=groups, configs=copy.deepcopy(state['configs']),
                             pipelineconfigs=copy.deepcopy(state['pipelineconfigs']))
        return {'projects': out}
