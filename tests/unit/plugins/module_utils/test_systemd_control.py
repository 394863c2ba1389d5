"""systemd_control on its own (issue 25): the systemctl command lines and their environment, the unit file systemd
would load, and systemd-analyze's verdict on a unit or a drop-in, with a stand-in module that records each command
and gives the answers a test scripts. test_systemd_unit.py runs the same code through the module with the host's
real systemd-analyze."""
import os
import shutil

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import systemd_control as sc
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_state import ValidationFailed


class Failed(Exception):
    def __init__(self, data):
        super(Failed, self).__init__(data['msg'])
        self.data = data


class Module(object):
    """What systemd_control uses of an AnsibleModule. ``answers``: (rc, stdout, stderr) for each command in turn
    (the last one repeats), or a function of the command line giving it; ``bins``: the binaries get_bin_path
    finds. ``seen`` holds what ``look`` (called with each command line) returned, e.g. the files of a verify's
    work directory at that moment."""

    def __init__(self, answers=((0, '', ''),), bins=None, check_mode=False, tmpdir=None, look=None):
        self.answers = list(answers)
        self.bins = {'systemctl': '/usr/bin/systemctl', 'systemd-analyze': '/usr/bin/systemd-analyze'} \
            if bins is None else bins
        self.check_mode = check_mode
        self.tmpdir = tmpdir
        self.look = look
        self.calls = []
        self.bin_lookups = []
        self.warnings = []
        self.seen = []

    def get_bin_path(self, name, required=False):
        self.bin_lookups.append((name, required))
        return self.bins.get(name)

    def run_command(self, cmd, environ_update=None):
        self.calls.append((list(cmd), environ_update))
        if self.look:
            self.seen.append(self.look(cmd))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer(cmd) if callable(answer) else answer

    def fail_json(self, **kwargs):
        raise Failed(kwargs)

    def warn(self, message):
        self.warnings.append(message)


C_LOCALE = {'LC_ALL': 'C', 'LANG': 'C', 'SYSTEMD_PAGER': '', 'SYSTEMD_COLORS': '0'}


def test_in_root_joins_the_path_below_the_root_and_keeps_it_without_one():
    assert sc.in_root('/img', '/usr/bin/agent') == '/img/usr/bin/agent'
    assert sc.in_root('/img', '//XX/agent') == '/img/XX/agent'
    assert sc.in_root(None, '/XX/agent') == '/XX/agent'
    assert sc.in_root('', '/usr/bin/agent') == '/usr/bin/agent'


def test_systemd_is_running_asks_for_the_runtime_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(sc, 'SYSTEMD_RUNTIME_DIR', str(tmp_path / 'system'))
    assert sc.systemd_is_running() is False
    (tmp_path / 'system').write_text('a file is not the directory')
    assert sc.systemd_is_running() is False
    (tmp_path / 'system').unlink()
    (tmp_path / 'system').mkdir()
    assert sc.systemd_is_running() is True


# --- Systemctl -------------------------------------------------------------------------------------------------

def test_each_verb_ends_its_options_before_the_name_in_the_c_locale():
    module = Module()
    ctl = sc.Systemctl(module, 'agent.service')
    ctl.set_enabled(True)
    ctl.set_enabled(False)
    ctl.daemon_reload()
    ctl.is_enabled()
    ctl.active_state()
    assert module.calls == [
        (['/usr/bin/systemctl', 'enable', '--', 'agent.service'], C_LOCALE),
        (['/usr/bin/systemctl', 'disable', '--', 'agent.service'], C_LOCALE),
        (['/usr/bin/systemctl', 'daemon-reload'], C_LOCALE),
        (['/usr/bin/systemctl', 'is-enabled', '--', 'agent.service'], C_LOCALE),
        (['/usr/bin/systemctl', 'is-active', '--', 'agent.service'], C_LOCALE),
    ]
    # systemctl is looked up once, and required.
    assert module.bin_lookups == [('systemctl', True)]


def test_under_a_root_every_call_is_offline_and_skips_sysv_scripts():
    module = Module()
    sc.Systemctl(module, 'agent.service', root='/mnt/img').set_enabled(True)
    assert module.calls == [(['/usr/bin/systemctl', '--root=/mnt/img', 'enable', '--', 'agent.service'],
                             dict(C_LOCALE, SYSTEMCTL_SKIP_SYSV='1'))]


