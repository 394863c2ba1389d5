import os

import pytest
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_ops.logging.plugins.module_utils import file_state
from tests.support.module_harness import patch_module_args


def make_module(check_mode=False):
    with patch_module_args({'_ansible_check_mode': check_mode}):
        return AnsibleModule(argument_spec={}, supports_check_mode=True)


def test_creates_file_with_diff_and_mode(tmp_path):
    path = str(tmp_path / 'a.conf')
    res = file_state.ensure_file(make_module(), path, 'hello\n', mode='0640')
    assert res.changed and res.content_changed
    assert open(path).read() == 'hello\n'
    assert oct(os.stat(path).st_mode & 0o777) == '0o640'
    assert res.diff['before'] == '' and res.diff['after'] == 'hello\n'
    assert res.diff['before_header'].endswith('(absent)')
    again = file_state.ensure_file(make_module(), path, 'hello\n', mode='0640')
    assert not again.changed


def test_check_mode_touches_nothing(tmp_path):
    path = str(tmp_path / 'a.conf')
    res = file_state.ensure_file(make_module(check_mode=True), path, 'x\n', mode='0600')
    assert res.changed and not os.path.exists(path)
    (tmp_path / 'b.conf').write_text('old\n')
    res = file_state.ensure_file(make_module(check_mode=True), str(tmp_path / 'b.conf'), 'new\n')
    assert res.changed and (tmp_path / 'b.conf').read_text() == 'old\n'
    assert res.diff['before'] == 'old\n' and res.diff['after'] == 'new\n'


def test_mode_only_change_is_reported(tmp_path):
    path = tmp_path / 'a.conf'
    path.write_text('same\n')
    os.chmod(str(path), 0o600)
    res = file_state.ensure_file(make_module(), str(path), 'same\n', mode='0644')
    assert res.changed and not res.content_changed
    assert oct(os.stat(str(path)).st_mode & 0o777) == '0o644'


def test_failed_validation_leaves_old_file(tmp_path):
    path = tmp_path / 'a.conf'
    path.write_text('good\n')
    seen = []

    def validate(candidate):
        seen.append(open(candidate).read())
        assert os.path.basename(candidate) == 'a.conf'
        assert os.path.dirname(candidate) != str(tmp_path)
        raise file_state.ValidationFailed('bad line 1')

    with pytest.raises(file_state.ValidationFailed, match='bad line 1'):
        file_state.ensure_file(make_module(), str(path), 'bad\n', validate=validate)
    assert seen == ['bad\n']
    assert path.read_bytes() == b'good\n'
    assert sorted(os.listdir(str(tmp_path))) == ['a.conf']


def test_validator_not_called_when_unchanged(tmp_path):
    path = tmp_path / 'a.conf'
    path.write_text('same\n')

    def validate(candidate):
        raise AssertionError('must not run')

    res = file_state.ensure_file(make_module(), str(path), 'same\n', validate=validate)
    assert not res.changed and not res.validated


def test_secret_diff_is_redacted(tmp_path):
    path = str(tmp_path / 's')
    res = file_state.ensure_file(make_module(), path, 'password=hunter2\n', secret=True)
    assert 'hunter2' not in repr(res.diff)


def test_absent(tmp_path):
    path = tmp_path / 'a.conf'
    path.write_text('x\n')
    res = file_state.ensure_absent(make_module(check_mode=True), str(path))
    assert res.changed and path.exists()
    res = file_state.ensure_absent(make_module(), str(path))
    assert res.changed and not path.exists()
    assert res.diff['after_header'].endswith('(absent)')
    assert not file_state.ensure_absent(make_module(), str(path)).changed


def test_summarize(tmp_path):
    results = [file_state.FileResult('a', False, {}), file_state.FileResult('b', True, {'x': 1})]
    assert file_state.summarize(results) == (True, [{'x': 1}])


def test_fileset_validates_every_file_before_writing_any(tmp_path):
    (tmp_path / 'a.conf').write_text('old a\n')

    def refuse(candidate):
        raise file_state.ValidationFailed('b is bad')
    files = file_state.FileSet(make_module())
    files.want(str(tmp_path / 'a.conf'), 'new a\n')
    with pytest.raises(file_state.ValidationFailed, match='b is bad'):
        files.want(str(tmp_path / 'b.conf'), 'new b\n', validate=refuse)
    assert (tmp_path / 'a.conf').read_text() == 'old a\n' and not (tmp_path / 'b.conf').exists()


