"""site.yml's network preflight (alicloud_logging_preflight), run through ansible-runner on localhost against a
listening and a refused port on 127.0.0.1. Only the preflight tag runs, so nothing is installed."""
import os
import socket

import pytest

from tests.support.playbook_runner import REPO_ROOT, run_playbook

SITE = os.path.join(REPO_ROOT, 'site.yml')
ON = {'alicloud_logging_preflight': True, 'alicloud_logging_preflight_timeout': 2,
      'alicloud_logging_hosts': 'localhost'}


@pytest.fixture
def listening_port():
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def refused_port():
    # Bound but not listening: connections are refused, and no other process can take the port meanwhile.
    holder = socket.socket()
    holder.bind(('127.0.0.1', 0))
    yield holder.getsockname()[1]
    holder.close()


def preflight(tmp_path, **extravars):
    return run_playbook(tmp_path, SITE, extravars=dict(ON, **extravars), cmdline='--tags preflight')


def reached(result):
    return [name for name, _ in result.task_results() if name == 'Log Service endpoint accepts TCP from this host']


def test_a_listening_endpoint_passes(tmp_path, listening_port):
    result = preflight(tmp_path, alicloud_logging_sls_endpoint='http://127.0.0.1:%d' % listening_port)
    assert result.rc == 0 and result.failed == 0, result.stdout
    assert reached(result)


def test_a_refused_port_fails_naming_endpoint_port_and_rule(tmp_path, refused_port):
    result = preflight(tmp_path, alicloud_logging_sls_endpoint='127.0.0.1:%d' % refused_port)
    assert result.rc != 0
    # The wait_for failure is rescued; the failure that ends the run is the named message.
    name, res = result.task_results('runner_on_failed')[-1]
    assert name.startswith('Endpoint unreachable')
    assert 'Log Service endpoint 127.0.0.1 port %d' % refused_port in res['msg']
    assert 'allow egress TCP %d to 127.0.0.1' % refused_port in res['msg'] and 'security group' in res['msg']


def test_off_by_default(tmp_path, refused_port):
    result = run_playbook(tmp_path, SITE, cmdline='--tags preflight', extravars={
        'alicloud_logging_hosts': 'localhost', 'alicloud_logging_sls_endpoint': '127.0.0.1:%d' % refused_port})
    assert result.rc == 0 and result.failed == 0, result.stdout
    assert not reached(result)
