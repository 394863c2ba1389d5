"""The collection as a user receives it: docs render, code runs on old targets, roles' specs match defaults."""
import ast
import glob
import json
import os
import re
import subprocess
import tarfile

import pytest
import yaml

from tests.support.playbook_runner import REPO_ROOT, VENV_BIN, ansible_env

MODULES = sorted(os.path.splitext(os.path.basename(p))[0]
                 for p in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py'))
                 if not p.endswith('__init__.py'))
ROLES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(REPO_ROOT, 'roles', '*')))
# Code that runs on managed hosts must parse as Python 3.6.
TARGET_CODE = sorted(glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py'))
                     + glob.glob(os.path.join(REPO_ROOT, 'plugins', 'module_utils', '*.py')))


def run(*argv):
    env = dict(os.environ, **ansible_env())
    return subprocess.run([os.path.join(VENV_BIN, argv[0])] + list(argv[1:]), cwd=REPO_ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)


def test_every_expected_module_exists():
    assert set(MODULES) >= {'rsyslog_dropin', 'logtail_agent', 'logtail_config', 'systemd_unit', 'sls_project',
                            'sls_logstore', 'sls_machine_group', 'sls_logtail_config'}


def test_module_docs_declare_full_check_and_diff_support():
    proc = run('ansible-doc', '--json', *['alicloud_ops.logging.%s' % m for m in MODULES])
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)
    assert sorted(docs) == sorted('alicloud_ops.logging.%s' % m for m in MODULES)
    for name, entry in docs.items():
        doc = entry['doc']
        assert doc['attributes']['check_mode']['support'] == 'full', name
        # N/A only for read-only modules (sls_log_search, sls_machine_group_info), which have nothing to diff.
        assert doc['attributes']['diff_mode']['support'] in ('full', 'N/A'), name
        assert entry['examples'].strip(), name + ' has no EXAMPLES'
        assert entry['return'], name + ' has no RETURN'
        for option, spec in doc['options'].items():
            assert spec.get('description'), '%s option %s is undocumented' % (name, option)


def test_inventory_plugin_doc_renders():
    proc = run('ansible-doc', '--json', '-t', 'inventory', 'alicloud_ops.logging.alicloud_ecs')
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)['alicloud_ops.logging.alicloud_ecs']['doc']
    for option in ('regions', 'filters', 'hostnames', 'endpoint_url', 'strict_permissions', 'compose',
                   'keyed_groups', 'cache'):
        assert option in doc['options'], option


@pytest.mark.parametrize('path', TARGET_CODE, ids=lambda p: os.path.relpath(p, REPO_ROOT))
def test_target_code_parses_as_python36(path):
    with open(path) as handle:
        source = handle.read()
    ast.parse(source, filename=path, feature_version=(3, 6))
    assert 'from __future__ import annotations' not in source


