import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_render import (
    MANAGED_HEADER, UnitSpecError, normalize_dropin_name, render_sections, unit_file_path,
    validate_unit_name, verify_problems)


@pytest.mark.parametrize('name', ['ilogtaild.service', 'getty@tty1.service', 'getty@.service',
                                  'var-log.mount', 'backup.timer', 'a:b_c-d.e.socket'])
def test_valid_unit_names(name):
    assert validate_unit_name(name) == name


@pytest.mark.parametrize('name', ['ilogtaild', 'ilogtaild.conf', '../x.service', 'a b.service',
                                  'x/y.service', '', 'a@b@c.service', 'x' * 250 + '.service'])
def test_invalid_unit_names_name_the_field(name):
    with pytest.raises(UnitSpecError, match='^name: '):
        validate_unit_name(name)


def test_dropin_names():
    assert normalize_dropin_name('10-restart') == '10-restart.conf'
    assert normalize_dropin_name('10-restart.conf') == '10-restart.conf'
    for bad in ('', '.conf', '../x', 'a/b', 'a b'):
        with pytest.raises(UnitSpecError, match='^dropin: '):
            normalize_dropin_name(bad)


def test_paths():
    assert unit_file_path('/etc/systemd/system', 'a.service') == '/etc/systemd/system/a.service'
    assert unit_file_path('/etc/systemd/system', 'a.service', dropin='10-x') == \
        '/etc/systemd/system/a.service.d/10-x.conf'
    assert unit_file_path('/etc/systemd/system', 'a.service', root='/mnt/img') == \
        '/mnt/img/etc/systemd/system/a.service'


def test_render_keeps_order_repeats_lists_and_maps_booleans():
    text = render_sections({
        'Unit': {'Description': 'Logtail', 'After': ['network-online.target', 'rsyslog.service']},
        'Service': {'Type': 'forking', 'Restart': 'always', 'RestartSec': 2,
                    'NoNewPrivileges': True, 'RemainAfterExit': False},
        'Install': {'WantedBy': 'multi-user.target'},
    })
    assert text == (MANAGED_HEADER + '\n'
                    '[Unit]\nDescription=Logtail\nAfter=network-online.target\nAfter=rsyslog.service\n'
                    '\n[Service]\nType=forking\nRestart=always\nRestartSec=2\nNoNewPrivileges=yes\n'
                    'RemainAfterExit=no\n'
                    '\n[Install]\nWantedBy=multi-user.target\n')


def test_render_empty_value_resets_list_setting_for_dropins():
    text = render_sections({'Service': {'ExecStart': ['', '/usr/bin/new --flag']}}, header='')
    assert text == '[Service]\nExecStart=\nExecStart=/usr/bin/new --flag\n'


@pytest.mark.parametrize('sections, field', [
    ({}, 'sections'),
    ({'Service': 'x'}, 'sections.Service'),
    ({'Service': {'Bad Key': 1}}, 'sections.Service.Bad Key'),
    ({'Service': {'ExecStart': 'a\nb'}}, 'sections.Service.ExecStart'),
    ({'Service': {'ExecStart': ['ok', 'a\nb']}}, r'sections.Service.ExecStart\[1\]'),
    ({'Service': {'Environment': {'A': 1}}}, 'sections.Service.Environment'),
    ({'Service': {'After': []}}, 'sections.Service.After'),
    ({'Ser]vice': {'A': 1}}, 'sections'),
])
def test_render_errors_name_the_field(sections, field):
    with pytest.raises(UnitSpecError, match='^%s: ' % field):
        render_sections(sections)


CAND = '/tmp/v/ilogtaild.service'


def test_verify_lines_about_the_candidate_refuse_even_with_rc0():
    out = ("%s:5: Unknown key 'BogusKey' in section [Service], ignoring.\n"
           "other.service: something unrelated\n" % CAND)
    assert verify_problems(out, [CAND], 0) == ["%s:5: Unknown key 'BogusKey' in section [Service], ignoring."
                                               % CAND]


def test_verify_clean_output_passes():
    assert verify_problems('', [CAND], 0) == []


def test_verify_nonzero_rc_refuses_with_its_lines_when_strict():
    out = 'ilogtaild.service: Failed to create ilogtaild.service/start: Unit nope.service not found.\n'
    assert verify_problems(out, [CAND], 1) == [out.strip()]
    assert verify_problems('', [CAND], 1) == ['systemd-analyze verify exited with status 1']
    assert verify_problems(out, [CAND], 1, strict_rc=False) == []


def test_verify_missing_command_is_rechecked_inside_root():
    out = 'ilogtaild.service: Command /usr/local/ilogtail/ilogtail is not executable: No such file\n'
    assert verify_problems(out, [CAND], 1, strict_rc=False, executable_exists=lambda c: True) == []
    assert verify_problems(out, [CAND], 1, strict_rc=False, executable_exists=lambda c: False) == \
        [out.strip()]
    # Without a root the host's answer stands.
    assert verify_problems(out, [CAND], 1) == [out.strip()]


def test_verify_excused_missing_command_does_not_trip_the_exit_code():
    out = 'agent.service: Command /opt/agent is not executable: No such file or directory\n'
    assert verify_problems(out, [CAND], 1, executable_exists=lambda c: True) == []


def test_verify_refused_setting_counts_with_and_without_root():
    # Issue 8: a drop-in giving a simple service a second ExecStart= passed under root=.
    out = ('agent.service: Service has more than one ExecStart= setting, which is only allowed for '
           'Type=oneshot services. Refusing.\nUnit agent.service has a bad unit file setting.\n')
    expected = out.strip().splitlines()
    assert verify_problems(out, [CAND], 1, strict_rc=False) == expected
    assert verify_problems(out, [CAND], 1) == expected
