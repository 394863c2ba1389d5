"""rsyslog_validate: include rewriting, path mapping and the validation tree."""
import os

from ansible_collections.alicloud_ops.logging.plugins.module_utils import rsyslog_validate as rv

DEBIAN_MAIN = '''module(load="imuxsock")
$WorkDirectory /var/spool/rsyslog
$IncludeConfig /etc/rsyslog.d/*.conf
*.*;auth,authpriv.none -/var/log/syslog
'''


def test_rewrites_legacy_include():
    text, count = rv.rewrite_dropin_includes(DEBIAN_MAIN, '/etc/rsyslog.d', '/tmp/v/rsyslog.d')
    assert count == 1
    assert '$IncludeConfig /tmp/v/rsyslog.d/*.conf\n' in text
    assert '$WorkDirectory /var/spool/rsyslog' in text


def test_rewrites_rainerscript_include_in_any_layout():
    main = ('include(file="/etc/rsyslog.d/*.conf" mode="optional")\n'
            'include(\n  mode="abort-if-missing"\n  file = "/etc/rsyslog.d/"\n)\n')
    text, count = rv.rewrite_dropin_includes(main, '/etc/rsyslog.d/', '/t/d')
    assert count == 2
    assert 'include(file="/t/d/*.conf" mode="optional")' in text
    assert 'file = "/t/d/"' in text


def test_leaves_other_paths_alone():
    main = '$IncludeConfig /etc/rsyslog.d.bak/*.conf\n# $IncludeConfig /etc/rsyslog.d/*.conf is in comments\n'
    text, count = rv.rewrite_dropin_includes(main, '/etc/rsyslog.d', '/t/d')
    assert (text, count) == (main, 0)


def test_redirect_directory_matches_whole_path_only():
    text = '$WorkDirectory /var/spool/rsyslog\nglobal(workDirectory="/var/spool/rsyslog")\n/x/var/spool/rsyslog\n'
    assert rv.redirect_directory(text, '/var/spool/rsyslog', '/t/m') == (
        '$WorkDirectory /t/m\nglobal(workDirectory="/t/m")\n/x/var/spool/rsyslog\n')


def test_message_maps_temp_paths_back_and_drops_banners():
    output = ('rsyslogd: version 8.2302.0, config validation run (level 1), master config /t/rsyslog.conf\n'
              'rsyslogd: error during parsing file /t/rsyslog.d/50-x.conf, on or before line 2: bad\n'
              'rsyslogd: error during parsing file /t/rsyslog.d/50-x.conf, on or before line 2: bad\n'
              'rsyslogd: End of config validation run. Bye.\n')
    mapping = {'/t/rsyslog.d': '/etc/rsyslog.d', '/t/rsyslog.conf': '/etc/rsyslog.conf'}
    assert rv.rsyslogd_message(output, mapping) == (
        'rsyslogd: error during parsing file /etc/rsyslog.d/50-x.conf, on or before line 2: bad')


def _tree(tmp_path):
    dropins = tmp_path / 'etc' / 'rsyslog.d'
    dropins.mkdir(parents=True)
    (dropins / '10-other.conf').write_text('# other\n')
    (dropins / '50-x.conf').write_text('# old\n')
    main = tmp_path / 'etc' / 'rsyslog.conf'
    main.write_text('$IncludeConfig %s/*.conf\n' % dropins)
    candidate = tmp_path / 'candidate'
    candidate.write_text('# new\n')
    work = tmp_path / 'work'
    work.mkdir()
    return str(main), str(dropins), str(candidate), str(work)


def test_tree_puts_candidate_in_place_of_the_target(tmp_path):
    main, dropins, candidate, work = _tree(tmp_path)
    tree_main, mapping = rv.build_validation_tree(work, main, dropins, '50-x.conf', candidate)
    tree_dir = os.path.join(work, 'rsyslog.d')
    assert sorted(os.listdir(tree_dir)) == ['10-other.conf', '50-x.conf']
    assert open(os.path.join(tree_dir, '50-x.conf')).read() == '# new\n'
    assert open(tree_main).read() == '$IncludeConfig %s/*.conf\n' % tree_dir
    assert mapping == {tree_dir: dropins, tree_main: main}
    assert open(os.path.join(dropins, '50-x.conf')).read() == '# old\n'  # the real one is untouched