def test_fileset_commit_failure_rolls_back_staged_files_and_new_directories(tmp_path):
    (tmp_path / 'a.conf').write_text('old a\n')
    files = file_state.FileSet(make_module())
    files.want(str(tmp_path / 'a.conf'), 'new a\n')
    files.want(str(tmp_path / 'new' / 'deeper' / 'c.conf'), 'c\n', create_parent=True)
    files.want(str(tmp_path / 'late' / 'b.conf'), 'b\n', create_parent=True, field='b_path')
    # Something takes the directory's place between plan and commit: staging b fails.
    (tmp_path / 'late').write_text('now a file\n')
    with pytest.raises(file_state.FileError, match='^b_path: .*late/b.conf: '):
        files.commit()
    assert sorted(os.listdir(str(tmp_path))) == ['a.conf', 'late']
    assert (tmp_path / 'a.conf').read_text() == 'old a\n'


def test_fileset_writes_all_and_reports_each(tmp_path):
    files = file_state.FileSet(make_module())
    first = files.want(str(tmp_path / 'a.conf'), 'a\n')
    second = files.want(str(tmp_path / 'sub' / 'b.conf'), 'b\n', create_parent=True, mode='0600')
    spool = files.directory(str(tmp_path / 'spool'), 0o700)
    assert files.commit() == [first, second]
    assert spool['after'] == {'path': str(tmp_path / 'spool'), 'state': 'directory'}
    assert oct(os.stat(str(tmp_path / 'spool')).st_mode & 0o777) == '0o700'
    assert oct(os.stat(str(tmp_path / 'sub' / 'b.conf')).st_mode & 0o777) == '0o600'
    assert [n for n in os.listdir(str(tmp_path)) if n.startswith('.')] == []


@pytest.mark.parametrize('mode, expected', [('0640', 0o640), (0o600, 0o600), ('u=rw,g=r,o=', 0o640), ('go-r', 0o600),
                                            ('755', 0o755)])
def test_modes_resolve_before_the_write(tmp_path, mode, expected):
    path = str(tmp_path / 'a.conf')
    file_state.ensure_file(make_module(), path, 'x\n', mode=mode)
    assert os.stat(path).st_mode & 0o7777 == expected


@pytest.mark.parametrize('options, needle', [
    ({'mode': 'banana'}, "^mode: .*'banana' is neither an octal mode"),
    ({'mode': '99'}, '^mode: '),
    ({'mode': True}, '^mode: .*expected an octal string'),
    ({'mode': 0o170644}, '^mode: .*bits other than permissions'),
    ({'owner': 'no-such-user-i8'}, "^owner: .*no such user 'no-such-user-i8'"),
    ({'group': 'no-such-group-i8'}, "^group: .*no such group 'no-such-group-i8'"),
])
def test_bad_attributes_are_refused_naming_the_option(tmp_path, options, needle):
    with pytest.raises(file_state.FileError, match=needle):
        file_state.ensure_file(make_module(), str(tmp_path / 'a.conf'), 'x\n', **options)
    assert os.listdir(str(tmp_path)) == []


def test_paths_that_cannot_hold_a_file(tmp_path):
    (tmp_path / 'dir.conf').mkdir()
    (tmp_path / 'file').write_text('x')
    os.symlink(str(tmp_path / 'nowhere'), str(tmp_path / 'dangling'))
    cases = [
        ('relative/a.conf', {}, 'must be an absolute path'),
        (str(tmp_path / 'dir.conf'), {}, 'is a directory, not a file'),
        (str(tmp_path / 'file' / 'a.conf'), {'create_parent': True}, 'is not a directory'),
        (str(tmp_path / 'missing' / 'a.conf'), {}, 'directory .*missing does not exist'),
        (str(tmp_path / ('n' * 300)), {}, 'longer than the 255 bytes'),
        (str(tmp_path / 'dangling'), {}, 'dangling symbolic link'),
        ('/dev/null', {}, 'is not a regular file'),
    ]
    for path, options, needle in cases:
        with pytest.raises(file_state.FileError, match='^my_field: .*' + needle):
            file_state.ensure_file(make_module(), path, 'x\n', field='my_field', **options)
    with pytest.raises(file_state.FileError, match='^content: .*cannot be written as UTF-8'):
        file_state.ensure_file(make_module(), str(tmp_path / 'a.conf'), 'lone \ud800 surrogate')
    with pytest.raises(file_state.FileError, match='^p: .*is a directory'):
        file_state.ensure_absent(make_module(), str(tmp_path / 'dir.conf'), field='p')


def test_new_file_mode_ignores_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        file_state.ensure_file(make_module(), str(tmp_path / 'd' / 'a.conf'), 'x\n', create_parent=True)
    finally:
        os.umask(old)
    assert os.stat(str(tmp_path / 'd' / 'a.conf')).st_mode & 0o777 == 0o644
    assert os.stat(str(tmp_path / 'd')).st_mode & 0o777 == 0o755


def test_undecodable_bytes_round_trip_unchanged(tmp_path):
    path = tmp_path / 'a.conf'
    path.write_bytes(b'latin1 \xe9\n')
    text = file_state.read_text(str(path))
    assert not file_state.ensure_file(make_module(), str(path), text).changed
    assert path.read_bytes() == b'latin1 \xe9\n'


