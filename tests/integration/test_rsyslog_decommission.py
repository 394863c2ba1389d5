"""Decommission and the restart handler of the rsyslog_forward role on real rsyslogd, through ansible-runner.

Each test applies the role (its main entry point) to an RsyslogBed whose rsyslogd runs as a service the role
restarts (rsyslog_forward_restart_command: tests/integration/rsyslog_service.py), with the Logtail stand-in as the
receiver. Lines are numbered; every line sent must end up delivered to the stand-in or kept (and counted) under
rsyslog_forward_undelivered_dir, exactly: a line lost, or a count that is off by one, fails the test.
"""
import json
import os
import shutil
import subprocess
import time

import pytest

from tests.integration import rsyslog_bed
from tests.integration.rsyslog_bed import RsyslogBed, read_lines, wait_for
from tests.support import playbook_runner

from ansible_collections.alicloud_ops.logging.plugins.module_utils.rsyslog_queue_state import (
    complete_passes, forward_queue_state, queue_file_kind)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.rsyslog_render import render_forward_dropin

MARKER = 'drain seq='
SYS_TAG = 'drain_test'
ROLE_PLAY = rsyslog_bed.ROLE_PLAY
DECOMMISSION_PLAY = rsyslog_bed.role_entry_play('decommission')


class RoleBed:
    """An RsyslogBed under the role: paths, the service rsyslogd, the stand-in and the play vars."""

    def __init__(self, tmp_path, **extravars):
        self.tmp = tmp_path
        self.bed = RsyslogBed(tmp_path / 'bed')
        os.makedirs(self.bed.spool_dir)
        self.logtail = rsyslog_bed.SlowReceiver(self.bed.standin_port)
        self.undelivered = str(tmp_path / 'undelivered')
        self.stats = rsyslog_bed.role_stats_file(self.bed)
        self.extravars = rsyslog_bed.role_extravars(
            self.bed, self.logtail.port, tmp_path, alicloud_logging_sys_tag=SYS_TAG,
            rsyslog_forward_drain_retries=90, rsyslog_forward_drain_delay=1)
        self.extravars.update(extravars)
        self.runs = 0

    def run(self, play):
        self.runs += 1
        private = self.tmp / ('run-%d' % self.runs)
        private.mkdir()
        return playbook_runner.run_playbook(private, play, extravars=self.extravars)

    def apply_role(self):
        result = self.run(ROLE_PLAY)
        assert result.rc == 0, result.stdout
        assert self.bed.service_pid(), 'the handler did not start rsyslogd:\n' + result.stdout
        return result

    def decommission(self):
        return self.run(DECOMMISSION_PLAY)

    def send(self, first, count):
        for start in range(first, first + count, 20000):
            self.bed.send(['<14>1 2026-12-05T10:00:00Z web-01 app 1 - - %s%d' % (MARKER, i)
                           for i in range(start, min(start + 20000, first + count))])

    def queue_state(self):
        return forward_queue_state(complete_passes(read_lines(self.stats)), 'logtail')

    def wait_queued(self, at_least, disk_at_least=0):
        """Until rsyslog's statistics show the forward queue holding that much (so every line was accepted)."""
        def enough():
            state = self.queue_state()
            return state and state['queued'] >= at_least and state['disk_queued'] >= disk_at_least and state
        return wait_for(enough, 120, 'the forward queue to hold %d lines (%d on disk)' % (at_least, disk_at_least),
                        interval=0.5)

    def delivered(self):
        out = []
        for line in read_lines(self.bed.record):
            if MARKER in line:
                out.append(int(line.rsplit(MARKER, 1)[1]))
        return out

    def queue_files(self, directory=None):
        directory = directory or self.bed.spool_dir
        return sorted(n for n in os.listdir(directory) if queue_file_kind(n, 'fwdRule1'))

    def kept(self):
        """(lines, files) of each directory decommission kept undelivered lines in."""
        if not os.path.isdir(self.undelivered):
            return []
        out = []
        for name in sorted(os.listdir(self.undelivered)):
            with open(os.path.join(self.undelivered, name, 'undelivered.json')) as handle:
                manifest = json.load(handle)
            out.append((manifest, self.queue_files(os.path.join(self.undelivered, name))))
        return out

    def start_logtail(self):
        """The stand-in behind the slow relay: Logtail is up."""
        if self.bed.standin is None:
            self.bed.start_standin()
        self.logtail.start()

    def close(self):
        self.logtail.stop()
        self.bed.close()


