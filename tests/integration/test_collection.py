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
                            'sls_logstore', 'sls_machine_group', 'sls_logtail_config', 'cms_contact_group',
                            'cms_monitor_group', 'cms_metric_rule'}


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
    for name in ('site', 'log_service', 'verify', 'alarms', 'decommission', 'refresh_inventory', 'bake_image'):
        assert 'playbooks/%s.yml' % name in files, name
    for role in ('internal_common', 'log_service', 'verify', 'alarms'):
        assert 'roles/%s/meta/argument_specs.yml' % role in files, role
    assert 'site.yml' not in files, "the repo's site.yml is the project's entry, not the collection's"
    assert 'meta/execution-environment.yml' in files


def commands_looked_up(module):
    """Commands a module finds with get_bin_path, in its own code and the module_utils it imports (and those import,
    and so on: the host modules' code is in module_utils/_modules)."""
    paths = [os.path.join(REPO_ROOT, 'plugins', 'modules', module + '.py')]
    found = set()
    for path in paths:
        with open(path) as handle:
            source = handle.read()
        found.update(re.findall(r"get_bin_path\(\s*'([\w.-]+)'", source))
        names = re.findall(r'plugins\.module_utils\.([\w.]+) import', source)
        for package, listed in re.findall(r'plugins\.module_utils((?:\.\w+)*) import \(?([\w, \n]+)\)?', source):
            names += [package.lstrip('.') + '.' + name.strip() if package else name.strip()
                      for name in listed.split(',') if name.strip()]
        for name in names:
            util = os.path.join(REPO_ROOT, 'plugins', 'module_utils', *name.split('.')) + '.py'
            if os.path.exists(util) and util not in paths:
                paths.append(util)
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


# The collection as the ecosystem takes it (issue 21): Galaxy's importer, antsibull-docs' linter and docs site.
@pytest.fixture(scope='module')
def artifact(tmp_path_factory):
    return build_artifact(tmp_path_factory.mktemp('artifact'))


@pytest.fixture(scope='module')
def installed_collection(artifact, tmp_path_factory):
    """The artifact unpacked where ansible finds it: (collections root, collection dir)."""
    root = tmp_path_factory.mktemp('collections')
    dest = root / 'ansible_collections' / 'alicloud_ops' / 'logging'
    dest.mkdir(parents=True)
    with tarfile.open(artifact) as tar:
        tar.extractall(str(dest))
    return str(root), str(dest)


def tool_env(**extra):
    """The venv's tools first on PATH, and none of the repo's ansible.cfg or collections path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('ANSIBLE_')}
    env.update(PATH=VENV_BIN + os.pathsep + os.environ.get('PATH', ''), ANSIBLE_NOCOLOR='1', **extra)
    return env


# galaxy-importer's flake8 also reads the filters' sidecar docs (plugins/filter/<name>.yml, which ansible-doc
# reports as the filters' files) as Python: a syntax error per file, the importer's limitation, not the content's.
IMPORTER_KNOWN_WARNINGS = re.compile(r'^WARNING: plugins/filter/\w+\.yml:\d+:\d+: E999 SyntaxError: ')


def test_galaxy_importer_accepts_the_artifact(artifact, tmp_path):
    proc = subprocess.run([os.path.join(VENV_BIN, 'python'), '-m', 'galaxy_importer.main', artifact],
                          cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=600, env=tool_env(GALAXY_IMPORTER_CONFIG=os.path.join(
                              REPO_ROOT, 'tests', 'integration', 'galaxy-importer.cfg')))
    print(proc.stdout[-3000:])
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert 'Importer processing completed successfully' in proc.stdout
    lines = proc.stdout.splitlines()
    assert not [l for l in lines if l.startswith('ERROR')], proc.stdout[-5000:]
    warnings = [l for l in lines if l.startswith('WARNING') and not IMPORTER_KNOWN_WARNINGS.match(l)]
    assert not warnings, '\n'.join(warnings)
    # Every role was loaded with its README (the importer stops at the first role without one).
    for role in ROLES:
        assert 'Loading role %s' % role in proc.stdout, role


def test_antsibull_docs_lint_is_clean(installed_collection):
    root, collection = installed_collection
    proc = subprocess.run([os.path.join(VENV_BIN, 'antsibull-docs'), 'lint-collection-docs', '--plugin-docs',
                           '--check-extra-docs-refs', '.'], cwd=collection, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=600,
                          env=tool_env(ANSIBLE_COLLECTIONS_PATH=root))
    assert proc.returncode == 0, proc.stdout
    assert not proc.stdout.strip(), proc.stdout


def test_docs_site_builds_with_module_and_role_pages(tmp_path):
    proc = subprocess.run(['bash', os.path.join(REPO_ROOT, 'tools', 'build-docs.sh'), str(tmp_path)], cwd=REPO_ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=600,
                          env=tool_env())
    assert proc.returncode == 0, proc.stdout[-5000:]
    html = os.path.join(str(tmp_path), 'site', 'build', 'html', 'collections', 'alicloud_ops', 'logging')
    pages = set(os.listdir(html))
    for module in MODULES:
        assert '%s_module.html' % module in pages, module
    for role in ROLES:
        assert '%s_role.html' % role in pages, role
    assert 'alicloud_ecs_inventory.html' in pages
    guides = {os.path.splitext(p)[0] for p in os.listdir(os.path.join(html, 'docsite'))}
    assert {'guide_inventory', 'guide_log_service', 'guide_bake_images', 'guide_credentials', 'guide_emulator'} <= guides