def test_a_failed_command_fails_the_module_with_its_command_rc_and_output():
    module = Module([(1, ' out text \n', ' Failed to enable unit: no such file \n')])
    with pytest.raises(Failed) as failed:
        sc.Systemctl(module, 'agent.service', root='/img').set_enabled(True)
    assert failed.value.data == {
        'msg': '/usr/bin/systemctl --root=/img enable -- agent.service failed (rc=1): Failed to enable unit: no '
               'such file',
        'rc': 1, 'stdout': ' out text \n', 'stderr': ' Failed to enable unit: no such file \n'}
    # Without stderr the message quotes stdout.
    module = Module([(5, 'only stdout\n', '')])
    with pytest.raises(Failed, match=r'^/usr/bin/systemctl daemon-reload failed \(rc=5\): only stdout$'):
        sc.Systemctl(module, 'agent.service').daemon_reload()


def test_run_gives_the_output_stripped():
    module = Module([(3, '  inactive\n', '  warn \n')])
    assert sc.Systemctl(module, 'agent.service')._run(['is-active'], must_succeed=False) == (3, 'inactive', 'warn')


@pytest.mark.parametrize('rc, enabled', [(0, True), (1, False), (4, False)])
def test_is_enabled_is_its_exit_code_and_never_fails(rc, enabled):
    assert sc.Systemctl(Module([(rc, 'whatever', 'err')]), 'agent.service').is_enabled() is enabled


@pytest.mark.parametrize('answer, state', [
    ((0, 'active\n', ''), 'active'),
    ((3, 'inactive\nsecond line\n', ''), 'inactive'),
    ((4, '', 'Unit agent.service could not be found.'), 'unknown'),
])
def test_active_state_is_the_first_line_or_unknown_and_never_fails(answer, state):
    assert sc.Systemctl(Module([answer]), 'agent.service').active_state() == state


@pytest.mark.parametrize('wanted, before, verb', [
    ('started', 'inactive', 'start'), ('stopped', 'active', 'stop'), ('restarted', 'active', 'restart'),
    ('reloaded', 'active', 'reload-or-restart'),
])
def test_apply_runs_the_verb_unless_in_check_mode(wanted, before, verb):
    module = Module()
    assert sc.Systemctl(module, 'agent.service').apply(wanted, before, False) is True
    assert module.calls == [(['/usr/bin/systemctl', verb, '--', 'agent.service'], C_LOCALE)]
    module = Module()
    assert sc.Systemctl(module, 'agent.service').apply(wanted, before, True) is True
    assert module.calls == []


def test_apply_does_nothing_when_the_unit_is_there():
    module = Module()
    assert sc.Systemctl(module, 'agent.service').apply('started', 'active', False) is False
    assert sc.Systemctl(module, 'agent.service').apply('stopped', 'inactive', False) is False
    assert module.calls == []


# --- find_unit_file ----------------------------------------------------------------------------------------------

