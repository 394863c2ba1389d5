"""The built tarball alone runs the collection's playbooks: `ansible-playbook alicloud_ops.logging.site` and
`alicloud_ops.logging.verify`, against the emulator (ECS inventory and Log Service).

What it covers: `ansible-galaxy collection build` of this repo, then `ansible-galaxy collection install` of the
tarball into a temp dir; every later command runs from another temp dir, with ANSIBLE_COLLECTIONS_PATH set to that
install alone, an empty ansible.cfg and no repo path on PYTHONPATH, so the playbooks, roles (log_service, verify,
internal_common), filters, module_utils, sls_* modules and the alicloud_ecs inventory plugin all come from the
artifact. The inventory is the artifact-independent emulator example (inventories/emulator/alicloud_ecs.yml), read by
the installed plugin. The site playbook's controller play creates the Log Service side (checked in the emulator's
state); its host plays and the verify playbook's canary play run on the pattern alicloud_logging_hosts, here a
group with no host, because the emulator's instances are not reachable machines: the verify playbook's index and
search plays run for real (index read and waited for, one search), but with no canary to find. The same artifact
converging the demo's container fleet and finding every canary: tests/integration/test_demo.py.
"""
import os
import shutil

import pytest

from tests.support import artifact
from tests.support.playbook_runner import REPO_ROOT, VENV_BIN
from tools.alicloud_emulator import DEFAULT_ACCESS_KEYS, start_emulator

# A group of the inventory with no host in it (the emulator's instances are not reachable machines).
NO_HOSTS = 'canaries'


@pytest.fixture
def emulator():
    emu = start_emulator(access_keys=dict(DEFAULT_ACCESS_KEYS), instances=4, regions=2, index_delay=0)
    yield emu
    emu.stop()


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """The artifact, built and installed into a directory of its own."""
    return artifact.build_and_install(tmp_path_factory.mktemp('artifact'))


def run(installed, workdir, emu, *args):
    return artifact.run(installed, workdir, args, env={
        'ALICLOUD_ECS_ENDPOINT': emu.url, 'ALICLOUD_SLS_ENDPOINT': emu.endpoint,
        'ALIBABA_CLOUD_ACCESS_KEY_ID': 'emulator-access-key-id',
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'emulator-access-key-secret'})


def test_site_and_verify_from_the_tarball_alone(installed, emulator, tmp_path):
    workdir = artifact.workdir(tmp_path / 'elsewhere')
    # The controller, as the one canary host of the verify run; `nobody` for site's host plays.
    (workdir / 'inventory' / 'hosts').write_text(
        'localhost ansible_connection=local\n[canaries]\nlocalhost\n[nobody]\n')
    shutil.copy(os.path.join(REPO_ROOT, 'inventories', 'emulator', 'alicloud_ecs.yml'), str(workdir / 'inventory'))
    settings = ['-e', 'alicloud_logging_project=artifact-logs', '-e', 'alicloud_logging_logstore=syslog',
                '-e', 'ansible_python_interpreter=' + os.path.join(VENV_BIN, 'python'), '-e', 'alicloud_logging_index_delay=0',
                '-e', 'alicloud_logging_verify_timeout=3', '-e', 'alicloud_logging_verify_poll_interval=1']

    site = run(installed, workdir, emulator, 'alicloud_ops.logging.site', '-e', 'alicloud_logging_hosts=nobody',
               *settings)
    assert site.returncode == 0, site.stdout + site.stderr
    assert 'collections/ansible_collections/alicloud_ops/logging/roles/' not in site.stdout.replace(installed, '')
    project = emulator.sls_state()['projects']['artifact-logs']
    assert list(project['logstores']) == ['syslog'] and project['logstores']['syslog'].get('index')
    assert project['machinegroups']['alicloud-ops-logging']['appliedConfigs'] == ['alicloud-ops-logging-syslog']
    # The emulator inventory was read by the installed plugin: its instances are hosts (not reached: `nobody`).
    assert 'PLAY [Ship host logs into Log Service]' in site.stdout

    # verify: the controller writes a canary (no agent ships it here), the search runs, and the report names the
    # host with the diagnosis built from the flavour facts and the drop-in name rule the artifact carries.
    verify = run(installed, workdir, emulator, 'alicloud_ops.logging.verify', '-v', '-e',
                 'alicloud_logging_hosts=canaries', *settings)
    assert verify.returncode != 0, verify.stdout
    assert "TASK [alicloud_ops.logging.verify : Canary line through syslog]" in verify.stdout
    assert 'Canary lines never arrived from 1 host(s)' in verify.stdout and 'localhost' in verify.stdout
    # The host's facts (set_fact, shown by -v): the agent unit and the drop-in as the roles' defaults name them.
    assert '"agent": "ilogtaild.service"' in verify.stdout, verify.stdout
    assert '"dropin": "/etc/rsyslog.d/60-logtail.conf"' in verify.stdout

    # The argument specs travel with the artifact: a wrong type is refused before anything runs, naming it.
    wrong = run(installed, workdir, emulator, 'alicloud_ops.logging.verify', '-e', 'alicloud_logging_hosts=canaries',
                *settings + ['-e', 'alicloud_logging_verify_timeout=soon'])
    assert wrong.returncode != 0 and 'alicloud_logging_verify_timeout' in wrong.stdout
    assert 'Canary line through syslog' not in wrong.stdout