def test_messages_and_diffs_are_valid_utf8_for_the_controller():
    # rsyslogd quotes the bad bytes of a file it refuses; the controller rejects lone surrogates.
    exc = file_state.ValidationFailed('invalid character \udcfe here')
    assert str(exc) == 'invalid character \ufffd here'
    diff = file_state.file_diff('/x', 'caf\udce9\n', 'new\n')
    assert diff['before'] == 'caf\ufffd\n'


@pytest.mark.parametrize('mode', ['07777', '4755', '2755', '1644', '0666', '0646', 'o+w', 'a=rwx', 'u+s', '+t', 0o4755,
                                  0o1777, 0o2000, 2 ** 40])
def test_modes_a_file_root_reads_must_not_have_are_refused_before_the_write(tmp_path, mode):
    # Issue 19: "07777" wrote a world-writable sticky drop-in that root's rsyslog reads; "4755" became 0755.
    path = tmp_path / 'a.conf'
    path.write_text('old\n')
    os.chmod(str(path), 0o644)
    with pytest.raises(file_state.FileError, match='^mode: '):
        file_state.ensure_file(make_module(), str(path), 'new\n', mode=mode)
    assert path.read_text() == 'old\n' and os.stat(str(path)).st_mode & 0o7777 == 0o644
    assert sorted(os.listdir(str(tmp_path))) == ['a.conf']


def test_a_bad_directory_part_names_the_directory_option(tmp_path):
    # Issue 19: a NUL in dropin_dir was reported as a problem of name.
    with pytest.raises(file_state.FileError, match='^dir_opt: '):
        file_state.ensure_file(make_module(), str(tmp_path) + '/d\x00/a.conf', 'x\n', field='name_opt',
                               parent_field='dir_opt', create_parent=True)
    with pytest.raises(file_state.FileError, match='^name_opt: '):
        file_state.ensure_file(make_module(), str(tmp_path) + '/d/a\x00.conf', 'x\n', field='name_opt',
                               parent_field='dir_opt', create_parent=True)
    (tmp_path / 'file').write_text('x')
    with pytest.raises(file_state.FileError, match='^dir_opt: .*is not a directory'):
        file_state.ensure_absent(make_module(), str(tmp_path / 'file' / 'a.conf'), field='name_opt',
                                 parent_field='dir_opt')


def spy_staging(monkeypatch):
    """Record the directory each temp file is made in and each rename, calling the real functions."""
    made, renamed = [], []
    real_mkstemp, real_rename = file_state.tempfile.mkstemp, file_state.os.rename

    def mkstemp(*args, **kwargs):
        fd, tmp = real_mkstemp(*args, **kwargs)
        made.append((kwargs.get('dir'), tmp))
        return fd, tmp

    def rename(src, dst):
        renamed.append((src, dst))
        return real_rename(src, dst)
    monkeypatch.setattr(file_state.tempfile, 'mkstemp', mkstemp)
    monkeypatch.setattr(file_state.os, 'rename', rename)
    return made, renamed


def test_temp_files_are_staged_beside_their_targets(tmp_path, monkeypatch):
    # Issue 25: a temp file made elsewhere (the default temp dir) makes the rename non-atomic, or fail across
    # filesystems; tmp_path is itself under the temp dir, so only the recorded directory shows it.
    (tmp_path / 'a.conf').write_text('old\n')
    made, renamed = spy_staging(monkeypatch)
    files = file_state.FileSet(make_module())
    files.want(str(tmp_path / 'a.conf'), 'new\n')
    files.want(str(tmp_path / 'new' / 'b.conf'), 'b\n', create_parent=True)
    files.commit()
    targets = [str(tmp_path / 'a.conf'), str(tmp_path / 'new' / 'b.conf')]
    assert [directory for directory, _tmp in made] == [str(tmp_path), str(tmp_path / 'new')]
    assert [os.path.dirname(tmp) for _directory, tmp in made] == [str(tmp_path), str(tmp_path / 'new')]
    assert [dst for _src, dst in renamed] == targets
    for (src, dst), target in zip(renamed, targets):
        assert os.path.dirname(src) == os.path.dirname(target)
        assert os.path.basename(src).startswith('.%s.' % os.path.basename(target)) and src.endswith('.tmp')
    assert (tmp_path / 'a.conf').read_text() == 'new\n' and (tmp_path / 'new' / 'b.conf').read_text() == 'b\n'
    assert sorted(os.listdir(str(tmp_path))) == ['a.conf', 'new'] and os.listdir(str(tmp_path / 'new')) == ['b.conf']


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason='changing a file owner needs root')


def owned(path, uid, gid, mode=0o640):
    os.chown(str(path), uid, gid)
    os.chmod(str(path), mode)