def _unit(root, directory, name):
    path = os.path.join(str(root), directory.lstrip('/'), name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as handle:
        handle.write('[Unit]\n')
    return path


def test_find_unit_file_looks_in_the_preferred_directory_first_then_systemds(tmp_path):
    lib = _unit(tmp_path, '/lib/systemd/system', 'agent.service')
    assert sc.find_unit_file('agent.service', str(tmp_path), '/opt/units') == lib
    usr_lib = _unit(tmp_path, '/usr/lib/systemd/system', 'other.service')
    assert sc.find_unit_file('other.service', str(tmp_path), '/opt/units') == usr_lib
    etc = _unit(tmp_path, '/etc/systemd/system', 'agent.service')
    assert sc.find_unit_file('agent.service', str(tmp_path), '/opt/units') == etc
    preferred = _unit(tmp_path, '/opt/units', 'agent.service')
    assert sc.find_unit_file('agent.service', str(tmp_path), '/opt/units') == preferred
    assert sc.find_unit_file('missing.service', str(tmp_path), '/opt/units') is None


def test_find_unit_file_takes_the_instance_first_then_its_template(tmp_path):
    template = _unit(tmp_path, '/lib/systemd/system', 'getty@.service')
    # an instance with dots in its name still keeps the unit's suffix only
    assert sc.find_unit_file('getty@tty1.x.service', str(tmp_path), '/etc/systemd/system') == template
    assert sc.find_unit_file('getty@tty1.service', str(tmp_path), '/etc/systemd/system') == template
    instance = _unit(tmp_path, '/lib/systemd/system', 'getty@tty1.service')
    assert sc.find_unit_file('getty@tty1.service', str(tmp_path), '/etc/systemd/system') == instance
    # a template's own name has no other candidate; a name without '@' none either
    assert sc.find_unit_file('getty@.service', str(tmp_path), '/etc/systemd/system') == template
    _unit(tmp_path, '/lib/systemd/system', '@.service')
    assert sc.find_unit_file('agent.service', str(tmp_path), '/etc/systemd/system') is None


def test_find_unit_file_reads_only_files(tmp_path):
    os.makedirs(os.path.join(str(tmp_path), 'etc/systemd/system/agent.service'))
    lib = _unit(tmp_path, '/lib/systemd/system', 'agent.service')
    assert sc.find_unit_file('agent.service', str(tmp_path), '/etc/systemd/system') == lib


# --- make_verifier ----------------------------------------------------------------------------------------------

def test_no_verifier_without_systemd_analyze():
    module = Module(bins={})
    assert sc.make_verifier(module, 'agent.service', None, None, '/etc/systemd/system') is None
    assert module.bin_lookups == [('systemd-analyze', False)]


def _candidate(tmp_path, name='candidate.service', text='[Service]\nExecStart=/bin/true\n'):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_a_unit_is_verified_by_its_real_path_and_passes_on_clean_output(tmp_path):
    real = _candidate(tmp_path)
    link = str(tmp_path / 'link.service')
    os.symlink(real, link)
    module = Module([(0, '', '')])
    sc.make_verifier(module, 'agent.service', None, None, '/etc/systemd/system')(link)
    assert module.calls == [(['/usr/bin/systemd-analyze', 'verify', '--', real], C_LOCALE)]


def test_a_line_about_either_path_of_the_candidate_refuses_it_with_the_label(tmp_path):
    real = _candidate(tmp_path)
    link = str(tmp_path / 'link.service')
    os.symlink(real, link)
    for path in (link, real):
        module = Module([(0, "%s:3: Unknown key 'Bogus' in section [Service], ignoring.\n" % path, 'other: fine\n')])
        with pytest.raises(ValidationFailed) as refused:
            sc.make_verifier(module, 'agent.service', None, None, '/etc/systemd/system', 'sections: /u/a')(link)
        assert str(refused.value) == ("sections: /u/a: systemd-analyze verify refused the new file:\n"
                                      "%s:3: Unknown key 'Bogus' in section [Service], ignoring." % path)


def test_stdout_and_stderr_are_both_read(tmp_path):
    real = _candidate(tmp_path)
    module = Module([(0, None, '%s:1: bad\n' % real)])
    with pytest.raises(ValidationFailed, match=r'^content: systemd-analyze verify refused the new file:\n\S+:1: bad$'):
        sc.make_verifier(module, 'agent.service', None, None, '/etc/systemd/system')(real)
    module = Module([(0, '%s:2: bad\n' % real, None)])
    with pytest.raises(ValidationFailed, match=r'refused the new file:\n\S+:2: bad$'):
        sc.make_verifier(module, 'agent.service', None, None, '/etc/systemd/system')(real)


def test_the_exit_status_counts_on_the_host_and_not_under_a_root(tmp_path):
    real = _candidate(tmp_path)
    answer = [(1, 'agent.service: Unit nope.service not found.\n', '')]
    with pytest.raises(ValidationFailed) as refused:
        sc.make_verifier(Module(answer), 'agent.service', None, None, '/etc/systemd/system')(real)
    assert str(refused.value).endswith('refused the new file:\nagent.service: Unit nope.service not found.')
    sc.make_verifier(Module(answer), 'agent.service', None, str(tmp_path), '/etc/systemd/system')(real)


MISSING = 'agent.service: Command /opt/agent/bin is not executable: No such file or directory\n'


def test_a_command_is_looked_for_inside_the_root(tmp_path):
    real = _candidate(tmp_path)
    root = tmp_path / 'img'
    verifier = sc.make_verifier(Module([(1, MISSING, '')]), 'agent.service', None, str(root), '/etc/systemd/system')
    with pytest.raises(ValidationFailed, match='/opt/agent/bin is not executable'):
        verifier(real)
    (root / 'opt/agent').mkdir(parents=True)
    (root / 'opt/agent/bin').write_text('#!/bin/sh\n')
    with pytest.raises(ValidationFailed, match='/opt/agent/bin is not executable'):
        verifier(real)   # there, but not executable
    (root / 'opt/agent/bin').chmod(0o755)
    verifier(real)


def test_check_mode_lets_a_missing_command_pass_with_a_warning(tmp_path):
    real = _candidate(tmp_path)
    root = tmp_path / 'img'
    module = Module([(1, MISSING, '')], check_mode=True)
    sc.make_verifier(module, 'agent.service', None, str(root), '/etc/systemd/system')(real)
    assert module.warnings == ['%s/opt/agent/bin does not exist yet; a real run fails unless an earlier task '
                               'creates it' % root]
    module = Module([(1, MISSING, '')], check_mode=True)
    sc.make_verifier(module, 'agent.service', None, None, '/etc/systemd/system')(real)
    assert module.warnings == ['/opt/agent/bin does not exist yet; a real run fails unless an earlier task '
                               'creates it']


# A unit no host has: the tests of a drop-in whose unit is found nowhere (the host's unit directories are searched
# when there is no root).
NOWHERE = 'alicloud-ops-test-nowhere.service'


def _verify_tree(cmd):
    """The verify's work directory as systemd-analyze sees it: {relative path: text}."""
    unit = cmd[-1]
    top = os.path.dirname(unit)
    tree = {}
    for directory, _dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(directory, name)
            with open(path) as handle:
                tree[os.path.relpath(path, top)] = handle.read()
    return top, tree


def test_a_dropin_is_verified_beside_a_copy_of_its_unit_in_a_temp_dir_removed_after(tmp_path):
    root = tmp_path / 'img'
    _unit(root, '/opt/units', 'agent.service')
    (tmp_path / 'tmp').mkdir()
    candidate = _candidate(tmp_path, 'tmpXYZ', '[Service]\nLimitNOFILE=1\n')
    module = Module([(0, '', '')], tmpdir=str(tmp_path / 'tmp'), look=_verify_tree)
    sc.make_verifier(module, 'agent.service', True, str(root), '/opt/units')(candidate)
    (top, tree), = module.seen
    assert os.path.dirname(top) == str(tmp_path / 'tmp') and os.path.basename(top).startswith('alicloud_ops_verify_')
    assert tree == {'agent.service': '[Unit]\n', 'agent.service.d/tmpXYZ': '[Service]\nLimitNOFILE=1\n'}
    assert module.calls == [(['/usr/bin/systemd-analyze', 'verify', '--', os.path.join(top, 'agent.service')],
                             C_LOCALE)]
    assert os.listdir(str(tmp_path / 'tmp')) == []


def test_a_dropin_without_its_unit_is_verified_with_a_stand_in_and_its_own_lines_only(tmp_path):
    (tmp_path / 'tmp').mkdir()
    candidate = _candidate(tmp_path, 'tmpXYZ', '[Service]\nLimitNOFILE=1\n')
    module = Module([(1, NOWHERE + ': Unit nope.service not found.\n', '')], tmpdir=str(tmp_path / 'tmp'),
                    look=_verify_tree)
    sc.make_verifier(module, NOWHERE, True, None, str(tmp_path / 'units'))(candidate)
    (_top, tree), = module.seen
    assert tree == {NOWHERE: '[Unit]\nDescription=stand-in for verifying a drop-in\n',
                    NOWHERE + '.d/tmpXYZ': '[Service]\nLimitNOFILE=1\n'}


def test_a_dropin_with_its_unit_on_the_host_counts_the_exit_status(tmp_path):
    units = tmp_path / 'units'
    _unit(tmp_path, '/units', 'agent.service')
    (tmp_path / 'tmp').mkdir()
    candidate = _candidate(tmp_path, 'tmpXYZ', '[Service]\nLimitNOFILE=1\n')
    module = Module([(1, 'agent.service: Unit nope.service not found.\n', '')], tmpdir=str(tmp_path / 'tmp'))
    with pytest.raises(ValidationFailed) as refused:
        sc.make_verifier(module, 'agent.service', True, None, str(units), 'content: /u/x.conf')(candidate)
    assert str(refused.value) == ('content: /u/x.conf: systemd-analyze verify refused the new file:\n'
                                  'agent.service: Unit nope.service not found.')
    assert os.listdir(str(tmp_path / 'tmp')) == []


def test_a_line_about_the_dropins_copy_refuses_it(tmp_path):
    (tmp_path / 'tmp').mkdir()
    candidate = _candidate(tmp_path, 'tmpXYZ', '[Service]\nBogus=1\n')

    def answer(cmd):
        return 0, "%s/agent.service.d/tmpXYZ:2: Unknown key 'Bogus'\n" % os.path.dirname(cmd[-1]), ''
    module = Module([answer], tmpdir=str(tmp_path / 'tmp'))
    with pytest.raises(ValidationFailed, match=r"refused the new file:\n\S+/agent\.service\.d/tmpXYZ:2: Unknown key"):
        sc.make_verifier(module, 'agent.service', True, None, str(tmp_path / 'units'))(candidate)


def test_a_dropin_that_cannot_be_copied_names_the_unit_it_was_to_go_with(tmp_path):
    base = _unit(tmp_path, '/units', 'agent.service')
    (tmp_path / 'tmp').mkdir()
    module = Module(tmpdir=str(tmp_path / 'tmp'))
    with pytest.raises(ValidationFailed) as refused:
        sc.make_verifier(module, 'agent.service', True, None, str(tmp_path / 'units'))(str(tmp_path / 'gone'))
    assert str(refused.value).startswith('name: %s cannot be read to verify the drop-in with it: ' % base)
    assert 'No such file or directory' in str(refused.value)
    assert module.calls == [] and os.listdir(str(tmp_path / 'tmp')) == []


def test_every_problem_is_a_line_of_the_refusal(tmp_path):
    real = _candidate(tmp_path)
    module = Module([(0, '%s:1: one\n%s:2: two\n' % (real, real), '')])
    with pytest.raises(ValidationFailed) as refused:
        sc.make_verifier(module, 'agent.service', None, None, '/etc/systemd/system')(real)
    assert str(refused.value) == 'content: systemd-analyze verify refused the new file:\n%s:1: one\n%s:2: two' % (
        real, real)


def test_a_dropin_under_a_root_looks_for_its_commands_there(tmp_path):
    root = tmp_path / 'img'
    (root / 'opt/agent').mkdir(parents=True)
    (root / 'opt/agent/bin').write_text('#!/bin/sh\n')
    (root / 'opt/agent/bin').chmod(0o755)
    (tmp_path / 'tmp').mkdir()
    candidate = _candidate(tmp_path, 'tmpXYZ', '[Service]\nExecStart=\nExecStart=/opt/agent/bin\n')
    verifier = sc.make_verifier(Module([(0, MISSING, '')], tmpdir=str(tmp_path / 'tmp')), 'agent.service', True,
                                str(root), '/etc/systemd/system')
    verifier(candidate)
    (root / 'opt/agent/bin').unlink()
    with pytest.raises(ValidationFailed, match='/opt/agent/bin is not executable'):
        verifier(candidate)


def test_a_verify_work_dir_gone_already_is_no_error(tmp_path):
    tmpdir = tmp_path / 'tmp'
    tmpdir.mkdir()
    candidate = _candidate(tmp_path, 'tmpXYZ', '[Service]\nNice=1\n')

    def clean(cmd):
        # e.g. a cleaner of the module's temp dir got there first. Only what is in that temp dir goes: under a
        # mutant the command may name any directory, the current one included.
        for entry in os.listdir(str(tmpdir)):
            shutil.rmtree(str(tmpdir / entry))
    module = Module([(0, '', '')], tmpdir=str(tmpdir), look=clean)
    sc.make_verifier(module, 'agent.service', True, None, str(tmp_path / 'units'))(candidate)
    assert module.calls and os.listdir(str(tmpdir)) == []
