"""Execution environments: what ansible-builder finds in the built collection and puts in its build context,
and what a controller or execution environment without the SDKs is told."""
import json
import os
import re
import subprocess
import sys
import tarfile

import yaml

from tests.integration.test_collection import build_artifact, run
from tests.support.playbook_runner import REPO_ROOT, VENV_BIN, ansible_env

SDKS = ('alibabacloud-cms20190101', 'alibabacloud-credentials', 'alibabacloud-ecs20140526', 'aliyun-log-python-sdk')


def read_requirements():
    with open(os.path.join(REPO_ROOT, 'requirements.txt')) as handle:
        lines = [line.split('#')[0].strip() for line in handle]
    return dict(re.match(r'^([A-Za-z0-9_.-]+)>=([0-9.]+)$', line).groups() for line in lines if line)


def test_requirements_txt_names_each_sdk_with_the_minimum_the_messages_give():
    from ansible_collections.alicloud_ops.logging.plugins.module_utils.sdk_requirements import SDKS as MINIMUMS
    assert read_requirements() == {name: spec[0] for name, spec in MINIMUMS.items()}
    assert sorted(MINIMUMS) == sorted(SDKS)


def test_ansible_builder_introspect_finds_the_sdks_in_the_installed_artifact(tmp_path):
    artifact = build_artifact(tmp_path / 'build')
    # From tmp_path: the repo's ansible.cfg would find the collection already linked in and skip the install.
    proc = subprocess.run([os.path.join(VENV_BIN, 'ansible-galaxy'), 'collection', 'install', '--force',
                           '-p', str(tmp_path / 'installed'), artifact], cwd=str(tmp_path),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stdout
    proc = run('ansible-builder', 'introspect', str(tmp_path / 'installed'))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = yaml.safe_load(proc.stdout)
    python = sorted(entry.split('#')[0].strip() for entry in found['python'])
    assert python == sorted('%s>=%s' % item for item in read_requirements().items())
    assert all('from collection alicloud_ops.logging' in entry for entry in found['python'])
    # bindep.txt declares no controller packages, and introspect reads it without complaint.
    assert found['system'] == []


def ee_context(tmp_path):
    """tools/build-ee.sh create: the tarball of galaxy.yml's version, then ansible-builder's build context."""
    context = tmp_path / 'context'
    proc = subprocess.run(['bash', os.path.join(REPO_ROOT, 'tools', 'build-ee.sh'), 'create', '--context',
                           str(context)], cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stdout
    return context


def galaxy_version():
    with open(os.path.join(REPO_ROOT, 'galaxy.yml')) as handle:
        return yaml.safe_load(handle)['version']


def test_execution_environment_build_context(tmp_path):
    # The definition names no version: galaxy.yml is the one place it is written (a bump cannot break the EE).
    with open(os.path.join(REPO_ROOT, 'execution-environment.yml')) as handle:
        definition = '\n'.join(line.split('#')[0] for line in handle)
    assert galaxy_version() not in definition and '*' not in definition
    context = ee_context(tmp_path)
    with open(str(context / 'Dockerfile')) as handle:
        dockerfile = handle.read()
    with open(str(context / '_build' / 'requirements.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    tarball = galaxy['collections'][0]['name']
    assert galaxy['collections'][0]['type'] == 'file'
    # The path the galaxy stage installs from is the file ansible-builder copied into the context, and it is
    # the collection of galaxy.yml's version.
    assert tarball.startswith('/build/')
    copied = str(context / '_build' / tarball[len('/build/'):])
    with tarfile.open(copied) as archive:
        manifest = json.load(archive.extractfile('MANIFEST.json'))
    assert manifest['collection_info']['version'] == galaxy_version()
    assert 'ansible-galaxy collection install' in dockerfile and 'COPY _build /build' in dockerfile
    # The SDKs reach the image through introspection of the installed collection, then assemble.
    assert re.search(r'introspect\.py introspect .*--write-pip=', dockerfile)
    assert 'ansible-core==2.19.14' in dockerfile


def final_stage_env(dockerfile):
    """The ENV lines of the image's last stage (the one ansible-runner and AWX run)."""
    final = dockerfile[dockerfile.rindex('\nFROM '):]
    env = {}
    for line in final.splitlines():
        if line.startswith('ENV '):
            name, _, value = line[4:].partition('=')
            env[name.strip()] = value.strip()
    return env


def collection_file(project, env):
    """Where ansible-doc, run as a job in the project dir (its ansible.cfg read from the cwd), finds a module."""
    clean = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
    clean.update(env, HOME=str(project.parent / 'home'), PATH=VENV_BIN + os.pathsep + os.environ['PATH'])
    proc = subprocess.run([os.path.join(VENV_BIN, 'ansible-doc'), '-t', 'module', '--json',
                           'alicloud_ops.logging.sls_project'], cwd=str(project), env=clean,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return os.path.realpath(json.loads(proc.stdout)['alicloud_ops.logging.sls_project']['doc']['filename'])


def test_in_the_execution_environment_the_installed_collection_is_used_not_the_projects_checkout(tmp_path):
    """The EE's layout without a container: the collection installed where the galaxy stage installs it
    (/usr/share/ansible/collections, here under a temp root), a project dir with the repo's ansible.cfg
    (collections_path = ./collections first) and even the link to its own working tree that make setup makes in
    a working copy (a clone has none), and the environment the image's final stage sets (its ENV lines, with
    /usr/share/ansible mapped to the temp root). test_runner_readme.py runs site.yml in such a layout."""
    context = ee_context(tmp_path)
    with open(str(context / 'Dockerfile')) as handle:
        image_env = final_stage_env(handle.read())
    assert image_env.get('ANSIBLE_COLLECTIONS_PATH') == '/usr/share/ansible/collections'
    root = tmp_path / 'ee'
    installed = root / 'usr' / 'share' / 'ansible' / 'collections'
    proc = subprocess.run([os.path.join(VENV_BIN, 'ansible-galaxy'), 'collection', 'install', '-p', str(installed),
                           str(context / '_build' / 'collections' / 'alicloud_ops-logging.tar.gz')],
                          cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stdout
    project = tmp_path / 'runner' / 'project'
    link = project / 'collections' / 'ansible_collections' / 'alicloud_ops'
    link.mkdir(parents=True)
    os.symlink(REPO_ROOT, str(link / 'logging'))
    with open(os.path.join(REPO_ROOT, 'ansible.cfg')) as handle:
        (project / 'ansible.cfg').write_text(handle.read())
    simulated = dict((name, value.replace('/usr/share/ansible', str(root / 'usr' / 'share' / 'ansible')))
                     for name, value in image_env.items())
    used = collection_file(project, simulated)
    assert used.startswith(str(installed.resolve()) + os.sep), used
    # Without the image's environment the project's ansible.cfg would pick the checkout (what the ENV fixes).
    assert collection_file(project, {}).startswith(os.path.realpath(REPO_ROOT) + os.sep)


def shadow_sdk(tmp_path, module):
    """A directory for PYTHONPATH in which importing ``module`` fails as if its package were not installed."""
    top = module.split('.')[0]
    package = tmp_path / 'shadow' / top
    package.mkdir(parents=True)
    (package / '__init__.py').write_text("raise ImportError(\"No module named '%s'\")\n" % module)
    return str(tmp_path / 'shadow')


def test_inventory_without_the_ecs_sdk_names_the_package_and_the_install_command(tmp_path):
    source = tmp_path / 'demo.alicloud_ecs.yml'
    source.write_text('plugin: alicloud_ops.logging.alicloud_ecs\nregions: [cn-hangzhou]\n'
                      'access_key_id: AKIDEXAMPLE\naccess_key_secret: never-used\n')
    env = {'PYTHONPATH': shadow_sdk(tmp_path, 'alibabacloud_ecs20140526')}
    proc = run_with_env(env, 'ansible-inventory', '-i', str(source), '--list')
    assert proc.returncode != 0
    output = ' '.join((proc.stdout + proc.stderr).split())
    assert 'alibabacloud-ecs20140526 are not installed for the controller' in output, output
    assert "-m pip install 'alibabacloud-ecs20140526>=7.11.8'" in output, output
    assert 'never-used' not in output


def test_sls_module_without_the_sdk_names_the_package_and_the_install_command(tmp_path):
    env = {'PYTHONPATH': shadow_sdk(tmp_path, 'aliyun.log')}
    proc = run_with_env(env, 'ansible', 'localhost', '-c', 'local', '-m', 'alicloud_ops.logging.sls_project',
                        '-e', 'ansible_python_interpreter=%s' % sys.executable,
                        '-a', 'name=demo-project region=cn-hangzhou access_key_id=AKIDEXAMPLE access_key_secret=x')
    assert proc.returncode != 0
    output = ' '.join(proc.stdout.split())
    assert 'Failed to import the required Python library (aliyun-log-python-sdk)' in output, output
    assert "%s -m pip install 'aliyun-log-python-sdk>=0.9.52'" % sys.executable in output, output


def run_with_env(extra, *argv):
    env = dict(os.environ, **ansible_env(extra))
    return subprocess.run([os.path.join(VENV_BIN, argv[0])] + list(argv[1:]), cwd=REPO_ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
