"""Every variable the collection's roles and shipped playbooks read has an argument spec (issue 20).

The roles' tasks, handlers, vars, defaults and templates and the collection's playbooks (playbooks/*.yml) are
parsed: every Jinja expression ({{ }} in any string, and the bare expressions of when/until/changed_when/
failed_when/assert that) is parsed with Jinja and its undeclared names are collected. A name is "read" unless the
same role or playbook defines it (role vars/defaults, set_fact, register, vars:, loop_var) or Ansible itself does
(magic variables, hostvars set by the collection's alicloud_ecs inventory plugin). Each read name must be an
option of some role's meta/argument_specs.yml, and every shared alicloud_logging_* name one of the internal role's,
so a wrong type or a missing value is refused before a task runs, naming the variable.

Collection content outside plugins/ has no row in tests/README.md's unit-test layout; this test reads roles/ and
playbooks/, which the built artifact holds too, so it runs under ansible-test units as well.
"""
import glob
import os
import re

import jinja2
import jinja2.meta
import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
INTERNAL_ROLE = 'internal_common'
# Ansible's own variables, and the Jinja globals and tests Ansible adds.
MAGIC = {'ansible_facts', 'ansible_host', 'ansible_play_hosts_all', 'ansible_play_hosts', 'ansible_check_mode',
         'ansible_playbook_python', 'ansible_python_interpreter', 'ansible_connection', 'ansible_loop',
         'ansible_run_tags', 'inventory_hostname', 'inventory_hostname_short', 'hostvars', 'groups', 'group_names',
         'play_hosts', 'playbook_dir', 'role_path', 'omit', 'item', 'lookup', 'query', 'q', 'now', 'undef',
         'range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace', 'zip'}
# Hostvars the collection's alicloud_ecs inventory plugin sets on every host (plugins/inventory/alicloud_ecs.py).
INVENTORY_HOSTVARS = {'region_id', 'private_ip'}
CONDITIONAL_KEYS = ('when', 'until', 'changed_when', 'failed_when', 'that')
# A role reads these of the role it is paired with in a play's roles (site.yml: logtail, then rsyslog_forward), each
# guarded (`is defined`, default(omit)): converge_probe's hand-over, so that one probe answers both roles (issue 24).
# {name: (reading role, defining role)}; the defining role must define it.
PAIRED = {'_rsyslog_forward_probe_tasks': ('logtail', 'rsyslog_forward'),
          '_logtail_agent': ('rsyslog_forward', 'logtail')}


class AnyName(dict):
    """Filters and tests by any name (Ansible's and the collection's): only the names of variables matter here."""

    def __contains__(self, name):
        return True

    def get(self, name, default=None):
        return dict.get(self, name) or (lambda *args, **kwargs: None)


ENV = jinja2.Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'])
ENV.filters = AnyName(ENV.filters)
ENV.tests = AnyName(ENV.tests)


