"""CloudMonitor (cms 2019-01-01) state of the emulator: contacts, contact groups, application (monitor) groups,
metric rules, the emulator-only metric points, the per-resource alert state and the callbacks sent.

Everything is guarded by one lock (`CmsStore.lock`); the RPC actions (cms.py) and the evaluator (cms_eval.py) hold it
while they read or change the store. Facts and their sources: CMS.md and ALERTS.md section 4.
"""
import bisect
import threading

# Rule AlertState values [D23]; the callback's alertState uses ALERT for ALARM [D25].
OK, ALARM, INSUFFICIENT_DATA = 'OK', 'ALARM', 'INSUFFICIENT_DATA'
LEVELS = ('Critical', 'Warn', 'Info')
# How long metric points are kept (seconds): longer than any Period the emulator accepts (1 day).
POINT_RETENTION = 2 * 86400
MAX_NOTIFICATIONS = 500
MAX_EVALUATIONS = 500


class CmsStore(object):
    def __init__(self):
        self.lock = threading.RLock()
        self.contacts = {}          # name -> {Name, Desc, Lang, Channels{}, CreateTime, UpdateTime}
        self.contact_groups = {}    # name -> {Name, Describe, Contacts[names], EnableSubscribed, ...}
        self.groups = {}            # GroupId (int) -> {GroupId, GroupName, ContactGroups[], instances{id: {...}}}
        self.rules = {}             # RuleId -> rule dict (see cms.py _rule_from_params)
        self.points = {}            # (namespace, metric, instanceId) -> sorted [(timestamp, value)]
        self.notifications = []     # callbacks sent (newest last)
        self.evaluations = []       # last evaluations (newest last)
        self._next_group_id = 3000001
        self._next_instance_row = 1

    def new_group_id(self):
        group_id = self._next_group_id
        self._next_group_id += 1
        return group_id

    def new_instance_row(self):
        row = self._next_instance_row
        self._next_instance_row += 1
        return row

    def group_by_name(self, name):
        for group in self.groups.values():
            if group['GroupName'] == name:
                return group
        return None

    def add_point(self, namespace, metric, instance_id, timestamp, value):
        series = self.points.setdefault((namespace, metric, instance_id), [])
        bisect.insort(series, (float(timestamp), float(value)))
        cutoff = series[-1][0] - POINT_RETENTION
        if series[0][0] < cutoff:
            del series[:bisect.bisect_left(series, (cutoff, float('-inf')))]

    def values_between(self, namespace, metric, instance_id, start, end):
        """Values of the points with start < timestamp <= end (the last Period ending at `end`)."""
        series = self.points.get((namespace, metric, instance_id), [])
        return [value for ts, value in series if start < ts <= end]

    def record(self, kind, entry):
        target, limit = (self.notifications, MAX_NOTIFICATIONS) if kind == 'notification' \
            else (self.evaluations, MAX_EVALUATIONS)
        target.append(entry)
        del target[:-limit]

    def snapshot(self):
        """What GET /_emulator/cms/state answers (JSON-ready copies)."""
        with self.lock:
            groups = {}
            for group_id, group in self.groups.items():
                doc = {k: v for k, v in group.items() if k != 'instances'}
                doc['Instances'] = [dict(i) for i in group['instances'].values()]
                groups[str(group_id)] = doc
            rules = {}
            for rule_id, rule in self.rules.items():
                doc = {k: v for k, v in rule.items() if not k.startswith('_')}
                doc['Resources'] = {rid: dict(res) for rid, res in rule['_resources'].items()}
                doc['LastEvaluation'] = rule['_last_eval']
                rules[rule_id] = doc
            return {'contacts': {k: dict(v) for k, v in self.contacts.items()},
                    'contact_groups': {k: dict(v) for k, v in self.contact_groups.items()},
                    'groups': groups, 'rules': rules,
                    'points': sum(len(s) for s in self.points.values()),
                    'evaluations': list(self.evaluations[-50:]),
                    'notifications': list(self.notifications)}