@pytest.mark.parametrize('role', ROLES)
def test_role_argument_specs_match_defaults(role):
    with open(os.path.join(REPO_ROOT, 'roles', role, 'meta', 'argument_specs.yml')) as handle:
        entry_points = yaml.safe_load(handle)['argument_specs']
    # A role without a main entry point (verify: canary, search) documents its defaults in its entry points.
    options = {}
    for entry_point in entry_points.values():
        for name, spec in entry_point['options'].items():
            assert options.get(name, spec) == spec, '%s: %s is described differently per entry point' % (role, name)
            options[name] = spec
    with open(os.path.join(REPO_ROOT, 'roles', role, 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    assert isinstance(defaults, dict), '%s: defaults/main.yml is not a mapping' % role
    for name, value in defaults.items():
        assert name in options, '%s: default %s is not in argument_specs' % (role, name)
        if isinstance(value, str) and '{{' in value:
            # A templated default cannot be an argument_spec default (it would be checked as a literal).
            assert 'default' not in options[name], '%s: %s' % (role, name)
        else:
            assert options[name].get('default') == value, '%s: %s default differs from argument_specs' % (role, name)
        assert options[name].get('description'), '%s: %s is undocumented' % (role, name)


# What a user installing the collection receives: the collection, never the project that develops it.
ARTIFACT_DIRS = ('meta/', 'plugins/', 'roles/', 'playbooks/', 'docs/', 'changelogs/')
ARTIFACT_FILES = {'MANIFEST.json', 'FILES.json', 'README.md', 'LICENSE', 'CHANGELOG.rst',
                  'requirements.txt', 'bindep.txt'}


def build_artifact(output_dir):
    proc = run('ansible-galaxy', 'collection', 'build', '--output-path', str(output_dir), REPO_ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    artifact = glob.glob(os.path.join(str(output_dir), 'alicloud_ops-logging-*.tar.gz'))
    assert len(artifact) == 1
    return artifact[0]


def test_artifact_holds_the_collection_alone(tmp_path):
    with tarfile.open(build_artifact(tmp_path)) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    files = [m.name for m in members if m.isfile()]
    strays = [n for n in files if n not in ARTIFACT_FILES and not n.startswith(ARTIFACT_DIRS)]
    assert not strays, 'project files in the collection artifact (add them to build_ignore): %s' % strays
    assert not [n for n in names if '__pycache__' in n or n.endswith('.pyc')]
    assert not [n for n in names if n.startswith('changelogs/fragments')], 'changelog fragments are the repo'"'"'s, not the artifact'"'"'s'
    assert ARTIFACT_FILES <= set(files), 'missing from the artifact: %s' % sorted(ARTIFACT_FILES - set(files))
    for module in MODULES:
        assert 'plugins/modules/%s.py' % module in files
    assert 'plugins/inventory/alicloud_ecs.py' in files
    assert 'roles/logtail/meta/argument_specs.yml' in files
    # The collection's playbooks (ansible-playbook alicloud_ops.logging.<name>), and its roles.
    for name in ('site', 'log_service', 'verify', 'decommission', 'refresh_inventory', 'bake_image'):
        assert 'playbooks/%s.yml' % name in files, name
    for role in ('internal_common', 'log_service', 'verify'):
        assert 'roles/%s/meta/argument_specs.yml' % role in files, role
    assert 'site.yml' not in files, "the repo's site.yml is the project's entry, not the collection's"
    assert 'meta/execution-environment.yml' in files


def commands_looked_up(module):
    """Commands a module finds with get_bin_path, in its own code and the module_utils it imports."""
    paths = [os.path.join(REPO_ROOT, 'plugins', 'modules', module + '.py')]
    with open(paths[0]) as handle:
        source = handle.read()
    for util in re.findall(r'plugins\.module_utils\.(\w+) import', source):
        paths.append(os.path.join(REPO_ROOT, 'plugins', 'module_utils', util + '.py'))
    found = set()
    for path in paths:
        with open(path) as handle:
            found.update(re.findall(r"get_bin_path\(\s*'([\w.-]+)'", handle.read()))
    return found


def source_documentation(module):
    """The module's DOCUMENTATION as written (ansible-doc drops extends_documentation_fragment once merged)."""
    with open(os.path.join(REPO_ROOT, 'plugins', 'modules', module + '.py')) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ['DOCUMENTATION']:
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no DOCUMENTATION' % module)


def test_every_module_uses_the_attributes_fragment_and_lists_the_commands_it_calls():
    proc = run('ansible-doc', '--json', *['alicloud_ops.logging.%s' % m for m in MODULES])
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)
    for module in MODULES:
        doc = docs['alicloud_ops.logging.%s' % module]['doc']
        assert 'alicloud_ops.logging.attributes' in source_documentation(module)['extends_documentation_fragment'], module
        for name, attribute in doc['attributes'].items():
            assert attribute.get('description') and attribute.get('support'), '%s: attribute %s' % (module, name)
        assert doc['attributes']['platform']['platforms'], module
        assert doc['version_added'] == '0.1.0', module
        requirements = ' '.join(doc.get('requirements', []))
        for command in commands_looked_up(module) & {'rsyslogd', 'systemctl', 'systemd-analyze'}:
            assert 'C(%s)' % command in requirements, '%s calls %s; list it under requirements' % (module, command)
    assert commands_looked_up('systemd_unit') >= {'systemctl', 'systemd-analyze'}
    assert 'rsyslogd' in commands_looked_up('rsyslog_dropin')
