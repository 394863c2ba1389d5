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
