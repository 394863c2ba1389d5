"""playbooks/bake_image.yml (bake mode of the logtail and rsyslog_forward roles) against a temp system root.

The same bed as test_roles_playbook.py: alicloud_logging_root points every path into the tree, the stand-in
installer honours LOGTAIL_STANDIN_ROOT (test-only), systemd is not PID 1, so the unit is enabled offline.
logtail_agent starts the installed agent (only a running agent reports its version); bake mode must stop it
and leave none of what it wrote.
"""
import os
import socket

import pytest
import yaml

from tests.integration.test_roles_playbook import Bed, rsyslog_config_valid
from tests.logtail_standin import server as standin_server
from tests.logtail_standin.fixtures import processes_under
from tests.support.playbook_runner import REPO_ROOT

BAKE = os.path.join(REPO_ROOT, 'playbooks', 'bake_image.yml')
# The stand-in's receipt files join the role's list of runtime state, as in the Packer test.
with open(os.path.join(REPO_ROOT, 'tests', 'integration', 'files', 'bake_standin_vars.yml')) as _handle:
    STATE_PATTERNS = yaml.safe_load(_handle)['logtail_bake_state_patterns']
BUILD_MACHINE_ID = '0123456789abcdef0123456789abcdef\n'


@pytest.fixture
def bed(tmp_path):
    b = Bed(tmp_path)
    b.extravars['logtail_bake_state_patterns'] = STATE_PATTERNS
    yield b
    b.close()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as handle:
        handle.write(text)


def test_bake_leaves_an_enabled_stopped_agent_and_no_instance_state(bed):
    write(bed.path('/etc/machine-id'), BUILD_MACHINE_ID)
    write(bed.path('/var/lib/dbus/machine-id'), BUILD_MACHINE_ID)  # a copy, not Debian's link
    write(bed.path('/var/lib/systemd/random-seed'), 'seed')
    write(bed.path('/var/spool/rsyslog/fwdRule1.00000001'), 'a line queued on the build host\n')
    write(bed.path('/var/spool/rsyslog/other.qi'), 'not ours\n')
    # The agent's file checkpoints from collecting on the build host: Logtail keeps them outside its install dir.
    write(bed.path('/tmp/logtail_check_point'), '{"check_point": {}}')

    baked = bed.run(BAKE)
    assert baked.rc == 0, baked.stdout
    assert not processes_under(bed.path('/usr/local/ilogtail')), 'bake mode left the agent running'
    home = sorted(os.listdir(bed.path('/usr/local/ilogtail')))
    # What the (stand-in) package installs stays: the agent, its config and, for the stand-in, its modules.
    # Everything the running agent wrote (app_info.json, logs, pid, checkpoints, spool) is gone.
    assert home == sorted(['ilogtail', 'ilogtail_config.json'] + list(standin_server.MODULES)), home
    assert open(bed.path('/etc/ilogtail/user_defined_id')).read().split() == ['alicloud-ops-logging']
    wants = bed.path('/etc/systemd/system/multi-user.target.wants/ilogtaild.service')
    assert os.readlink(wants) == '/etc/systemd/system/ilogtaild.service'
    dropin = open(bed.path('/etc/systemd/system/ilogtaild.service.d/50-alicloud-ops-supervise.conf')).read()
    assert 'After=network-online.target\nAfter=cloud-init.service\n' in dropin
    assert rsyslog_config_valid(bed)[0]
    assert os.listdir(bed.path('/var/spool/rsyslog')) == ['other.qi']
    assert open(bed.path('/etc/machine-id')).read() == ''
    for gone in ('/var/lib/dbus/machine-id', '/var/lib/systemd/random-seed', '/tmp/logtail_check_point'):
        assert not os.path.lexists(bed.path(gone)), gone
    # Both handlers were notified and neither ran: no restart of the agent or of rsyslog in an image.
    handlers = [name for name, res in baked.task_results('runner_on_skipped')
                if name in ('Restart logtail', 'Restart rsyslog')]
    assert sorted(handlers) == ['Restart logtail', 'Restart rsyslog']


@pytest.mark.parametrize('ids_from', ['hostname', 'inventory_hostname'])
def test_bake_refuses_an_id_of_the_build_host(bed, ids_from):
    own = socket.gethostname() if ids_from == 'hostname' else 'localhost-bake'
    inventory = bed.tmp / 'hosts.yml'
    inventory.write_text('all:\n  hosts:\n    localhost-bake:\n      ansible_connection: local\n'
                         '      ansible_python_interpreter: "{{ ansible_playbook_python }}"\n')
    bed.extravars['alicloud_logging_user_defined_ids'] = ['group-web', own]
    refused = bed.run(BAKE, inventory=str(inventory))
    assert refused.rc != 0
    assert 'alicloud_logging_user_defined_ids' in refused.stdout and own in refused.stdout
    assert not os.path.exists(bed.path('/usr/local/ilogtail')), 'nothing may be installed after the refusal'


def test_bake_with_the_journal_input_leaves_no_journal_cursor(bed):
    """rsyslog_forward_journal_input in an image: both drop-ins go in, the build host's place in its own
    journal (imjournal's state file) does not, and neither rsyslog nor journald is restarted."""
    bed.extravars['rsyslog_forward_journal_input'] = True
    write(bed.path('/var/spool/rsyslog/imjournal.state'), 's=0123;i=4;b=5;m=6;t=7;x=8\n')
    baked = bed.run(BAKE)
    assert baked.rc == 0, baked.stdout
    assert not os.path.exists(bed.path('/var/spool/rsyslog/imjournal.state'))
    # An instance's first boot reads its own journal from the start (no state file yet).
    assert 'IgnorePreviousMessages="off"' in open(bed.path('/etc/rsyslog.d/05-logtail-journal.conf')).read()
    assert 'ForwardToSyslog=no' in open(bed.path('/etc/systemd/journald.conf.d/60-alicloud-ops-logging.conf')).read()
    assert rsyslog_config_valid(bed)[0]
    skipped = sorted(name for name, res in baked.task_results('runner_on_skipped')
                     if name in ('Restart rsyslog', 'Restart journald'))
    assert skipped == ['Restart journald', 'Restart rsyslog']
