"""Plan the Log Service side of application log files from the inventory: pure, on the controller, tested on dicts.

``plan_file_sources(host_sources, host_vars, prefix, machine_type, ip_var)`` turns each host's
``alicloud_logging_file_sources`` (set per inventory group, e.g. in group_vars/web.yml) into one entry per source:

    host_sources {'web-1': [{'name': 'nginx-access', 'paths': [...], 'format': 'nginx'}], 'api-1': [...]}
    ->  [{'name': 'nginx-access', 'config_name': '<prefix>-nginx-access', 'logstore': 'nginx-access',
          'hosts': ['web-1'], 'machine_group': {'name': '<prefix>-nginx-access', 'machine_type': 'userdefined',
          'machines': ['<prefix>-nginx-access']}, 'index_fields': [...], 'pipeline': {...}}, ...]

A source is collected from the hosts that list it, through a machine group of its own: with user-defined ids the
group lists the id ``<prefix>-<name>`` that the logtail role writes on those hosts; with IPs it lists their IPs.
Two hosts that define a source of the same name differently is an error naming both, as is an ip host without
its IP hostvar or a source writing to the syslog logstore. Sources that share a logstore get the union of their
index fields. Entries come sorted by name.
"""

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_sources import (
    SourceError, config_name, index_fields, normalize_sources, pipeline_detail)

SOURCES_VAR = 'alicloud_logging_file_sources'


class FileSourcePlanError(AlicloudOpsError, ValueError):
    """Sources that cannot be planned; the message starts with the variable at fault."""

    option_from_message = True


def plan_file_sources(host_sources, host_vars, prefix, machine_type='userdefined', ip_var='private_ip',
                      syslog_logstore=None):
    sources, owners, hosts = {}, {}, {}
    for host in sorted(host_sources):
        try:
            normalized = normalize_sources(host_sources[host], option=SOURCES_VAR)
        except SourceError as err:
            raise FileSourcePlanError('%s (host %s)' % (err, host), option=err.option)
        for source in normalized:
            name = source['name']
            if name in sources and sources[name] != source:
                raise FileSourcePlanError(
                    '%s: source %r differs between hosts %s and %s; give each definition its own name'
                    % (SOURCES_VAR, name, owners[name], host))
            if syslog_logstore and source['logstore'] == syslog_logstore:
                raise FileSourcePlanError('%s: source %r (host %s) writes to %r, the syslog logstore '
                                          '(alicloud_logging_logstore), whose index is the syslog keys; give it a '
                                          'logstore of its own' % (SOURCES_VAR, name, host, syslog_logstore))
            sources.setdefault(name, source)
            owners.setdefault(name, host)
            hosts.setdefault(name, []).append(host)
    plan = []
    for name in sorted(sources):
        source, cname = sources[name], config_name(prefix, name)
        if machine_type == 'ip':
            machines = []
            for host in hosts[name]:
                ip = (host_vars.get(host) or {}).get(ip_var)
                if not ip:
                    raise FileSourcePlanError('%s: host %s collects source %r but has no %s hostvar for the ip '
                                              'machine group' % (SOURCES_VAR, host, name, ip_var))
                if ip not in machines:
                    machines.append(ip)
        else:
            machines = [cname]
        plan.append({'name': name, 'config_name': cname, 'logstore': source['logstore'], 'hosts': hosts[name],
                     'machine_group': {'name': cname, 'machine_type': machine_type, 'machines': machines},
                     'index_fields': index_fields(source), 'pipeline': pipeline_detail(source)})
    # Sources that share a logstore share its index: every one's fields, each once, in source order.
    by_store = {}
    for entry in plan:
        fields = by_store.setdefault(entry['logstore'], [])
        fields.extend(f for f in entry['index_fields'] if f['name'] not in [g['name'] for g in fields])
    for entry in plan:
        entry['index_fields'] = by_store[entry['logstore']]
    return plan