@pytest.fixture
def rolebed(tmp_path):
    bed = RoleBed(tmp_path)
    yield bed
    bed.close()


def assert_forward_gone(rolebed, role_stats=True):
    assert sorted(os.listdir(rolebed.bed.dropin_dir)) == []
    assert rolebed.queue_files() == [], 'queue files left in the spool'
    assert not os.path.exists(rolebed.stats) or not role_stats
    pid = rolebed.bed.service_pid()
    assert pid, 'rsyslog must keep running after decommission'
    # The running rsyslog no longer forwards: a line sent now reaches the local file only.
    rolebed.send(10 ** 7, 1)
    wait_for(lambda: any('%s%d' % (MARKER, 10 ** 7) in line for line in read_lines(rolebed.bed.accepted)), 30,
             'rsyslog to accept a line after decommission')
    time.sleep(2)
    assert 10 ** 7 not in rolebed.delivered()


def exactly_once_or_more(delivered, count):
    """Every id 1..count was delivered (duplicates allowed: rsyslog may resend a batch in flight at a restart)."""
    missing = sorted(set(range(1, count + 1)) - set(delivered))
    assert not missing, '%d lines lost, first %s' % (len(missing), missing[:10])
    assert set(delivered) <= set(range(1, count + 1)) | {10 ** 7}


def settled(read, quiet=60, timeout=240, done=lambda value: False):
    """What ``read()`` returns once ``done`` says so or it has stopped changing for ``quiet`` seconds (the relay
    may still be passing on what rsyslog has sent, or rsyslog waiting out its resume interval). ``quiet`` only
    delays a failure: under load (8 and more on two cores) rsyslog once paused 10 s after a restart between its
    memory and disk parts, and a 10 s window declared lines lost that were still queued."""
    last, since, deadline = None, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = read()
        if done(value):
            return value
        if value != last:
            last, since = value, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return value
        time.sleep(0.5)
    raise AssertionError('still changing after %d s' % timeout)


def all_delivered(rolebed, count):
    def read():
        got = rolebed.delivered()
        return got, len(set(got)) >= count
    delivered, _complete = settled(read, done=lambda value: value[1])
    exactly_once_or_more(delivered, count)


def test_backlog_in_memory_is_delivered_before_the_forward_goes(rolebed):
    """Issue 19's first case: Logtail just came back and the backlog is still in memory, with no spool file yet.
    (85,000 lines: more than the kernel's socket buffers take off rsyslog's hands at once, under the high
    watermark of the role's 100,000-line queue.)"""
    rolebed.apply_role()
    rolebed.send(1, 85000)
    state = rolebed.wait_queued(85000)
    assert state['disk_queued'] == 0 and rolebed.queue_files() == []  # all in memory: nothing on disk to see
    rolebed.start_logtail()
    result = rolebed.decommission()
    assert result.rc == 0, result.stdout
    all_delivered(rolebed, 85000)
    assert rolebed.kept() == []
    assert_forward_gone(rolebed)
    again = rolebed.decommission()
    assert again.rc == 0 and again.changed == 0, again.stdout


def test_backlog_spilled_to_disk_is_delivered_without_losing_the_batch_in_flight(tmp_path):
    """A backlog past the high watermark, on disk and in memory, sent while Logtail takes it: decommission's
    restarts wait until the disk part is sent (a restart during it loses 128 lines on rsyslogd 8.2302), and a
    drained queue's files left open after a restart are no reason to wait."""
    rolebed = RoleBed(tmp_path, rsyslog_forward_queue_size=10000)
    try:
        rolebed.apply_role()
        rolebed.send(1, 150000)
        rolebed.wait_queued(150000, disk_at_least=130000)
        rolebed.start_logtail()
        result = rolebed.decommission()
        assert result.rc == 0, result.stdout
        all_delivered(rolebed, 150000)
        assert rolebed.kept() == []
        assert 'cooperative cancellation' not in rolebed.bed.rsyslogd_output()
        assert_forward_gone(rolebed)
    finally:
        rolebed.close()