def ids(path):
    st = os.stat(str(path))
    return st.st_uid, st.st_gid, st.st_mode & 0o7777


@needs_root
def test_rewritten_file_keeps_its_owner_group_and_mode(tmp_path):
    path = tmp_path / 'a.conf'
    path.write_text('old\n')
    owned(path, 1234, 2345)
    res = file_state.ensure_file(make_module(), str(path), 'new\n')
    assert res.changed and path.read_text() == 'new\n'
    assert ids(path) == (1234, 2345, 0o640)
    assert 'attributes_after' not in res.diff


@needs_root
@pytest.mark.parametrize('content', ['old\n', 'new\n'])
@pytest.mark.parametrize('options, expected, attrs_before, attrs_after', [
    ({'owner': '4321'}, (4321, 2345), {'owner': 1234}, {'owner': 4321}),
    ({'group': 5432}, (1234, 5432), {'group': 2345}, {'group': 5432}),
    ({'owner': 4321, 'group': '5432'}, (4321, 5432), {'owner': 1234, 'group': 2345}, {'owner': 4321, 'group': 5432}),
    ({'owner': 1234, 'group': 2345}, (1234, 2345), None, None),
])
def test_owner_and_group_change_only_what_is_asked(tmp_path, content, options, expected, attrs_before, attrs_after):
    # 'old\n': an attribute-only change (set in place); 'new\n': a rewrite (set on the temp file).
    path = tmp_path / 'a.conf'
    path.write_text('old\n')
    owned(path, 1234, 2345)
    res = file_state.ensure_file(make_module(), str(path), content, **options)
    assert ids(path) == expected + (0o640,)
    assert path.read_text() == content
    assert res.changed == (content != 'old\n' or attrs_after is not None)
    assert res.diff.get('attributes_before') == attrs_before and res.diff.get('attributes_after') == attrs_after
    again = file_state.ensure_file(make_module(), str(path), content, **options)
    assert not again.changed and ids(path) == expected + (0o640,)


@needs_root
def test_new_file_gets_the_owner_and_group_asked_for_or_the_writer_s(tmp_path):
    file_state.ensure_file(make_module(), str(tmp_path / 'a.conf'), 'x\n', owner='1234', group='2345', mode='0600')
    assert ids(tmp_path / 'a.conf') == (1234, 2345, 0o600)
    file_state.ensure_file(make_module(), str(tmp_path / 'b.conf'), 'x\n', group='2345')
    assert ids(tmp_path / 'b.conf') == (os.geteuid(), 2345, 0o644)
    file_state.ensure_file(make_module(), str(tmp_path / 'c.conf'), 'x\n')
    assert ids(tmp_path / 'c.conf') == (os.geteuid(), os.getegid(), 0o644)


@needs_root
def test_check_mode_reports_an_owner_change_without_making_it(tmp_path):
    path = tmp_path / 'a.conf'
    path.write_text('same\n')
    owned(path, 1234, 2345)
    res = file_state.ensure_file(make_module(check_mode=True), str(path), 'same\n', owner=4321)
    assert res.changed and not res.content_changed
    assert res.diff['attributes_before'] == {'owner': 1234} and res.diff['attributes_after'] == {'owner': 4321}
    assert ids(path) == (1234, 2345, 0o640)


@pytest.mark.parametrize('name, ok', [
    ('n' * 255, True), ('n' * 256, False),
    ('\u00e9' * 127 + 'n', True), ('\u00e9' * 128, False),       # counted in bytes: 255 and 256 in UTF-8
], ids=['255-ascii', '256-ascii', '255-utf8', '256-utf8'])
def test_file_name_of_255_bytes_is_written_and_of_256_refused(tmp_path, name, ok):
    # Issue 25: NAME_MAX (255 bytes on ext4, xfs, tmpfs) was tested only far past it.
    path = str(tmp_path / name)
    if ok:
        assert file_state.ensure_file(make_module(), path, 'x\n').changed and os.listdir(str(tmp_path)) == [name]
    else:
        with pytest.raises(file_state.FileError, match='^path: .*is longer than the 255 bytes a file name may have'):
            file_state.ensure_file(make_module(), path, 'x\n')
        assert os.listdir(str(tmp_path)) == []


def test_a_new_directory_name_of_256_bytes_is_refused_naming_the_directory_option(tmp_path):
    with pytest.raises(file_state.FileError, match='^dir_opt: .*longer than the 255 bytes'):
        file_state.ensure_file(make_module(), str(tmp_path / ('d' * 256) / 'a.conf'), 'x\n', create_parent=True,
                               parent_field='dir_opt')
    file_state.ensure_file(make_module(), str(tmp_path / ('d' * 255) / 'a.conf'), 'x\n', create_parent=True)
    assert os.listdir(str(tmp_path)) == ['d' * 255]


