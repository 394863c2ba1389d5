"""Routes and SlsService handlers for SLS alert rules (`/jobs`) and alert resource records (`/resources`): the
wire side of sls_alerts.py (ALERTS.md section 0)."""
import copy

from .sls_alerts import invalid

ALERT_ROUTES = [
    ('GET', r'/jobs', 'ListAlert', '_list_alerts'),
    ('POST', r'/jobs', 'CreateAlert', '_create_alert'),
    ('GET', r'/jobs/([^/]+)', 'GetAlert', '_get_alert'),
    ('PUT', r'/jobs/([^/]+)', 'UpdateAlert', '_update_alert'),
    ('DELETE', r'/jobs/([^/]+)', 'DeleteAlert', '_delete_alert'),
    ('GET', r'/resources/([^/]+)/records', 'ListResourceRecords', '_list_records'),
    ('POST', r'/resources/([^/]+)/records', 'CreateResourceRecord', '_create_record'),
    ('PUT', r'/resources/([^/]+)/records', 'UpsertResourceRecord', '_upsert_records'),
    ('DELETE', r'/resources/([^/]+)/records', 'DeleteResourceRecord', '_delete_records'),
    ('GET', r'/resources/([^/]+)/records/([^/]+)', 'GetResourceRecord', '_get_record'),
    ('PUT', r'/resources/([^/]+)/records/([^/]+)', 'UpdateResourceRecord', '_update_record'),
]
# Resource records are account-level: the SDK sends them with project None (no project in Host) [P1].
ACCOUNT_ACTIONS = frozenset(r[2] for r in ALERT_ROUTES if r[1].startswith('/resources'))
# PUT /jobs/{name}?action=enable|disable [P1]
JOB_ACTIONS = {'enable': ('EnableAlert', '_enable_alert'), 'disable': ('DisableAlert', '_disable_alert')}


class AlertHandlers(object):
    """SlsService handlers for the routes above; `self.alerts` is the AlertStore, `self.alarm_min_interval` the
    EmulatorState's."""

    def _min_interval(self):
        return getattr(self, 'alarm_min_interval', 60)

    def _list_alerts(self, project, body, query):
        if query.get('jobType', 'Alert') != 'Alert':
            raise invalid('jobType must be Alert')
        items = self.alerts.list(project, query.get('jobName'))
        offset, size = int(query.get('offset') or 0), int(query.get('size') or 100)
        page = items[offset:offset + size]
        return {'count': len(page), 'total': len(items), 'results': page}

    def _create_alert(self, project, body, query):
        self.alerts.create(project, body, self._min_interval())
        self.alert_changed(project, body.get('name'))

    def _get_alert(self, project, body, query, name):
        return copy.deepcopy(self.alerts.rule(project, name))

    def _update_alert(self, project, body, query, name):
        self.alerts.update(project, name, body, self._min_interval())
        self.alert_changed(project, name)

    def _enable_alert(self, project, body, query, name):
        self.alerts.set_enabled(project, name, True)
        self.alert_changed(project, name)

    def _disable_alert(self, project, body, query, name):
        self.alerts.set_enabled(project, name, False)
        self.alert_changed(project, name)

    def _delete_alert(self, project, body, query, name):
        self.alerts.delete(project, name)
        self.alert_changed(project, name)

    def _list_records(self, project, body, query, resource):
        ids = [i for i in (query.get('ids') or '').split(',') if i]
        items = self.alerts.list_records(resource, query.get('tag'), ids)
        offset, size = int(query.get('offset') or 0), int(query.get('size') or 100)
        page = items[offset:offset + size]
        return {'count': len(page), 'total': len(items), 'items': page}

    def _create_record(self, project, body, query, resource):
        self.alerts.create_record(resource, body)

    def _upsert_records(self, project, body, query, resource):
        self.alerts.upsert_records(resource, body)

    def _delete_records(self, project, body, query, resource):
        self.alerts.delete_records(resource, [i for i in (query.get('ids') or '').split(',') if i])

    def _get_record(self, project, body, query, resource, record_id):
        return dict(self.alerts.record(resource, record_id))

    def _update_record(self, project, body, query, resource, record_id):
        self.alerts.update_record(resource, record_id, body)

    def alert_changed(self, project, name):
        """A changed rule starts a new schedule and state."""
        scheduler = getattr(self, 'scheduler', None)
        if scheduler is not None:
            scheduler.forget(project, name)
