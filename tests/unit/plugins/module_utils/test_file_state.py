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