REDACTED = '<redacted: content hidden because it holds secrets>\n'


def test_read_bytes_answers_none_for_a_missing_file_and_names_the_field_of_any_other_failure(tmp_path):
    assert file_state.read_bytes(str(tmp_path / 'missing')) is None
    assert file_state.read_text(str(tmp_path / 'missing')) is None
    (tmp_path / 'file').write_bytes(b'caf\xc3\xa9 \xe9\n')
    assert file_state.read_bytes(str(tmp_path / 'file')) == b'caf\xc3\xa9 \xe9\n'
    assert file_state.read_text(str(tmp_path / 'file')) == 'caf\u00e9 \udce9\n'
    for read in (file_state.read_bytes, file_state.read_text):
        with pytest.raises(file_state.FileError, match='^path: %s: is a directory, not a file$' % tmp_path) as err:
            read(str(tmp_path))
        assert err.value.option == 'path' and err.value.path == str(tmp_path)
        with pytest.raises(file_state.FileError, match='^opt: %s/file/x: Not a directory$' % tmp_path) as err:
            read(str(tmp_path / 'file' / 'x'), 'opt')
        assert err.value.option == 'opt' and err.value.path == str(tmp_path / 'file' / 'x')


@pytest.mark.parametrize('before, after, secret, expected', [
    (None, 'new\n', False, {'before': '', 'after': 'new\n', 'before_header': '/p (absent)', 'after_header': '/p'}),
    ('old\n', None, False, {'before': 'old\n', 'after': '', 'before_header': '/p', 'after_header': '/p (absent)'}),
    (None, None, False, {'before': '', 'after': '', 'before_header': '/p (absent)', 'after_header': '/p (absent)'}),
    ('old\n', 'new\n', True, {'before': REDACTED, 'after': REDACTED, 'before_header': '/p', 'after_header': '/p'}),
    (None, 'new\n', True, {'before': '', 'after': REDACTED, 'before_header': '/p (absent)', 'after_header': '/p'}),
    ('old\n', None, True, {'before': REDACTED, 'after': '', 'before_header': '/p', 'after_header': '/p (absent)'}),
])
def test_file_diff_marks_a_missing_side_absent_and_redacts_only_the_sides_that_exist(before, after, secret, expected):
    assert file_state.file_diff('/p', before, after, secret=secret) == expected


def module_with_tmpdir(tmp_path, check_mode=False):
    module = make_module(check_mode)
    module._tmpdir = str(tmp_path / 'module_tmp')
    os.mkdir(module._tmpdir)
    return module


@pytest.mark.parametrize('check_mode', [False, True])
def test_the_validator_reads_a_private_copy_under_the_module_tmpdir_removed_afterwards(tmp_path, check_mode):
    module = module_with_tmpdir(tmp_path, check_mode)
    seen = []

    def validate(candidate):
        workdir = os.path.dirname(candidate)
        with open(candidate, 'rb') as handle:
            seen.append((os.path.dirname(workdir), os.path.basename(workdir)[:22], os.path.basename(candidate),
                         handle.read()))
    res = file_state.ensure_file(module, str(tmp_path / 'etc.conf'), 'caf\u00e9 \udce9\n', validate=validate)
    assert seen == [(module.tmpdir, 'alicloud_ops_validate_', 'etc.conf', b'caf\xc3\xa9 \xe9\n')]
    assert res.validated is True and res.changed is True and res.content_changed is True
    assert os.listdir(module.tmpdir) == []
    assert os.path.exists(str(tmp_path / 'etc.conf')) != check_mode


def test_validate_candidate_writes_text_as_utf8_and_cleans_up_after_a_failure_or_a_validator_that_cleaned_up(
        tmp_path):
    seen = []

    def refuse(candidate):
        seen.append(open(candidate, 'rb').read())
        raise file_state.ValidationFailed('no')
    with pytest.raises(file_state.ValidationFailed, match='^no$'):
        file_state.validate_candidate('caf\u00e9 \udce9\n', 'a.conf', refuse, str(tmp_path))
    assert seen == [b'caf\xc3\xa9 \xe9\n'] and os.listdir(str(tmp_path)) == []

    def remove_own_dir(candidate):
        # A validating tool that removes its input and the directory it was in must not fail the write.
        os.unlink(candidate)
        os.rmdir(os.path.dirname(candidate))
    file_state.validate_candidate(b'x\n', 'a.conf', remove_own_dir, str(tmp_path))
    assert os.listdir(str(tmp_path)) == []


