# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/verify.yml's judgement, on plain dicts: which hosts' canary lines Log Service returned, each
one's end-to-end delay, and for each missing host the most likely cause from what the controller can see
(the machine group's heartbeats and applied configs, and what each host said about its agent and drop-in)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

RECEIVE_TIME = '__tag__:__receive_time__'


def canary_query(canaries):
    """ONE search for the whole fleet: the canaries are single tokens, joined with OR."""
    return ' OR '.join(sorted(canaries))


def _found_at(log, searched_at):
    """When Log Service had the line: its receive time (logstores with appendMeta), else the search time."""
    try:
        return float(log[RECEIVE_TIME])
    except (KeyError, TypeError, ValueError):
        return float(searched_at)


def _true(value):
    """Facts may arrive as strings when templated."""
    return value if isinstance(value, bool) else str(value).strip().lower() in ('true', 'yes', '1')


def _heartbeat_of(host, machines):
    """The alive machine that is this host: same IP, else (one host per id) the same user-defined id."""
    for machine in machines:
        if host.get('ip') and machine.get('ip') == host['ip']:
            return machine
    return None


def _no_heartbeat(host, group):
    text = ('no heartbeat from %s in machine group %s: the agent runs but is not in the group (its IP or '
            'user-defined id is not in the group\'s list) or cannot reach Log Service'
            % (host.get('ip'), (group or {}).get('name')))
    if str(host.get('aliuid_files', '')).strip() == '0':
        # Log Service takes heartbeats from outside the project owner's account (not an ECS instance of it:
        # on-premises, another cloud, another account) only with /etc/ilogtail/users/<AliUid of the owner>.
        text += ('; the host has no AliUid file in /etc/ilogtail/users/: if it is not an ECS instance of the '
                 'account that owns the project, its agent is ignored until logtail_aliuids names that account')
    return text


def diagnose_path(host, group, config_name, search=None, collects='syslog'):
    """Why a line never arrived, as far as the search, the machine group and the agent tell; None when they
    are all fine (the cause is then on the line's own way to the agent)."""
    search = search or {}
    if not _true(search.get('complete', True)):
        return ('not found YET: Log Service still answered Incomplete (the search was gathering), which is no '
                'proof the line is missing; run verify.yml again')
    searchable_from = search.get('searchable_from')
    written = float(host.get('written', 0))
    if searchable_from is not None and written < float(searchable_from):
        return ('written at %d, before the logstore\'s index took effect at %d: Log Service never indexes a line '
                'received before that (raise alicloud_logging_index_delay, or reindex)'
                % (written, float(searchable_from)))
    if group is not None and config_name and config_name not in (group.get('applied_configs') or []):
        return ('config %s is not applied to machine group %s: no agent collects %s for the logstore'
                % (config_name, group.get('name'), collects))
    if not _true(host.get('agent_active', True)):
        # The host's word beats a heartbeat that is only a little old.
        return 'agent down: %s is not running on the host (no heartbeat from %s)' % (host.get('agent'), host.get('ip'))
    machine = _heartbeat_of(host, (group or {}).get('machines') or [])
    if machine is None or not _true(machine.get('alive')):
        return _no_heartbeat(host, group)
    return None


def diagnose(host, group, config_name, search=None):
    """Why a host's canary never arrived: the search's own state first, then the group's side, then the host's."""
    cause = diagnose_path(host, group, config_name, search)
    if cause:
        return cause
    if not _true(host.get('dropin_present', True)):
        return 'heartbeat but no line: the rsyslog drop-in %s is missing' % host.get('dropin')
    return 'heartbeat but no line: rsyslog is not forwarding to the agent (drop-in %s present)' % host.get('dropin')


def canary_report(hosts, logs, searched_at, group=None, config_name=None, search=None):
    """hosts: {name: {canary, written, ip, agent, agent_active, dropin, dropin_present, aliuid_files}}; logs:
    sls_log_search's logs; group: sls_machine_group_info's result plus 'name' (or None when every canary arrived);
    search: {'complete': the search's last answer was Complete, 'searchable_from': when the index took effect}.

    Returns {'found': {host: delay seconds}, 'missing': {host: diagnosis}, 'lines': [one line per host]}."""
    by_canary = {}
    for log in logs or []:
        for name, host in hosts.items():
            if host['canary'] == (log.get('_content_') or '').strip():
                by_canary.setdefault(name, log)
    found, missing, lines = {}, {}, []
    for name in sorted(hosts):
        host = hosts[name]
        if name in by_canary:
            delay = max(0.0, _found_at(by_canary[name], searched_at) - float(host['written']))
            found[name] = round(delay, 1)
            log = by_canary[name]
            lines.append('%s: canary searchable after %.1f s: %s' % (name, delay, ' '.join(
                '%s=%s' % (key, str(log[key]).strip()) for key in ('_hostname_', '_program_', '_content_') if key in log)))
        else:
            missing[name] = diagnose(host, group, config_name, search)
            lines.append('%s: canary %s NOT FOUND: %s' % (name, host['canary'], missing[name]))
    return {'found': found, 'missing': missing, 'lines': lines}
