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


# Issue 25 (mutation testing): messages word for word, the name length at its limit, where a unit's directories
# lie, and every line of systemd-analyze's output read.

from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_render import (  # noqa: E402
    has_default_instance, is_template, unit_directories)


def test_a_leading_dash_is_refused_though_the_pattern_takes_it():
    with pytest.raises(UnitSpecError) as refused:
        validate_unit_name('-.slice')
    assert str(refused.value) == "name: '-.slice' begins with '-', which systemctl would read as an option"


def test_a_unit_name_may_be_255_characters_and_no_more():
    assert validate_unit_name('x' * 247 + '.service') == 'x' * 247 + '.service'
    with pytest.raises(UnitSpecError) as refused:
        validate_unit_name('x' * 248 + '.service')
    assert str(refused.value) == (
        "name: %r is not a valid unit name; expected e.g. 'ilogtaild.service' (letters, digits, ':_.-\\', an "
        "optional '@', and one of the suffixes .service, .socket, .device, .mount, .automount, .swap, .target, "
        ".path, .timer, .slice, .scope)" % ('x' * 248 + '.service'))


def test_templates_and_their_default_instance():
    assert is_template('getty@.service') is True
    assert is_template('getty@tty1.service') is False
    assert is_template('agent.service') is False
    for text in ('[Install]\nDefaultInstance=tty1\n', '[Unit]\n  DefaultInstance \t= tty1\n'):
        assert has_default_instance(text) is True, text
    for text in (None, '', '[Install]\nDefaultInstance=\n', '[Install]\n#DefaultInstance=tty1\n',
                 '[Install]\ndefaultinstance=tty1\n', '[Install]\nXDefaultInstance=tty1\n'):
        assert has_default_instance(text) is False, text


def test_a_bad_dropin_name_says_what_a_good_one_is():
    with pytest.raises(UnitSpecError) as refused:
        normalize_dropin_name('a/b')
    assert str(refused.value) == ("dropin: 'a/b' is not a valid drop-in name; use letters, digits and "
                                  "\":_.@-\" (e.g. '10-restart'), without a directory")


def test_paths_under_a_root_keep_every_letter_of_the_unit_dir():
    assert unit_file_path('/Xunits/', 'a.service', dropin='x', root='/mnt/img') == '/mnt/img/Xunits/a.service.d/x.conf'


def test_unit_directories_outermost_first_each_with_its_option():
    assert unit_directories('/etc/systemd/system', 'a.service') == [('/etc/systemd/system', 'unit_dir')]
    assert unit_directories('/etc/systemd/system', 'a.service', dropin='10-x') == [
        ('/etc/systemd/system', 'unit_dir'), ('/etc/systemd/system/a.service.d', 'name')]
    assert unit_directories('/Xunits/', 'a.service', dropin='10-x', root='/mnt/img') == [
        ('/mnt/img', 'root'), ('/mnt/img/Xunits/', 'unit_dir'), ('/mnt/img/Xunits/a.service.d', 'name')]
    assert unit_directories('/etc/systemd/system', 'a.service', root='') == [('/etc/systemd/system', 'unit_dir')]


def test_render_values_none_floats_and_no_header():
    text = render_sections({'Service': {'ExecStart': None, 'CPUWeight': 1.5, 'Nice': -3}}, header=None)
    assert text == '[Service]\nExecStart=\nCPUWeight=1.5\nNice=-3\n'


@pytest.mark.parametrize('value, message', [
    ({'A': 1}, 'sections.Service.Environment: nested dict is not allowed; a value is a string, number, boolean or '
               '(for repeated keys) a list of those'),
    (['ok', ('a',)], 'sections.Service.Environment[1]: nested tuple is not allowed; a value is a string, number, '
                     'boolean or (for repeated keys) a list of those'),
    (float('nan'), 'sections.Service.Environment: nan is not a finite number'),
    ([float('-inf')], 'sections.Service.Environment[0]: -inf is not a finite number'),
])
def test_render_value_errors_word_for_word(value, message):
    with pytest.raises(UnitSpecError) as refused:
        render_sections({'Service': {'Environment': value}})
    assert str(refused.value) == message


@pytest.mark.parametrize('section', [5, '', 'Ser\nvice', '[Service', 'Service]'])
def test_render_refuses_a_section_name_systemd_cannot_read(section):
    with pytest.raises(UnitSpecError) as refused:
        render_sections({section: {'A': 1}})
    assert str(refused.value) == 'sections: %r is not a valid section name' % (section,)


def test_render_takes_any_letter_in_a_section_name_and_names_a_bad_keys_type():
    assert render_sections({'X-Extra': {'A': 1}}, header='') == '[X-Extra]\nA=1\n'
    with pytest.raises(UnitSpecError) as refused:
        render_sections({'Service': ['A=1']})
    assert str(refused.value) == 'sections.Service: expected a mapping of keys to values, got list'


def test_verify_reads_every_line_after_each_kind():
    seen = []

    def exists(command):
        seen.append(command)
        return command == '/opt/here'
    out = ('%s:1: first\n'
           '%s:2: second\n'
           'a.service: Command /opt/here is not executable: No such file\n'
           'a.service: Command /opt/gone is not executable: No such file\n'
           'a.service: Service has more than one ExecStart= setting. Refusing.\n'
           'Unit a.service has a bad unit file setting.\n'
           '\n'
           'a.service: unrelated\n') % (CAND, CAND)
    assert verify_problems(out, [CAND], 1, executable_exists=exists) == [
        '%s:1: first' % CAND, '%s:2: second' % CAND,
        'a.service: Command /opt/gone is not executable: No such file',
        'a.service: Service has more than one ExecStart= setting. Refusing.',
        'Unit a.service has a bad unit file setting.', 'a.service: unrelated']
    assert seen == ['/opt/here', '/opt/gone']
