"""rsyslog_dropin through ansible-runner on localhost: idempotence, check mode, --diff output."""
import os

import pytest

from tests.support.playbook_runner import run_playbook


def play(root):
    return [{
        'hosts': 'localhost', 'gather_facts': False,
        'tasks': [
            {'name': 'Forward to Logtail', 'alicloud_ops.logging.rsyslog_dropin': {
                'name': 'logtail-forward', 'weight': 60, 'dropin_dir': '%s/rsyslog.d' % root,
                'main_config': '%s/rsyslog.conf' % root,
                'forward': {'sys_tag': 'playbook_tag', 'queue': {'spool_directory': '%s/spool' % root}}}},
            {'name': 'Drop noise', 'alicloud_ops.logging.rsyslog_dropin': {
                'name': 'noise', 'weight': 10, 'dropin_dir': '%s/rsyslog.d' % root,
                'main_config': '%s/rsyslog.conf' % root,
                'content': ':programname, isequal, "noisy" stop\n'}},
        ],
    }]


@pytest.fixture
def make_root(tmp_path):
    def make(name):
        root = tmp_path / name
        (root / 'work').mkdir(parents=True)
        (root / 'rsyslog.conf').write_text('global(workDirectory="%s/work")\n$IncludeConfig %s/rsyslog.d/*.conf\n'
                                           '*.* %s/all.log\n' % (root, root, root))
        return root
    return make


def snapshot(root):
    out = {}
    for dirpath, _, files in os.walk(str(root)):
        for name in files:
            with open(os.path.join(dirpath, name), 'rb') as handle:
                out[os.path.join(dirpath, name)] = handle.read()
        out[dirpath] = 'dir'
    return out


def test_first_run_changes_second_run_does_not(tmp_path, make_root):
    root = make_root('real')
    first = run_playbook(tmp_path, play(root))
    assert first.rc == 0 and first.failed == 0, first.stdout
    assert first.changed == 2
    assert (root / 'rsyslog.d' / '60-logtail-forward.conf').read_text().count('0.1 playbook_tag ') == 1
    assert (root / 'spool').is_dir()
    second = run_playbook(tmp_path, play(root))
    assert second.rc == 0 and second.changed == 0, second.stdout


def test_check_mode_reports_the_real_runs_changes_and_writes_nothing(tmp_path, make_root):
    fresh = make_root('check')
    before = snapshot(fresh)
    checked = run_playbook(tmp_path, play(fresh), check=True, diff=True)
    assert checked.rc == 0 and checked.failed == 0, checked.stdout
    assert snapshot(fresh) == before
    assert 'queue.saveOnShutdown="on"' in checked.stdout
    assert '+           action.resumeRetryCount="-1")' in checked.stdout
    assert '+:programname, isequal, "noisy" stop' in checked.stdout
    real = run_playbook(tmp_path, play(make_root('real')))
    assert checked.changed == real.changed == 2
    validated = [res.get('validated') for task, res in checked.task_results()]
    assert validated == [True, True]