def test_an_unchanged_file_reports_a_mode_change_as_attributes_in_four_octal_digits(tmp_path):
    path = tmp_path / 'a.conf'
    path.write_text('same\n')
    os.chmod(str(path), 0o600)
    res = file_state.ensure_file(make_module(), str(path), 'same\n', mode='0644')
    assert res.changed is True and res.content_changed is False and res.validated is False
    assert res.path == str(path)
    assert res.diff == {'before': 'same\n', 'after': 'same\n', 'before_header': str(path), 'after_header': str(path),
                        'attributes_before': {'mode': '0600'}, 'attributes_after': {'mode': '0644'}}
    again = file_state.ensure_file(make_module(), str(path), 'same\n', mode='0644')
    assert again.changed is False and again.content_changed is False
    assert again.diff == {'before': 'same\n', 'after': 'same\n', 'before_header': str(path),
                          'after_header': str(path)}


def test_default_mode_is_for_new_files_only(tmp_path):
    path = tmp_path / 'old.conf'
    path.write_text('old\n')
    os.chmod(str(path), 0o640)
    file_state.ensure_file(make_module(), str(path), 'new\n', default_mode=0o600)
    file_state.ensure_file(make_module(), str(tmp_path / 'new.conf'), 'new\n', default_mode=0o600)
    assert ids(path)[2] == 0o640 and ids(tmp_path / 'new.conf')[2] == 0o600


def test_a_directory_is_planned_with_its_diff_and_created_with_its_mode_its_parents_0755(tmp_path):
    files = file_state.FileSet(make_module())
    assert files.directory(str(tmp_path)) is None
    spool = str(tmp_path / 'a' / 'b' / 'spool')
    assert files.directory(spool, 0o700) == {'before': {'path': spool, 'state': 'absent'},
                                             'after': {'path': spool, 'state': 'directory'}}
    plain = str(tmp_path / 'plain')
    assert files.directory(plain)['after'] == {'path': plain, 'state': 'directory'}
    old = os.umask(0o077)
    try:
        assert files.commit() == []
    finally:
        os.umask(old)
    assert [ids(tmp_path / d)[2] for d in ('a', 'a/b', 'a/b/spool', 'plain')] == [0o755, 0o755, 0o700, 0o755]
    assert file_state.FileSet(make_module()).directory(spool) is None


def test_a_directory_that_cannot_be_made_at_commit_names_its_field_and_undoes_the_rest(tmp_path):
    files = file_state.FileSet(make_module())
    files.want(str(tmp_path / 'a.conf'), 'a\n')
    files.directory(str(tmp_path / 'new' / 'spool'), field='spool_dir')
    files.directory(str(tmp_path / 'late' / 'spool'), field='late_dir')
    (tmp_path / 'late').write_text('now a file\n')
    with pytest.raises(file_state.FileError, match='^late_dir: %s: ' % (tmp_path / 'late' / 'spool')):
        files.commit()
    assert sorted(os.listdir(str(tmp_path))) == ['late']
    with pytest.raises(file_state.FileError, match='^path: .*exists and is not a directory'):
        file_state.FileSet(make_module()).directory(str(tmp_path / 'late'))


def test_absent_under_a_missing_directory_is_unchanged_and_never_read(tmp_path, monkeypatch):
    path = str(tmp_path / 'missing' / 'a.conf')
    res = file_state.ensure_absent(make_module(), path)
    assert (res.path, res.changed, res.content_changed) == (path, False, False)
    assert res.diff == {'before': '', 'after': '', 'before_header': path + ' (absent)',
                        'after_header': path + ' (absent)'}

    def unreadable(*args, **kwargs):
        raise OSError(5, 'Input/output error')
    # A missing file is not opened: a read that could only fail would fail the removal of nothing.
    monkeypatch.setattr(file_state, 'open', unreadable, raising=False)
    assert file_state.ensure_absent(make_module(), str(tmp_path / 'b.conf')).changed is False


def test_absent_reads_the_file_for_its_diff_naming_the_field_when_that_fails(tmp_path, monkeypatch):
    (tmp_path / 'a.conf').write_text('password=hunter2\n')

    def unreadable(*args, **kwargs):
        raise OSError(5, 'Input/output error')
    monkeypatch.setattr(file_state, 'open', unreadable, raising=False)
    with pytest.raises(file_state.FileError, match='^conf_path: %s: Input/output error$' % (tmp_path / 'a.conf')):
        file_state.ensure_absent(make_module(), str(tmp_path / 'a.conf'), field='conf_path')
    with pytest.raises(file_state.FileError, match='^path: '):
        file_state.ensure_absent(make_module(), str(tmp_path / 'a.conf'))
    assert (tmp_path / 'a.conf').exists()


@pytest.mark.parametrize('secret, shown', [(False, 'password=hunter2\n'), (True, REDACTED)])
def test_absent_diff_shows_the_removed_content_unless_secret(tmp_path, secret, shown):
    path = tmp_path / 'a.conf'
    path.write_text('password=hunter2\n')
    options = {'secret': True} if secret else {}
    res = file_state.ensure_absent(make_module(), str(path), **options)
    assert (res.path, res.changed, res.content_changed) == (str(path), True, True)
    assert res.diff == {'before': shown, 'after': '', 'before_header': str(path),
                        'after_header': '%s (absent)' % path}
    assert not path.exists()