def test_tree_for_absent_drops_the_target(tmp_path):
    main, dropins, _, work = _tree(tmp_path)
    rv.build_validation_tree(work, main, dropins, '50-x.conf', None)
    assert os.listdir(os.path.join(work, 'rsyslog.d')) == ['10-other.conf']


def test_tree_includes_candidate_when_main_config_does_not(tmp_path):
    main, dropins, candidate, work = _tree(tmp_path)
    open(main, 'w').write('*.* /dev/null\n')
    assert not rv.main_includes_dir(main, dropins)
    tree_main, _ = rv.build_validation_tree(work, main, dropins, '50-x.conf', candidate,
                                            {'/var/spool/q': '/t/q'})
    assert open(tree_main).read().endswith('\n$IncludeConfig %s\n' % os.path.join(work, 'rsyslog.d', '50-x.conf'))


def test_tree_adds_the_include_of_the_candidate_after_the_main_config(tmp_path):
    main, dropins, candidate, work = _tree(tmp_path)
    open(main, 'w').write('*.* /dev/null\n')
    tree_main, _ = rv.build_validation_tree(work, main, dropins, '50-x.conf', candidate)
    target = os.path.join(work, 'rsyslog.d', '50-x.conf')
    assert open(tree_main).read() == '*.* /dev/null\n\n$IncludeConfig %s\n' % target


def test_template_names_in_both_syntaxes_ignoring_comments():
    text = ('template(name="a" type="string" string="x")\n# template(name="commented")\n'
            '/* template(name="block") */\n$template b,"%msg%"\nTEMPLATE (name = \'d\' type="list") {}\n')
    assert rv.template_names(text) == ['a', 'b', 'd']


def test_duplicate_templates_only_those_the_target_takes_part_in():
    texts = [('/m.conf', 'template(name="old")\n'), ('/d/10-a.conf', 'template(name="old")\n$template t,"x"\n'),
             ('/d/50-fwd.conf', 'template(name="t" type="string" string="y")\n')]
    assert rv.duplicate_templates(texts, '/d/50-fwd.conf') == [
        'template t is defined more than once: in /d/10-a.conf and /d/50-fwd.conf']
    assert rv.duplicate_templates(texts[:2], '/d/50-fwd.conf') == []


# Issue 25 (mutation testing): the rewrites at their edges, and the whole-config check with the real rsyslogd (a
# stand-in module runs it; `answer` replaces its result where rsyslogd cannot be made to give it).

import shutil  # noqa: E402  (the issue 25 tests' own imports)
import subprocess  # noqa: E402

import pytest  # noqa: E402

from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_state import ValidationFailed  # noqa: E402

RSYSLOGD = '/usr/sbin/rsyslogd'
needs_rsyslogd = pytest.mark.skipif(not os.access(RSYSLOGD, os.X_OK), reason='rsyslogd is not installed')


class Module(object):
    """What check_whole_config uses of an AnsibleModule: tmpdir and run_command (rsyslogd, or ``answer``)."""

    def __init__(self, tmpdir, answer=None):
        self.tmpdir = str(tmpdir)
        self.answer = answer
        self.calls = []
        self.seen = []  # (workdir name, [files of its rsyslog.d], main config text) at each run

    def run_command(self, argv):
        self.calls.append(argv)
        workdir = os.path.dirname(argv[-1])
        with open(argv[-1]) as handle:
            self.seen.append((os.path.basename(workdir), sorted(os.listdir(os.path.join(workdir, 'rsyslog.d'))),
                              handle.read()))
        if self.answer is not None:
            return self.answer
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        return done.returncode, done.stdout, done.stderr


