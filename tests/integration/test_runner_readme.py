"""The documented ansible-runner commands, run as written: extracted from
docs/docsite/rst/guide_execution_environments.rst, so they cannot drift.

The block makes the private data directory (env/ with the CLI config holding the profile the production example
names, project/ a clone of this repo) and runs site.yml with -i inventories/production in the execution
environment image. Only what cannot exist here is swapped: the directory is a temp one instead of
/srv/alicloud-logging, ~/.aliyun/config.json is a temp HOME's with the emulator's key (and the emulator's endpoints
are added to env/envvars), and `docker` on the PATH is a stand-in container engine that runs the
image's command on this machine the way the image would: the paths ansible-runner mounts (/runner) mapped to the
private data directory, the env file ansible-runner writes, and the image's environment from
execution-environment.yml (ANSIBLE_COLLECTIONS_PATH at the collection installed from the built tarball). The
image name must be the one tools/build-ee.sh tags (galaxy.yml's version).

The hosts of the emulator's fleet cannot be reached from here, so env/extravars sets alicloud_logging_hosts to
match none of them: the run is site.yml's Log Service play, for real, against the emulator (its machine groups
from the inventory's keyed groups), an emulator-only run of the unchanged command.
"""
import json
import os
import re
import textwrap
import subprocess
import sys

import pytest
import yaml

from tests.support.playbook_runner import REPO_ROOT, VENV_BIN
from tools.alicloud_emulator import start_emulator

KEY_ID = 'LTAI5tRunnerReadmeKey'
KEY_SECRET = 'runner-readme-secret-never-print'

FAKE_DOCKER = r'''#!%(python)s
"""A stand-in for `docker run` as ansible-runner calls it: runs the image's command here, /runner mapped."""
import os, re, subprocess, sys

args = sys.argv[1:]
with open(os.environ['FAKE_EE_LOG'], 'a') as log:
    log.write(' '.join(args) + '\n')
if args == ['--version']:
    print('Docker version 0.0.0 (stand-in)')
    sys.exit(0)
if not args or args[0] != 'run':
    sys.exit('fake docker: only run is supported: %%r' %% args)
mounts, env, workdir, index = [], {}, None, 1
while index < len(args):
    arg = args[index]
    if arg in ('-v', '--workdir', '--env-file', '--name', '-e'):
        value = args[index + 1]
        index += 2
        if arg == '-v':
            src, dst = value.split(':')[:2]
            mounts.append((dst.rstrip('/') or '/', src.rstrip('/')))
        elif arg == '--workdir':
            workdir = value
        elif arg == '--env-file':
            with open(value) as handle:
                for line in handle.read().splitlines():
                    if line:
                        key, _, val = line.partition('=')
                        env[key] = val if _ else os.environ.get(key, '')
        elif arg == '-e':
            key, _, val = value.partition('=')
            env[key] = val
        continue
    if arg.startswith('-'):
        index += 1
        continue
    break
image, command = args[index], args[index + 1:]
if image != os.environ['FAKE_EE_IMAGE']:
    sys.exit('fake docker: Unable to find image %%r locally (built: %%r)' %% (image, os.environ['FAKE_EE_IMAGE']))
mounts.sort(key=lambda m: -len(m[0]))


def host_path(text):
    for dst, src in mounts:
        text = re.sub(r'(?<![\w./-])' + re.escape(dst) + r'(?=/|:|$)', lambda _: src, text)
    return text


image_env = dict(PATH=os.environ['FAKE_EE_PATH'], HOME=os.environ['FAKE_EE_HOME'], LANG='C.UTF-8')
image_env.update((k[len('FAKE_EE_ENV_'):], v) for k, v in os.environ.items() if k.startswith('FAKE_EE_ENV_'))
image_env.update((k, host_path(v)) for k, v in env.items())
sys.exit(subprocess.call([host_path(a) for a in command], cwd=host_path(workdir or '/runner/project'),
                         env=image_env))
'''


GUIDE = os.path.join(REPO_ROOT, 'docs', 'docsite', 'rst', 'guide_execution_environments.rst')


def readme_block():
    """The bash block that follows the execution environments guide's **ansible-runner.** paragraph."""
    with open(GUIDE) as handle:
        text = handle.read()
    start = text.index('**ansible-runner.**')
    match = re.search(r'\.\. code:: bash\n\n((?:   .*\n|\n)+)', text[start:])
    block = textwrap.dedent(match.group(1))
    assert 'ansible-runner run' in block
    return block


def galaxy_version():
    with open(os.path.join(REPO_ROOT, 'galaxy.yml')) as handle:
        return yaml.safe_load(handle)['version']


def image_environment():
    """The ENV lines execution-environment.yml adds to the image."""
    with open(os.path.join(REPO_ROOT, 'execution-environment.yml')) as handle:
        definition = yaml.safe_load(handle)
    env = {}
    for step in definition.get('additional_build_steps', {}).get('append_final', []):
        if step.startswith('ENV '):
            name, _, value = step[4:].partition('=')
            env[name.strip()] = value.strip()
    return env


def run(argv, **kwargs):
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=600, **kwargs)
    assert proc.returncode == 0, proc.stdout
    return proc


def instance(number, region, role):
    return {'InstanceId': 'i-%s%d' % (role, number), 'RegionId': region, 'ZoneId': region + '-b', 'Status': 'Running',
            'VpcAttributes': {'PrivateIpAddress': {'IpAddress': ['10.0.%d.%d' % (len(role), number)]}},
            'Tags': {'env': 'prod', 'role': role}}