def test_a_removal_that_fails_at_commit_names_its_field(tmp_path):
    (tmp_path / 'a.conf').write_text('x\n')
    files = file_state.FileSet(make_module())
    files.absent(str(tmp_path / 'a.conf'), field='old_path')
    os.unlink(str(tmp_path / 'a.conf'))
    os.mkdir(str(tmp_path / 'a.conf'))
    with pytest.raises(file_state.FileError, match='^old_path: %s: ' % (tmp_path / 'a.conf')):
        files.commit()


def test_a_rename_that_fails_at_commit_leaves_no_temp_file_behind(tmp_path):
    files = file_state.FileSet(make_module())
    files.want(str(tmp_path / 'a.conf'), 'a\n')
    files.want(str(tmp_path / 'b.conf'), 'b\n', field='b_path')
    files.want(str(tmp_path / 'c.conf'), 'c\n')
    # b's place is taken by a directory after planning: its rename fails after a's succeeded.
    os.mkdir(str(tmp_path / 'b.conf'))
    with pytest.raises(file_state.FileError, match='^b_path: %s: ' % (tmp_path / 'b.conf')):
        files.commit()
    assert sorted(os.listdir(str(tmp_path))) == ['a.conf', 'b.conf']
    assert os.listdir(str(tmp_path / 'b.conf')) == []


def test_a_long_file_name_is_staged_under_the_first_100_characters_of_its_name(tmp_path, monkeypatch):
    made, _renamed = spy_staging(monkeypatch)
    name = 'a' * 100 + 'b' * 155
    file_state.ensure_file(make_module(), str(tmp_path / name), 'x\n')
    assert len(made) == 1 and os.path.basename(made[0][1]).startswith('.%s.' % ('a' * 100))


def selinux_module(monkeypatch, calls):
    module = make_module()
    monkeypatch.setattr(module, 'selinux_enabled', lambda: True)
    monkeypatch.setattr(module, 'selinux_context', lambda path: ['context of', path])
    monkeypatch.setattr(module, 'selinux_default_context', lambda path: ['default context for', path])
    monkeypatch.setattr(module, 'set_context_if_different',
                        lambda path, context, changed, diff=None: calls.append((path, context)) or changed)
    return module


def test_with_selinux_the_temp_file_gets_the_target_s_context_or_its_default(tmp_path, monkeypatch):
    (tmp_path / 'old.conf').write_text('old\n')
    calls = []
    made, _renamed = spy_staging(monkeypatch)
    files = file_state.FileSet(selinux_module(monkeypatch, calls))
    files.want(str(tmp_path / 'old.conf'), 'new\n')
    files.want(str(tmp_path / 'new.conf'), 'new\n')
    files.commit()
    assert calls == [(made[0][1], ['context of', str(tmp_path / 'old.conf')]),
                     (made[1][1], ['default context for', str(tmp_path / 'new.conf')])]
    assert [os.path.dirname(tmp) for _directory, tmp in made] == [str(tmp_path)] * 2


def failing_chown(monkeypatch):
    """os.chown refused as for a user who is not root; the calls recorded."""
    calls = []

    def chown(path, uid, gid):
        calls.append((os.path.dirname(path), uid, gid))
        raise PermissionError(1, 'Operation not permitted')
    monkeypatch.setattr(file_state.os, 'chown', chown)
    return calls


@needs_root
def test_keeping_an_owner_is_best_effort_but_an_asked_owner_or_group_must_be_set(tmp_path, monkeypatch):
    path = tmp_path / 'a.conf'
    path.write_text('old\n')
    owned(path, 1234, 2345)
    calls = failing_chown(monkeypatch)
    assert file_state.ensure_file(make_module(), str(path), 'new\n').changed
    assert calls == [(str(tmp_path), 1234, 2345)] and path.read_text() == 'new\n'
    for options in ({'owner': 4321}, {'group': 5432}):
        with pytest.raises(file_state.FileError, match='^path: %s: Operation not permitted$' % path):
            file_state.ensure_file(make_module(), str(path), 'newer\n', **options)
        assert path.read_text() == 'new\n' and os.listdir(str(tmp_path)) == ['a.conf']


@needs_root
@pytest.mark.parametrize('options, expected', [({'owner': 1}, (1, os.getegid())), ({'group': 1}, (os.geteuid(), 1))])
def test_a_new_file_gets_an_owner_or_a_group_asked_alone(tmp_path, options, expected):
    file_state.ensure_file(make_module(), str(tmp_path / 'a.conf'), 'x\n', **options)
    assert ids(tmp_path / 'a.conf') == expected + (0o644,)