def _etc(tmp_path, **siblings):
    """A main config that loads the drop-ins and writes somewhere, so that rsyslogd -N1 accepts it (rc 0), with
    more drop-ins: siblings={'name': 'text'}."""
    main, dropins, candidate, _work = _tree(tmp_path)
    for name, text in siblings.get('siblings', {}).items():
        open(os.path.join(dropins, name), 'w').write(text)
    open(main, 'w').write('$IncludeConfig %s/*.conf\n*.* %s\n' % (dropins, tmp_path / 'all.log'))
    tmpdir = tmp_path / 'module_tmp'
    tmpdir.mkdir()
    return main, dropins, candidate, tmpdir


def refusal(module, main, dropins, target_name, candidate, **options):
    """The message of check_whole_config's refusal."""
    with pytest.raises(ValidationFailed) as refused:
        rv.check_whole_config(module, RSYSLOGD, main, dropins, target_name, candidate, **options)
    return str(refused.value)


def test_rewrites_any_case_indentation_trailing_slash_and_quote():
    main = ('  $includeconfig /etc/rsyslog.d/*.conf\n\t$IncludeConfig /etc/rsyslog.d\n'
            "INCLUDE(FILE='/etc/rsyslog.d')\ninclude(file=\"/etc/rsyslog.d/x.conf\")\n")
    text, count = rv.rewrite_dropin_includes(main, '/etc/rsyslog.d', '/t/d/')
    assert (text, count) == ('  $includeconfig /t/d/*.conf\n\t$IncludeConfig /t/d\n'
                             "INCLUDE(FILE='/t/d')\ninclude(file=\"/t/d/x.conf\")\n", 4)


def test_rewrites_nothing_but_includes_of_the_directory():
    main = ('$WorkDirectory /etc/rsyslog.d\n# $IncludeConfig /etc/rsyslog.d/*.conf\ninput(file="/etc/rsyslog.d")\n'
            'include(text="x")\n$IncludeConfig /etc/rsyslog.dx/*.conf\n')
    assert rv.rewrite_dropin_includes(main, '/etc/rsyslog.d', '/t/d') == (main, 0)


def test_redirect_directory_drops_a_trailing_slash_and_takes_any_ending():
    text = "a /var/q\nb '/var/q'\nc /var/q/f\nd /var/qq\ne x/var/q X/var/q 9/var/q\n"
    assert rv.redirect_directory(text, '/var/q/', '/t/m/') == (
        "a /t/m\nb '/t/m'\nc /t/m/f\nd /var/qq\ne x/var/q X/var/q 9/var/q\n")


def test_directories_are_taken_whole_whatever_their_last_character(tmp_path):
    # Only a trailing '/' is dropped: a name that ends in another character ('X' here) keeps it.
    assert rv.rewrite_dropin_includes('$IncludeConfig /e/X/*.conf\n', '/e/X', '/t/X') == (
        '$IncludeConfig /t/X/*.conf\n', 1)
    assert rv.redirect_directory('$WorkDirectory /v/X\n', '/v/X', '/t/X') == '$WorkDirectory /t/X\n'
    main, _dropins, candidate, work = _tree(tmp_path)
    _tree_main, mapping = rv.build_validation_tree(work, main, str(tmp_path / 'X'), '50-x.conf', candidate)
    assert mapping[os.path.join(work, 'rsyslog.d')] == str(tmp_path / 'X')


def test_map_paths_back_replaces_the_longest_temp_path_first():
    # 'ab' holds 'b', which sorts after it: the order is by length, not by name.
    assert rv.map_paths_back('ab b', {'ab': 'X', 'b': 'Y'}) == 'X Y'
    mapping = {'/w/rsyslog.d': '/etc/rsyslog.d', '/w/rsyslog.d.conf': '/etc/main'}
    assert rv.map_paths_back('/w/rsyslog.d.conf /w/rsyslog.d/x', mapping) == '/etc/main /etc/rsyslog.d/x'


