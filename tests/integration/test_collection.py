"""The collection as a user receives it: docs render, code runs on old targets, roles' specs match defaults."""
import ast
import glob
import json
import os
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
        options = yaml.safe_load(handle)['argument_specs']['main']['options']
    with open(os.path.join(REPO_ROOT, 'roles', role, 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    for name, value in defaults.items():
        assert name in options, '%s: default %s is not in argument_specs' % (role, name)
        if isinstance(value, str) and '{{' in value:
            # A templated default cannot be an argument_spec default (it would be checked as a literal).
            assert 'default' not in options[name], '%s: %s' % (role, name)
        else:
            assert options[name].get('default') == value, '%s: %s default differs from argument_specs' % (role, name)
        assert options[name].get('description'), '%s: %s is undocumented' % (role, name)


def test_collection_builds_without_project_files(tmp_path):
    proc = run('ansible-galaxy', 'collection', 'build', '--output-path', str(tmp_path), REPO_ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    artifact = glob.glob(str(tmp_path / 'alicloud_ops-logging-*.tar.gz'))
    assert len(artifact) == 1
    with tarfile.open(artifact[0]) as tar:
        names = tar.getnames()
    for module in MODULES:
        assert 'plugins/modules/%s.py' % module in names
    assert 'plugins/inventory/alicloud_ecs.py' in names
    assert 'roles/logtail/meta/argument_specs.yml' in names
    assert not [n for n in names if n.startswith(('collections/', '.venv/', '.git/')) or '__pycache__' in n]