def load(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def expressions(node, key=None):
    """Every Jinja template in a YAML tree: strings, and conditionals written without braces."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from expressions(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from expressions(value, key)
    elif isinstance(node, str):
        if key in CONDITIONAL_KEYS and '{{' not in node:
            yield '{{ %s }}' % node
        elif '{{' in node or '{%' in node:
            yield node
    elif isinstance(node, bool) and key in CONDITIONAL_KEYS:
        return


def names_read(templates):
    found = set()
    for template in templates:
        found |= jinja2.meta.find_undeclared_variables(ENV.parse(template))
    return found


def names_defined(node):
    """Names a task list or play defines: set_fact keys, register, vars:, loop_var."""
    found = set()
    if isinstance(node, dict):
        for key in ('ansible.builtin.set_fact', 'set_fact'):
            if isinstance(node.get(key), dict):
                found |= {k for k in node[key] if k != 'cacheable'}
        if isinstance(node.get('register'), str):
            found.add(node['register'])
        if isinstance(node.get('vars'), dict):
            found |= set(node['vars'])
        loop_control = node.get('loop_control')
        if isinstance(loop_control, dict) and loop_control.get('loop_var'):
            found.add(loop_control['loop_var'])
        for value in node.values():
            found |= names_defined(value)
    elif isinstance(node, list):
        for value in node:
            found |= names_defined(value)
    return found


def role_files(role):
    base = os.path.join(ROOT, 'roles', role)
    yaml_files = [p for sub in ('tasks', 'handlers', 'vars', 'defaults')
                  for p in sorted(glob.glob(os.path.join(base, sub, '*.yml')))]
    return yaml_files, sorted(glob.glob(os.path.join(base, 'templates', '*.j2')))


def dependencies(role):
    """The role and every role it depends on (meta/main.yml), transitively."""
    meta = load(os.path.join(ROOT, 'roles', role, 'meta', 'main.yml')) if os.path.exists(
        os.path.join(ROOT, 'roles', role, 'meta', 'main.yml')) else {}
    found = [role]
    for dep in (meta or {}).get('dependencies') or []:
        name = (dep['role'] if isinstance(dep, dict) else dep).split('.')[-1]
        found += [r for r in dependencies(name) if r not in found]
    return found


def role_defines(role):
    """Names a role's vars/ (internal, never set by a user) and tasks define. Defaults are not definitions:
    they are settings, and a setting needs its spec."""
    defined = set()
    for path in role_files(role)[0]:
        data = load(path)
        if os.path.basename(os.path.dirname(path)) == 'vars' and isinstance(data, dict):
            defined |= set(data)
        defined |= names_defined(data)
    return defined


def role_reads(role):
    """{name: [file, ...]} of the names a role reads and neither it nor a role it depends on defines."""
    yaml_files, templates = role_files(role)
    reads = {}
    defined = set().union(*(role_defines(r) for r in dependencies(role)))
    defined |= set(name for name, (reader, owner) in PAIRED.items() if reader == role and name in role_defines(owner))
    for path in yaml_files:
        data = load(path)
        for name in names_read(expressions(data)):
            reads.setdefault(name, []).append(os.path.relpath(path, ROOT))
    for path in templates:
        with open(path) as handle:
            for name in names_read([handle.read()]):
                reads.setdefault(name, []).append(os.path.relpath(path, ROOT))
    return {name: files for name, files in reads.items() if name not in defined}


def playbook_reads(path):
    """Reads of a playbook, less what it defines and what the roles it lists (and theirs) define."""
    data = load(path)
    defined = names_defined(data)
    with open(path) as handle:
        listed = set(re.findall(r'alicloud_ops\.logging\.(\w+)', handle.read())) & set(ROLES)
    for role in listed:
        defined |= set().union(*(role_defines(r) for r in dependencies(role)))
    return {name: [os.path.relpath(path, ROOT)] for name in names_read(expressions(data)) if name not in defined}


def spec_options(role):
    specs = load(os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml'))['argument_specs']
    return {name for entry in specs.values() for name in (entry.get('options') or {})}


ROLES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, 'roles', '*')))
PLAYBOOKS = sorted(glob.glob(os.path.join(ROOT, 'playbooks', '*.yml')))


def all_reads():
    reads = {}
    for role in ROLES:
        for name, files in role_reads(role).items():
            reads.setdefault(name, []).extend(files)
    for path in PLAYBOOKS:
        for name, files in playbook_reads(path).items():
            reads.setdefault(name, []).extend(files)
    return {name: files for name, files in reads.items() if name not in MAGIC | INVENTORY_HOSTVARS}


def test_every_variable_read_has_an_argument_spec():
    specified = set().union(*(spec_options(role) for role in ROLES))
    unspecified = {name: files for name, files in all_reads().items() if name not in specified}
    assert not unspecified, 'read without an argument spec (add it to a role\'s meta/argument_specs.yml): %s' % (
        unspecified)


def test_every_shared_variable_is_specified_in_the_internal_role():
    shared = spec_options(INTERNAL_ROLE)
    missing = {name: files for name, files in all_reads().items()
               if name.startswith('alicloud_logging_') and name not in shared}
    assert not missing, 'shared settings belong to roles/%s/meta/argument_specs.yml: %s' % (INTERNAL_ROLE, missing)


@pytest.mark.parametrize('name', sorted(PAIRED))
def test_a_paired_read_is_defined_by_its_pair_and_read_only_by_the_role_it_names(name):
    reader, owner = PAIRED[name]
    assert name in role_defines(owner)
    others = [role for role in ROLES if role not in (reader, owner) and name in names_read(
        expressions([load(path) for path in role_files(role)[0]]))]
    assert not others, '%s is read by %s too' % (name, others)


def test_the_scan_sees_what_the_roles_read():
    """The parser finds reads in tasks, bare conditionals, role vars and templates, and skips definitions."""
    reads = all_reads()
    for name in ('alicloud_logging_project', 'alicloud_logging_logstore', 'alicloud_logging_index_fields',
                 'alicloud_logging_sls_endpoint', 'alicloud_logging_access_key_secret',
                 'alicloud_logging_manage_log_service', 'alicloud_logging_hosts', 'alicloud_logging_verify',
                 'alicloud_logging_project_region', 'rsyslog_forward_weight', 'logtail_flavor'):
        assert name in reads, name
    assert '_verify_index' not in reads and '__log_service_groups' not in reads
    assert '__internal_common_sls_options' not in reads  # internal_common's vars, seen through the dependency
    assert 'playbooks/site.yml' in reads['alicloud_logging_verify']


@pytest.mark.parametrize('template, expected', [
    ('{{ a | default(b) }}-{{ c.d }}', {'a', 'b', 'c'}),
    ('{% for x in xs %}{{ x ~ y }}{% endfor %}', {'xs', 'y'}),
    ('{{ v | alicloud_ops.logging.canary_query }}', {'v'}),
])
def test_names_read_from_a_template(template, expected):
    assert names_read([template]) == expected


def test_a_variable_without_a_spec_is_reported(tmp_path):
    """The check fails on an unspecified read: a role reading alicloud_logging_no_such_setting."""
    role = tmp_path / 'roles' / 'probe'
    (role / 'tasks').mkdir(parents=True)
    (role / 'meta').mkdir()
    (role / 'tasks' / 'main.yml').write_text(
        '- name: Probe\n  ansible.builtin.debug:\n    msg: "{{ alicloud_logging_no_such_setting }}"\n'
        '  when: probe_switch | bool\n')
    (role / 'meta' / 'argument_specs.yml').write_text(
        'argument_specs:\n  main:\n    options:\n      probe_switch: {type: bool}\n')
    globals_before = (globals()['ROOT'], globals()['ROLES'], globals()['PLAYBOOKS'])
    try:
        globals()['ROOT'], globals()['ROLES'], globals()['PLAYBOOKS'] = str(tmp_path), ['probe'], []
        with pytest.raises(AssertionError, match='alicloud_logging_no_such_setting'):
            test_every_variable_read_has_an_argument_spec()
        assert 'probe_switch' not in {n for n in all_reads() if n not in spec_options('probe')}
    finally:
        globals()['ROOT'], globals()['ROLES'], globals()['PLAYBOOKS'] = globals_before