def test_message_keeps_every_distinct_line_in_order():
    output = '  first /t/a  \n\n\t\nsecond\nfirst /t/a\nrsyslogd: End of config validation run. Bye.\nthird\n'
    assert rv.rsyslogd_message(output, {'/t': '/etc'}) == 'first /etc/a\nsecond\nthird'
    assert rv.rsyslogd_message('config validation run\n', {}) == ''


def test_template_names_skip_multiline_block_comments_only():
    text = ('/* template(name="a")\n   template(name="b") */template(name="c")\n'
            '  # $template d,"x"\n$template e,"x" # template(name="f")\n  $template g ,"y"\n')
    assert rv.template_names(text) == ['c', 'e', 'f', 'g']


def test_duplicate_templates_name_every_file_and_every_name():
    texts = [('/a', 'template(name="t")\ntemplate(name="u")\n'), ('/b', '$template t,"x"\n$template u,"x"\n'),
             ('/c', 'template(name="t")\n'), ('/d', 'template(name="v")\n')]
    assert rv.duplicate_templates(texts, '/a') == ['template t is defined more than once: in /a and /b and /c',
                                                   'template u is defined more than once: in /a and /b']
    assert rv.duplicate_templates(texts, '/d') == []
    assert rv.duplicate_templates([('/a', 'template(name="t")\n$template t,"x"\n')], '/a') == [
        'template t is defined more than once: in /a and /a']


def test_main_includes_dir(tmp_path):
    main, dropins, _, _ = _tree(tmp_path)
    assert rv.main_includes_dir(main, dropins) is True
    assert rv.main_includes_dir(main, dropins + '/') is True
    assert rv.main_includes_dir(main, dropins + '.bak') is False
    with open(main, 'wb') as handle:  # bytes that are not UTF-8 anywhere in the file
        handle.write(b'# \xff\n$IncludeConfig /etc/\xfe/*.conf\n')
    assert rv.main_includes_dir(main, '/etc/\udcfe') is True
    assert rv.main_includes_dir(main, dropins) is False


def test_tree_of_a_missing_directory_holds_the_candidate_only(tmp_path):
    main, dropins, candidate, work = _tree(tmp_path)
    tree_main, mapping = rv.build_validation_tree(work, main, dropins + '-new/', '50-x.conf', candidate)
    tree_dir = os.path.join(work, 'rsyslog.d')
    assert os.listdir(tree_dir) == ['50-x.conf']
    assert mapping == {tree_dir: dropins + '-new', tree_main: main}


def test_tree_for_absent_of_a_file_that_is_not_there(tmp_path):
    main, dropins, _, work = _tree(tmp_path)
    tree_main, _ = rv.build_validation_tree(work, main, dropins, '60-none.conf', None)
    assert sorted(os.listdir(os.path.join(work, 'rsyslog.d'))) == ['10-other.conf', '50-x.conf']
    open(main, 'w').write('*.* /dev/null\n')
    work2 = str(tmp_path / 'work2')
    os.mkdir(work2)
    tree_main, _ = rv.build_validation_tree(work2, main, dropins, '50-x.conf', None)
    assert open(tree_main).read() == '*.* /dev/null\n'  # nothing to include when nothing is added


def test_tree_skips_dangling_links_keeps_bytes_and_the_main_config_name(tmp_path):
    main, dropins, candidate, work = _tree(tmp_path)
    os.symlink(str(tmp_path / 'gone'), os.path.join(dropins, '20-gone.conf'))
    renamed = str(tmp_path / 'etc' / 'main.conf')
    with open(renamed, 'wb') as handle:
        handle.write(b'# \xff\n$IncludeConfig ' + dropins.encode() + b'/*.conf\n$WorkDirectory /var/q/\n')
    tree_main, mapping = rv.build_validation_tree(work, renamed, dropins, '50-x.conf', candidate,
                                                  {'/var/z': '/t/z', '/var/q': '/t/q'})
    tree_dir = os.path.join(work, 'rsyslog.d')
    assert tree_main == os.path.join(work, 'main.conf')
    assert sorted(os.listdir(tree_dir)) == ['10-other.conf', '50-x.conf']
    assert open(tree_main, 'rb').read() == (b'# \xff\n$IncludeConfig ' + tree_dir.encode() + b'/*.conf\n'
                                            b'$WorkDirectory /t/q/\n')
    assert mapping == {tree_dir: dropins, tree_main: renamed, '/t/z': '/var/z', '/t/q': '/var/q'}