def test_logtail_down_refuses_without_changing_anything_then_drains_once_it_is_up(rolebed):
    rolebed.apply_role()
    rolebed.send(1, 20000)
    rolebed.wait_queued(20000)
    dropins = {name: open(os.path.join(rolebed.bed.dropin_dir, name)).read()
               for name in os.listdir(rolebed.bed.dropin_dir)}
    pid = rolebed.bed.service_pid()
    refused = rolebed.decommission()
    assert refused.rc != 0
    assert '20000 lines are queued for Logtail (0 on disk) and 127.0.0.1:%d refuses connections' % (
        rolebed.logtail.port) in refused.stdout, refused.stdout
    assert {name: open(os.path.join(rolebed.bed.dropin_dir, name)).read()
            for name in os.listdir(rolebed.bed.dropin_dir)} == dropins
    assert rolebed.bed.service_pid() == pid, 'rsyslog was restarted'
    assert rolebed.queue_state()['queued'] == 20000
    rolebed.start_logtail()
    drained = rolebed.decommission()
    assert drained.rc == 0, drained.stdout
    all_delivered(rolebed, 20000)
    assert rolebed.kept() == []
    assert_forward_gone(rolebed)


def replay(tmp_path, kept_dir):
    """Send kept queue files the way undelivered.json says: into the spool of an rsyslog with that queue."""
    bed = RsyslogBed(tmp_path / 'replay')
    try:
        os.makedirs(bed.spool_dir)
        for name in os.listdir(kept_dir):
            if queue_file_kind(name, 'fwdRule1'):
                shutil.copy(os.path.join(kept_dir, name), bed.spool_dir)
        with open(os.path.join(bed.dropin_dir, '60-logtail.conf'), 'w') as handle:
            handle.write(render_forward_dropin(bed.module_args(sys_tag=SYS_TAG, queue={'size': 100000})['forward']))
        bed.start_standin()
        bed.start_rsyslogd()
        last = [-1, time.monotonic()]

        def settled():
            got = sum(1 for line in read_lines(bed.record) if MARKER in line)
            if got != last[0]:
                last[:] = [got, time.monotonic()]
            return time.monotonic() - last[1] > 5 and got
        wait_for(settled, 300, 'the replayed lines to arrive', interval=0.5)
        return [int(line.rsplit(MARKER, 1)[1]) for line in read_lines(bed.record) if MARKER in line]
    finally:
        bed.close()


@pytest.mark.parametrize('count, queue_size', [(5000, 100000), (40000, 10000)], ids=['in-memory', 'spilled'])
def test_force_with_logtail_down_keeps_every_line_and_counts_it(tmp_path, count, queue_size):
    rolebed = RoleBed(tmp_path, rsyslog_forward_drain_force=True, rsyslog_forward_queue_size=queue_size)
    try:
        rolebed.apply_role()
        rolebed.send(1, count)
        rolebed.wait_queued(count)
        result = rolebed.decommission()
        assert result.rc == 0, result.stdout
        kept = rolebed.kept()
        assert len(kept) == 1, kept
        manifest, files = kept[0]
        assert manifest['lines'] == count and manifest['counted_from'] == 'the .qi file rsyslog wrote'
        assert 'fwdRule1.qi' in files and sorted(manifest['files']) == files
        kept_dir = os.path.join(rolebed.undelivered, os.listdir(rolebed.undelivered)[0])
        assert '%d lines that Logtail did not receive are kept in %s' % (count, kept_dir) in result.stdout
        assert rolebed.delivered() == []
        assert_forward_gone(rolebed)
        # What was kept is every line, and rsyslog can still send it.
        exactly_once_or_more(replay(tmp_path, kept_dir), count)
    finally:
        rolebed.close()


def test_files_of_an_empty_queue_are_no_false_timeout(tmp_path):
    """After a restart from a disk queue, rsyslog keeps the drained queue's files until it stops: decommission
    must see the queue empty (it took 300 s and failed when it waited for the files to go)."""
    rolebed = RoleBed(tmp_path, rsyslog_forward_queue_size=10000, rsyslog_forward_drain_retries=20)
    try:
        rolebed.apply_role()
        rolebed.send(1, 20000)
        rolebed.wait_queued(20000, disk_at_least=1)
        rolebed.bed.stop_service()  # saves the queue to disk; started again below, reading it back
        rolebed.bed.start_service()
        rolebed.start_logtail()
        wait_for(lambda: (rolebed.queue_state() or {}).get('empty'), 120, 'the queue to drain', interval=0.5)
        stale = rolebed.queue_files()
        assert stale, 'rsyslogd 8.2302 keeps the files of a queue it drained after a restart; nothing to test'
        started = time.monotonic()
        result = rolebed.decommission()
        assert result.rc == 0, result.stdout
        assert time.monotonic() - started < 120
        assert 'Wait until the forward queue has drained (memory and disk)' in result.stdout
        assert 'FAILED - RETRYING: [localhost]: Wait until the forward queue has drained' not in result.stdout
        all_delivered(rolebed, 20000)
        assert rolebed.kept() == []
        assert_forward_gone(rolebed)
    finally:
        rolebed.close()


