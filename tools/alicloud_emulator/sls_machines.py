"""Agent heartbeats (emulator-only protocol, see SLS.md) and which machine groups a machine is in.

The emulator is ONE account. A machine is the account's when it is an ECS instance of the account (the agent
reads its instance id from the ECS metadata service) or when its /etc/ilogtail/users/ holds a file named by the
account's AliUid. Any other heartbeat is kept aside as unattributed: it joins no machine group, gets no config and
ListMachines does not show it (Log Service docs, machine groups: "Configure a user identifier"; "Use Logtail to
collect logs across accounts").
"""
import time

from .sls_signing import SlsError


def _invalid(message):
    return SlsError(400, 'ParameterInvalid', message)


def _string_list(doc, key):
    value = doc.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and str(v) for v in value):
        raise _invalid('heartbeat "%s" must be a list of non-empty strings' % key)
    return [str(v) for v in value]


class Machines(object):
    """Heartbeats are region-wide (they reach the region's config server, not a project)."""

    def __init__(self, account_aliuid, instance_ids=(), clock=time.time):
        self.account_aliuid = str(account_aliuid)
        self.instance_ids = frozenset(instance_ids)
        self.clock = clock
        self.machines = {}
        self.unattributed = {}

    def refusal(self, instance_id, aliuids):
        """None when the heartbeat is the account's, else why it is not."""
        if instance_id in self.instance_ids or self.account_aliuid in aliuids:
            return None
        what = ('%s is not an ECS instance of account %s' % (instance_id, self.account_aliuid) if instance_id else
                'not an ECS instance of account %s (no instance_id)' % self.account_aliuid)
        return '%s and no /etc/ilogtail/users/%s' % (what, self.account_aliuid)

    def heartbeat(self, doc):
        """Record one heartbeat -> (machine record, refusal text or None)."""
        ip = doc.get('ip')
        if not isinstance(ip, str) or not ip:
            raise _invalid('a heartbeat needs "ip" (string)')
        instance_id = doc.get('instance_id')
        if instance_id is not None and not isinstance(instance_id, str):
            raise _invalid('heartbeat "instance_id" must be a string')
        ids, aliuids = _string_list(doc, 'user_defined_id'), _string_list(doc, 'aliuids')
        unique = str(doc.get('machine_uniqueid') or ip)
        machine = {'ip': ip, 'machine-uniqueid': unique, 'user_defined_ids': ids, 'instance_id': instance_id or '',
                   'aliuids': aliuids, 'lastHeartbeatTime': int(self.clock())}
        refused = self.refusal(instance_id, aliuids)
        # A machine is in one place: a later heartbeat that changes its standing moves it.
        self.machines.pop(unique, None)
        self.unattributed.pop(unique, None)
        if refused:
            self.unattributed[unique] = dict(machine, refused=refused)
        else:
            self.machines[unique] = machine
        return machine, refused

    def unattributed_list(self):
        return [dict(m) for _, m in sorted(self.unattributed.items())]

    def machines_of(self, group):
        """The account's machines whose heartbeat identity matches the group's machineList, in ListMachines'
        shape."""
        wanted = set(group['machineList'])
        out = []
        for machine in sorted(self.machines.values(), key=lambda m: (m['ip'], m['machine-uniqueid'])):
            if group['machineIdentifyType'] == 'ip':
                hit = machine['ip'] in wanted
                ids = machine['user_defined_ids']
            else:
                ids = [i for i in machine['user_defined_ids'] if i in wanted]
                hit = bool(ids)
            if hit:
                out.append({'ip': machine['ip'], 'machine-uniqueid': machine['machine-uniqueid'],
                            'userdefined-id': ','.join(ids), 'lastHeartbeatTime': machine['lastHeartbeatTime']})
        return out