def test_tree_redirects_nested_directories_longest_name_last(tmp_path):
    # sorted(): /var/q before /var/q/sub; the second finds nothing left to redirect.
    main, dropins, candidate, work = _tree(tmp_path)
    open(main, 'w').write('$WorkDirectory /var/q/sub\n')
    redirects = {'/var/q/sub': '/t/s', '/var/q': '/t/q'}
    tree_main, _ = rv.build_validation_tree(work, main, dropins, '50-x.conf', None, redirects)
    assert open(tree_main).read() == '$WorkDirectory /t/q/sub\n'


@needs_rsyslogd
def test_check_accepts_a_good_candidate_in_a_temp_dir_it_removes(tmp_path):
    main, dropins, candidate, tmpdir = _etc(tmp_path)
    module = Module(tmpdir)
    assert rv.check_whole_config(module, RSYSLOGD, main, dropins, '50-x.conf', candidate) is None
    (argv,) = module.calls
    assert argv[:3] == [RSYSLOGD, '-N1', '-f'] and os.path.dirname(os.path.dirname(argv[3])) == str(tmpdir)
    assert os.path.basename(argv[3]) == 'rsyslog.conf'
    assert module.seen[0][0].startswith('alicloud_ops_rsyslog_check_')
    assert module.seen[0][1] == ['10-other.conf', '50-x.conf']
    assert os.listdir(str(tmpdir)) == []


@needs_rsyslogd
def test_check_refusal_names_the_field_the_file_and_rsyslogd_real_paths(tmp_path):
    main, dropins, candidate, tmpdir = _etc(tmp_path)
    open(candidate, 'w').write('*.* action(type="omfile" fil="/dev/null")\n')
    target = os.path.join(dropins, '50-x.conf')
    message = refusal(Module(tmpdir), main, dropins, '50-x.conf', candidate, field='content')
    assert message.startswith('content: rsyslogd -N1 rejected the configuration with the new %s (rc=1):\n'
                              'rsyslogd: error during parsing file %s, on or before line 1: ' % (target, target))
    assert 'config validation run' not in message and str(tmpdir) not in message
    assert refusal(Module(tmpdir), main, dropins, '50-x.conf', candidate).startswith(
        'rsyslogd -N1 rejected the configuration with the new %s (rc=1):\n' % target)
    assert os.listdir(str(tmpdir)) == []


# A template and an action that uses it, in two drop-ins.
TEMPLATE_AND_USER = {'20-tmpl.conf': 'template(name="T" type="string" string="%msg%")\n',
                     '30-use.conf': '*.* action(type="omfile" file="/dev/null" template="T")\n'}


@needs_rsyslogd
def test_check_of_a_removal(tmp_path):
    main, dropins, _candidate, tmpdir = _etc(tmp_path, siblings=TEMPLATE_AND_USER)
    module = Module(tmpdir)
    rv.check_whole_config(module, RSYSLOGD, main, dropins, '50-x.conf', None, field='state')
    assert module.seen[0][1] == ['10-other.conf', '20-tmpl.conf', '30-use.conf']
    assert refusal(Module(tmpdir), main, dropins, '20-tmpl.conf', None, field='state').startswith(
        'state: rsyslogd -N1 rejected the configuration removing %s (rc=1):\n' % os.path.join(dropins, '20-tmpl.conf'))