def failing_open(monkeypatch):
    """Every open() of file_state fails as on a bad disk (EIO): what reads a file then fails."""
    def unreadable(*args, **kwargs):
        raise OSError(5, 'Input/output error')
    monkeypatch.setattr(file_state, 'open', unreadable, raising=False)


def test_want_reads_only_an_existing_file_naming_the_field_when_that_fails(tmp_path, monkeypatch):
    (tmp_path / 'old.conf').write_text('old\n')
    failing_open(monkeypatch)
    # A new file (here or under a directory to create) is not read: it is written (the write does not use open()).
    assert file_state.ensure_file(make_module(), str(tmp_path / 'new.conf'), 'x\n').changed
    assert file_state.ensure_file(make_module(), str(tmp_path / 'd' / 'new.conf'), 'x\n', create_parent=True).changed
    assert (tmp_path / 'd' / 'new.conf').read_text() == 'x\n'
    for options, field in (({'field': 'conf_path'}, 'conf_path'), ({}, 'path')):
        with pytest.raises(file_state.FileError, match='^%s: %s: Input/output error$' % (field, tmp_path / 'old.conf')):
            file_state.ensure_file(make_module(), str(tmp_path / 'old.conf'), 'new\n', **options)
    assert (tmp_path / 'old.conf').read_text() == 'old\n'


@pytest.mark.parametrize('options, option', [
    ({'mode': 'banana'}, 'mode'), ({'owner': 'no-such-user-i8'}, 'owner'), ({'group': 'no-such-group-i8'}, 'group'),
    ({'content': 5}, 'content'),
])
def test_an_attribute_or_content_refused_names_the_option_and_the_path(tmp_path, options, option):
    # The reasons are file_checks' (tested there); the path is this helper's.
    path = str(tmp_path / 'a.conf')
    options = dict(options)
    content = options.pop('content', 'x\n')
    with pytest.raises(file_state.FileError) as err:
        file_state.ensure_file(make_module(), path, content, **options)
    assert str(err.value).startswith('%s: %s: ' % (option, path)) and err.value.path == path


def as_user(monkeypatch, uid=1000, gid=1000):
    """The ownership checks see a user who is not root (uid and gid 1000, in no other group)."""
    monkeypatch.setattr(os, 'geteuid', lambda: uid)
    monkeypatch.setattr(os, 'getegid', lambda: gid)
    monkeypatch.setattr(os, 'getgroups', lambda: [gid])


def test_a_user_who_is_not_root_may_keep_but_not_change_an_owner_or_group(tmp_path, monkeypatch):
    path = tmp_path / 'a.conf'
    path.write_text('old\n')
    os.chown(str(path), 1234, 2345)
    module = make_module(check_mode=True)
    as_user(monkeypatch)
    # The file's own owner and group, asked again, are no change (checked against the file, not the user).
    assert file_state.ensure_file(module, str(path), 'new\n', owner=1234, group=2345).changed
    with pytest.raises(file_state.FileError) as err:
        file_state.ensure_file(module, str(path), 'new\n', owner=4321)
    assert str(err.value) == 'owner: %s: changing the owner needs root (running as uid 1000)' % path
    with pytest.raises(file_state.FileError) as err:
        file_state.ensure_file(module, str(path), 'new\n', group=5432)
    assert str(err.value) == 'group: %s: uid 1000 is not a member of group 5432' % path


def test_fileset_absent_defaults_show_the_content_and_name_the_path_option(tmp_path):
    (tmp_path / 'a.conf').write_text('x\n')
    (tmp_path / 'dir').mkdir()
    files = file_state.FileSet(make_module())
    res = files.absent(str(tmp_path / 'a.conf'))
    assert res.diff['before'] == 'x\n' and res.validated is False
    with pytest.raises(file_state.FileError, match='^path: %s: is a directory' % (tmp_path / 'dir')):
        files.absent(str(tmp_path / 'dir'))


def test_a_failed_rename_leaves_a_file_whose_content_was_not_replaced_with_its_old_mode(tmp_path):
    # The new mode of a rewritten file comes with its temp file, never set on the old file before the rename.
    (tmp_path / 'a.conf').write_text('old a\n')
    os.chmod(str(tmp_path / 'a.conf'), 0o600)
    files = file_state.FileSet(make_module())
    files.want(str(tmp_path / 'b.conf'), 'b\n')
    files.want(str(tmp_path / 'a.conf'), 'new a\n', mode='0640')
    os.mkdir(str(tmp_path / 'b.conf'))
    with pytest.raises(file_state.FileError, match='^path: %s: ' % (tmp_path / 'b.conf')):
        files.commit()
    assert (tmp_path / 'a.conf').read_text() == 'old a\n' and ids(tmp_path / 'a.conf')[2] == 0o600
    assert sorted(os.listdir(str(tmp_path))) == ['a.conf', 'b.conf']
