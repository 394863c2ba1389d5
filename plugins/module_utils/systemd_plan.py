# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure planning for the systemd_unit module: which file, which systemctl steps, what to say.

The module asks systemd for facts (is-enabled, is-active, whether systemd is PID 1) and
hands them to these functions; they decide, it acts. Each is unit-tested on plain values.
Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_render import (
    UnitSpecError, has_default_instance, is_template, normalize_dropin_name, render_sections, validate_unit_name)

STARTING_STATES = ('started', 'restarted', 'reloaded')
ACTIVE_STATES = ('active', 'activating', 'reloading')


def wanted_content(params):
    """The file text the parameters ask for (None for state=absent); UnitSpecError names the field."""
    validate_unit_name(params['name'])
    if params['dropin'] is not None:
        normalize_dropin_name(params['dropin'])
    absent = params['state'] == 'absent'
    if absent and (params['content'] is not None or params['sections'] is not None):
        raise UnitSpecError('content/sections: not allowed with state=absent')
    if absent and not params['dropin'] and (params['enabled'] or params['service_state'] in STARTING_STATES):
        raise UnitSpecError('state=absent removes the unit; it cannot also be enabled=true or '
                            'service_state=%s' % params['service_state'])
    if params['sections'] is not None:
        content = render_sections(params['sections'])
    else:
        content = params['content']
    if content is not None and not content.strip():
        # systemd reads an empty unit file as masked; an empty drop-in says nothing. Either way not what was meant.
        raise UnitSpecError('content: is empty; systemd reads an empty unit file as a masked unit (use state=absent '
                            'to remove the %s)' % ('drop-in' if params['dropin'] else 'unit'))
    check_template_use(params, content)
    return content


def check_template_use(params, content):
    """Refuse starting or enabling a template unit by its bare name (``foo@.service``) before anything is written:
    systemctl would refuse it after the file had been replaced."""
    name = params['name']
    if not is_template(name) or params['state'] == 'absent':
        return
    if params['service_state']:
        raise UnitSpecError('name: %s is a template unit; it cannot be %s without an instance: name one, such as '
                            '%s' % (name, params['service_state'], name.replace('@.', '@1.')))
    if params['enabled'] and content is not None and not params['dropin'] and not has_default_instance(content):
        raise UnitSpecError('name: %s is a template unit without DefaultInstance= in its [Install] section, so '
                            'systemctl cannot enable it; name an instance such as %s, or set DefaultInstance='
                            % (name, name.replace('@.', '@1.')))


def service_verb(wanted, active_state):
    """The systemctl verb that brings a unit in ``active_state`` to ``wanted``; None if it is there."""
    running = active_state in ACTIVE_STATES
    if wanted == 'started' and running or wanted == 'stopped' and not running:
        return None
    if wanted == 'reloaded':
        # Same as ansible.builtin.systemd_service: reloading a stopped unit starts it.
        return 'reload-or-restart' if running else 'start'
    return {'started': 'start', 'stopped': 'stop', 'restarted': 'restart'}[wanted]


def removal_actions(unit_exists, running_here, active_state, is_enabled):
    """Steps before a unit file is removed: stop it (if this host runs it), then disable it."""
    actions = []
    if not unit_exists:
        return actions
    if running_here and service_verb('stopped', active_state):
        actions.append('stopped')
    if is_enabled:
        actions.append('disabled')
    return actions


def needs_daemon_reload(running_here, content_changed, forced):
    return bool(running_here and (content_changed or forced))


def enable_action(wanted, is_enabled):
    """'enabled' / 'disabled' when the boot-time state must change, else None."""
    if wanted is None or bool(is_enabled) == wanted:
        return None
    return 'enabled' if wanted else 'disabled'


def service_state_warning(service_state, name, systemd_running, root):
    """Why ``service_state`` cannot be applied here (None when it can, or was not asked)."""
    if not service_state or (systemd_running and not root):
        return None
    why = ('root=%s is an offline system tree' % root) if root else \
        'systemd is not running on this host (no /run/systemd/system)'
    return ('service_state=%s was not applied to %s: %s; the unit file and the enabled state are handled '
            'offline' % (service_state, name, why))


def summary(path, name, touched_file, file_changed, actions, warnings):
    """The module's ``msg``."""
    msg = '%s %s' % (path, 'changed' if file_changed else 'unchanged') if touched_file else name
    if actions:
        msg += '; ' + ', '.join(actions)
    if warnings:
        msg += '; ' + warnings[0]
    return msg