@needs_rsyslogd
def test_check_blames_the_main_config_only_for_a_field_and_when_it_fails_already(tmp_path):
    main, dropins, candidate, tmpdir = _etc(tmp_path, siblings={
        '10-other.conf': '*.* action(type="omfile" fil="/dev/null")\n'})
    module = Module(tmpdir)
    assert refusal(module, main, dropins, '50-x.conf', candidate, field='content').startswith(
        'main_config: rsyslogd -N1 rejects the configuration in %s and %s even without this change (rc=1):\n'
        'rsyslogd: error during parsing file %s, on or before line 1: '
        % (main, dropins, os.path.join(dropins, '10-other.conf')))
    # The second run is of the configuration as it is: the current target, not the candidate.
    assert [seen[0].split('_')[3] for seen in module.seen] == ['check', 'now']
    assert module.seen[1][1] == ['10-other.conf', '50-x.conf']
    module = Module(tmpdir)
    assert refusal(module, main, dropins, '50-x.conf', candidate).startswith(
        'rsyslogd -N1 rejected the configuration with the new')
    assert len(module.calls) == 1
    assert os.listdir(str(tmpdir)) == []


@needs_rsyslogd
def test_check_refuses_a_second_template_of_a_name_that_rsyslogd_accepts(tmp_path):
    main, dropins, candidate, tmpdir = _etc(tmp_path, siblings={
        '10-other.conf': 'template(name="T" type="string" string="a")\n',
        '40-x.txt': 'template(name="U" type="string" string="a")\n'})
    os.mkdir(os.path.join(dropins, '45-dir.conf'))
    with open(os.path.join(dropins, '20-bytes.conf'), 'wb') as handle:
        handle.write(b'# \xff\n')
    open(candidate, 'w').write('template(name="T" type="string" string="b")\ntemplate(name="U" type="string" '
                               'string="b")\n')
    assert refusal(Module(tmpdir), main, dropins, '50-x.conf', candidate, field='content') == (
        'content: the configuration with the new %s defines a template twice:\n'
        'template T is defined more than once: in %s and %s' % (
            os.path.join(dropins, '50-x.conf'), os.path.join(dropins, '10-other.conf'),
            os.path.join(dropins, '50-x.conf')))
    open(main, 'a').write('template(name="U" type="string" string="c")\n')
    assert refusal(Module(tmpdir), main, dropins, '50-x.conf', candidate).endswith(  # the main config is read first
        '\ntemplate U is defined more than once: in %s and %s\ntemplate T is defined more than once: in %s and %s' % (
            main, os.path.join(dropins, '50-x.conf'), os.path.join(dropins, '10-other.conf'),
            os.path.join(dropins, '50-x.conf')))


def test_check_reports_rsyslogd_stderr_then_stdout_or_its_rc(tmp_path):
    main, dropins, candidate, tmpdir = _etc(tmp_path)
    open(candidate, 'w').write('template(name="other" type="string" string="b")\n')
    module = Module(tmpdir, answer=(3, 'out line\n', 'err line\n'))
    assert refusal(module, main, dropins, '50-x.conf', candidate) == (
        'rsyslogd -N1 rejected the configuration with the new %s (rc=3):\nerr line\nout line'
        % os.path.join(dropins, '50-x.conf'))
    assert refusal(Module(tmpdir, answer=(2, '', '')), main, dropins, '50-x.conf', candidate).endswith(
        ' (rc=2):\nno message (rc=2)')


def test_check_reports_rsyslogd_rather_than_duplicates_when_both(tmp_path):
    main, dropins, candidate, tmpdir = _etc(tmp_path, siblings={
        '10-other.conf': 'template(name="T" type="string" string="a")\n'})
    open(candidate, 'w').write('template(name="T" type="string" string="b")\n')
    assert refusal(Module(tmpdir, answer=(1, '', 'bad\n')), main, dropins, '50-x.conf', candidate).endswith(
        ' (rc=1):\nbad')