@pytest.fixture
def emulator():
    # The production inventory's regions, with the app servers and the certificate manager its machine groups name.
    emu = start_emulator(access_keys={KEY_ID: KEY_SECRET}, index_delay=0, fixture={
        'regions': [{'RegionId': 'cn-hangzhou', 'LocalName': 'China (Hangzhou)'},
                    {'RegionId': 'cn-shanghai', 'LocalName': 'China (Shanghai)'}],
        'instances': [instance(1, 'cn-hangzhou', 'app'), instance(2, 'cn-hangzhou', 'app'),
                      instance(1, 'cn-shanghai', 'certman')]})
    yield emu
    emu.stop()


def test_the_readme_ansible_runner_commands_run_as_written(tmp_path, emulator):
    block = readme_block()
    # The image: the collection from the built tarball, where the galaxy stage installs it, under a temp root.
    run([os.path.join(VENV_BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path / 'build'),
         REPO_ROOT], cwd=str(tmp_path))
    tarball = str(tmp_path / 'build' / ('alicloud_ops-logging-%s.tar.gz' % galaxy_version()))
    ee_root = tmp_path / 'ee'
    run([os.path.join(VENV_BIN, 'ansible-galaxy'), 'collection', 'install', '-p',
         str(ee_root / 'usr' / 'share' / 'ansible' / 'collections'), tarball], cwd=str(tmp_path))
    image_env = image_environment()
    assert image_env == {'ANSIBLE_COLLECTIONS_PATH': '/usr/share/ansible/collections'}
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    (bin_dir / 'docker').write_text(FAKE_DOCKER % {'python': sys.executable})
    (bin_dir / 'docker').chmod(0o755)
    (tmp_path / 'ee-home').mkdir()

    private = str(tmp_path / 'srv' / 'alicloud-logging')
    endpoints = ('ALIBABA_CLOUD_ECS_ENDPOINT: %s\nALICLOUD_SLS_ENDPOINT: %s\nALIBABA_CLOUD_ECS_METADATA_DISABLED: '
                 '"true"\n' % (emulator.url, emulator.endpoint))
    script = block.replace('/srv/alicloud-logging', private).replace('<this repo>', REPO_ROOT)
    script = script.replace('ALICLOUD_SHARED_CREDENTIALS_FILE: /runner/env/aliyun-config.json\n',
                            'ALICLOUD_SHARED_CREDENTIALS_FILE: /runner/env/aliyun-config.json\n' + endpoints)
    assert emulator.url in script
    # The hosts cannot be reached from here: ansible-runner's env/extravars (next to envvars) points the host play
    # at no host, so the run is the Log Service play, for real, against the emulator.
    run_at = script.index('ansible-runner run')
    script = script[:run_at] + ("printf 'alicloud_logging_hosts: nobody\\n' > %s/env/extravars\n" % private) \
        + script[run_at:]
    # The operator's CLI config, with the profile the production example names.
    (tmp_path / 'home' / '.aliyun').mkdir(parents=True)
    (tmp_path / 'home' / '.aliyun' / 'config.json').write_text(json.dumps({'current': 'ops', 'profiles': [
        {'name': 'ops', 'mode': 'AK', 'access_key_id': KEY_ID, 'access_key_secret': KEY_SECRET}]}))
    image = 'alicloud-ops-logging-ee:%s' % galaxy_version()
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ANSIBLE_', 'ALIBABA_CLOUD_', 'ALICLOUD_')))
    env.update({
        'PATH': os.pathsep.join([str(bin_dir), VENV_BIN, os.environ['PATH']]),
        'HOME': str(tmp_path / 'home'),
        'FAKE_EE_IMAGE': image, 'FAKE_EE_LOG': str(tmp_path / 'docker.log'),
        'FAKE_EE_PATH': os.pathsep.join([VENV_BIN, '/usr/bin', '/bin']), 'FAKE_EE_HOME': str(tmp_path / 'ee-home'),
    })
    for name, value in image_env.items():
        env['FAKE_EE_ENV_' + name] = value.replace('/usr/share/ansible', str(ee_root / 'usr' / 'share' / 'ansible'))
    proc = subprocess.run(['bash', '-euo', 'pipefail', '-c', script], cwd=str(tmp_path), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=900)
    assert proc.returncode == 0, proc.stdout
    with open(str(tmp_path / 'docker.log')) as handle:
        docker_calls = handle.read()
    # The README's flags reached the engine: its image, /runner mounted, and -i from --cmdline.
    assert ' %s ansible-playbook ' % image in docker_calls, docker_calls
    assert '-i inventories/production' in docker_calls, docker_calls
    assert 'PLAY RECAP' in proc.stdout and 'failed=0' in proc.stdout, proc.stdout
    assert KEY_SECRET not in proc.stdout
    state = emulator.sls_state()
    with open(os.path.join(REPO_ROOT, 'inventories', 'production', 'group_vars', 'all.yml')) as handle:
        settings = yaml.safe_load(handle)
    project = state['projects'][settings['alicloud_logging_project']]
    assert settings['alicloud_logging_logstore'] in project['logstores']
    app = project['machinegroups'][settings['alicloud_logging_machine_groups'][0]['name']]
    assert sorted(app['machineList']) == ['10.0.3.1', '10.0.3.2']
    # The job ran the collection installed in the image: a clone has no collections/ next to site.yml (which
    # ansible-playbook would search before any configured path), and the roles ran from the installed copy.
    assert not os.path.exists(os.path.join(private, 'project', 'collections'))
    assert '/project/collections/' not in proc.stdout