def test_restart_handler_waits_for_the_disk_part_to_be_sent(tmp_path):
    """A config change while rsyslog sends a spilled backlog: the handler restarts only once the disk part is sent."""
    rolebed = RoleBed(tmp_path, rsyslog_forward_queue_size=10000)
    try:
        rolebed.apply_role()
        rolebed.send(1, 100000)
        rolebed.wait_queued(100000, disk_at_least=80000)
        pid = rolebed.bed.service_pid()
        rolebed.start_logtail()
        rolebed.extravars['rsyslog_forward_resume_interval'] = 2  # a change: the drop-in is rewritten
        result = rolebed.apply_role()
        assert rolebed.bed.service_pid() != pid, 'rsyslog was not restarted'
        assert ("FAILED - RETRYING: [localhost]: Wait until rsyslog has sent the forward queue's disk part"
                in result.stdout), result.stdout
        wait_for(lambda: (rolebed.queue_state() or {}).get('empty'), 120, 'the queue to drain', interval=0.5)
        all_delivered(rolebed, 100000)
        assert 'cooperative cancellation' not in rolebed.bed.rsyslogd_output()
    finally:
        rolebed.close()


def test_restart_handler_does_not_wait_while_logtail_is_down(tmp_path):
    rolebed = RoleBed(tmp_path, rsyslog_forward_queue_size=10000)
    try:
        rolebed.apply_role()
        rolebed.send(1, 30000)
        rolebed.wait_queued(30000, disk_at_least=10000)
        rolebed.extravars['rsyslog_forward_resume_interval'] = 2
        started = time.monotonic()
        result = rolebed.apply_role()
        assert time.monotonic() - started < 60 and 'FAILED - RETRYING' not in result.stdout, result.stdout
        rolebed.start_logtail()
        all_delivered(rolebed, 30000)
    finally:
        rolebed.close()


def test_a_host_that_loads_impstats_itself_names_its_file(tmp_path):
    """rsyslog refuses a second impstats: the role's drop-in fails validation, naming it; with
    rsyslog_forward_stats_file the role reads the host's own (legacy format, no brackets) and loads nothing."""
    rolebed = RoleBed(tmp_path)
    try:
        host_stats = os.path.join(rolebed.bed.root, 'host-impstats.log')
        with open(rolebed.bed.main_config, 'a') as handle:
            handle.write('module(load="impstats" interval="1" log.syslog="off" log.file="%s")\n' % host_stats)
        refused = rolebed.run(ROLE_PLAY)
        assert refused.rc != 0 and "module 'impstats' already in this config" in refused.stdout, refused.stdout
        assert os.listdir(rolebed.bed.dropin_dir) == ['60-logtail.conf']  # validated before it was written
        rolebed.extravars['rsyslog_forward_stats_file'] = host_stats
        rolebed.stats = host_stats
        applied = rolebed.run(ROLE_PLAY)
        assert applied.rc == 0 and applied.changed == 0, applied.stdout  # the forward was written by the first run
        assert os.listdir(rolebed.bed.dropin_dir) == ['60-logtail.conf']
        # The failed run's handler never ran, as Ansible drops notified handlers of a failed host.
        rolebed.bed.start_service()
        rolebed.send(1, 85000)
        rolebed.wait_queued(85000)
        rolebed.start_logtail()
        result = rolebed.decommission()
        assert result.rc == 0, result.stdout
        all_delivered(rolebed, 85000)
        assert rolebed.kept() == []
        assert_forward_gone(rolebed, role_stats=False)
    finally:
        rolebed.close()


def test_service_script_restarts_only_its_own_rsyslogd(tmp_path):
    bed = RsyslogBed(tmp_path / 'bed')
    try:
        proc = subprocess.run(bed.service_command('status'), capture_output=True, text=True)
        assert proc.returncode == 3 and proc.stdout.strip() == 'stopped'
        first = bed.start_service()
        proc = subprocess.run(bed.service_command('restart'), capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        second = bed.service_pid()
        assert second and second != first
    finally:
        bed.close()
    assert bed.service_pid() is None