def test_check_maps_missing_directories_to_temp_ones_and_back(tmp_path):
    main, dropins, candidate, tmpdir = _etc(tmp_path)
    open(main, 'a').write('$WorkDirectory /var/a\nglobal(x="/var/b")\n')
    module = Module(tmpdir, answer=(1, '', 'no room in {0}/missing0 nor {0}/missing1\n'))
    module.run_command = _rewriting(module.run_command)
    assert refusal(module, main, dropins, '50-x.conf', candidate, missing_dirs=('/var/a', '/var/b')).endswith(
        ' (rc=1):\nno room in /var/a nor /var/b')
    workdir = os.path.join(str(tmpdir), module.seen[0][0])
    assert module.seen[0][2].endswith('$WorkDirectory %s/missing0\nglobal(x="%s/missing1")\n' % (workdir, workdir))


def _rewriting(run_command):
    """run_command whose stderr names the temp dir of the run ({0} in the answer), checking the stand-ins exist."""
    def run(argv):
        rc, out, err = run_command(argv)
        workdir = os.path.dirname(argv[-1])
        assert os.path.isdir(os.path.join(workdir, 'missing0')) and os.path.isdir(os.path.join(workdir, 'missing1'))
        return rc, out, err.format(workdir)
    return run


def test_check_names_what_cannot_be_read(tmp_path):
    main, dropins, candidate, tmpdir = _etc(tmp_path)
    module = Module(tmpdir, answer=(0, '', ''))
    assert refusal(module, main + '.gone', dropins, '50-x.conf', candidate, field='content').startswith(
        'dropin_dir: the configuration in %s and %s cannot be read for validation: [Errno 2] No such file or '
        'directory: ' % (dropins, main + '.gone'))
    assert module.calls == [] and os.listdir(str(tmpdir)) == []


def test_fails_without_the_change_runs_the_current_configuration(tmp_path):
    main, dropins, _candidate, tmpdir = _etc(tmp_path)
    module = Module(tmpdir, answer=(1, '', ''))
    assert rv.fails_without_the_change(module, RSYSLOGD, main, dropins, '50-x.conf') is True
    assert module.seen[0][0].startswith('alicloud_ops_rsyslog_now_')
    assert os.path.dirname(os.path.dirname(module.calls[0][3])) == str(tmpdir)
    assert module.seen[0][1] == ['10-other.conf', '50-x.conf'] and module.calls[0][:3] == [RSYSLOGD, '-N1', '-f']
    module = Module(tmpdir, answer=(0, '', ''))
    assert rv.fails_without_the_change(module, RSYSLOGD, main, dropins, '60-new.conf') is False
    assert module.seen[0][1] == ['10-other.conf', '50-x.conf']
    assert rv.fails_without_the_change(module, RSYSLOGD, main + '.gone', dropins, '50-x.conf') is False
    assert os.listdir(str(tmpdir)) == []


def test_make_validator_checks_each_candidate_with_its_settings(tmp_path):
    main, dropins, candidate, tmpdir = _etc(tmp_path)
    open(main, 'a').write('$WorkDirectory /var/a\n')
    module = Module(tmpdir, answer=(1, '', 'bad\n'))
    validate = rv.make_validator(module, RSYSLOGD, main, dropins, '55-y.conf', missing_dirs=('/var/a',),
                                 field='forward')
    with pytest.raises(ValidationFailed) as refused:
        validate(candidate)
    assert str(refused.value).startswith('main_config: ')  # forward is a field: the current config is run too
    assert module.seen[0][1] == ['10-other.conf', '50-x.conf', '55-y.conf']
    assert '/missing0\n' in module.seen[0][2] and module.calls[0][0] == RSYSLOGD


def test_a_failed_cleanup_never_hides_the_verdict(tmp_path):
    # Whatever happens to the temp dir meanwhile (here: it is gone), the refusal is what the caller gets.
    main, dropins, candidate, tmpdir = _etc(tmp_path)
    module = Module(tmpdir, answer=(1, '', 'bad\n'))
    run_command = module.run_command

    def run_and_remove(argv):
        answer = run_command(argv)
        shutil.rmtree(os.path.dirname(argv[-1]))
        return answer
    module.run_command = run_and_remove
    assert refusal(module, main, dropins, '50-x.conf', candidate, field='content').endswith(' (rc=1):\nbad')
    assert len(module.calls) == 2 and os.listdir(str(tmpdir)) == []
