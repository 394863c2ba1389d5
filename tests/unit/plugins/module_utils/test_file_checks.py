"""file_checks.py, called directly: each check's verdict and its message word for word (the option at fault first,
then the path), on both sides of every limit. test_file_state.py covers the same checks through ensure_file."""
import errno
import os
import stat

import pytest
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_ops.logging.plugins.module_utils import file_checks
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_checks import FileError

# check_parents walks up to the first directory that exists: a mutant that lets a relative path (or an existing
# parent) into that walk loops for ever, and must fail the test instead of hanging it. Every test here takes
# milliseconds.
pytestmark = pytest.mark.timeout(10)


def refused(call, *args, **kwargs):
    """The FileError ``call`` raises: (message, option, path)."""
    with pytest.raises(FileError) as info:
        call(*args, **kwargs)
    return str(info.value), info.value.option, info.value.path


# -- messages ------------------------------------------------------------------------------------------------------
def test_displayable_shows_undecodable_bytes_as_the_replacement_character():
    assert file_checks.displayable(None) is None
    assert file_checks.displayable('caf\u00e9 \udce9\udcff.') == 'caf\u00e9 \ufffd\ufffd.'
    assert file_checks.displayable('') == ''


def test_errors_carry_the_option_the_path_and_a_displayable_message():
    err = file_checks.ValidationFailed('bad \udcfe byte', option='content')
    assert (str(err), err.option) == ('bad \ufffd byte', 'content')
    assert file_checks.ValidationFailed('no option').option is None
    err = FileError('dest', '/etc/a\udce9.conf', 'is odd')
    assert (str(err), err.option, err.path) == ('dest: /etc/a\ufffd.conf: is odd', 'dest', '/etc/a\udce9.conf')


def test_os_error_gives_strerror_or_else_the_exception_text():
    err = file_checks.os_error('dest', '/x', OSError(errno.EIO, 'Input/output error'))
    assert (str(err), err.option, err.path) == ('dest: /x: Input/output error', 'dest', '/x')
    assert str(file_checks.os_error('dest', '/x', OSError('plain'))) == 'dest: /x: plain'
    assert str(file_checks.os_error('dest', '/x', ValueError('no strerror at all'))) == 'dest: /x: no strerror at all'


# -- modes ---------------------------------------------------------------------------------------------------------
def resolve(mode, current=None, default=0o644):
    return file_checks.resolve_mode(AnsibleModule, '/p', mode, current, default)


@pytest.mark.parametrize('mode, current, expected', [
    (None, 0o600, 0o600), (None, None, 0o644), (None, 0, 0),
    ('0640', 0o600, 0o640), (' 0640\n', None, 0o640), ('755', None, 0o755), ('0', 0o600, 0), (0, 0o600, 0),
    (0o640, None, 0o640), ('0775', None, 0o775),
    # symbolic: applied to the current bits, or for a new file to the default
    ('g+w', 0o600, 0o620), ('g+w', None, 0o664), ('u+x', 0, 0o100), ('u+x', None, 0o744), ('a+X', 0o644, 0o644),
    ('a+X', 0o744, 0o755), ('u=rw,go=', 0o644, 0o600), ('go-r', None, 0o600),
])
def test_resolve_mode(mode, current, expected):
    assert resolve(mode, current) == expected


@pytest.mark.parametrize('mode', [True, False, 6.44, b'0644', ['0644']])
def test_a_mode_that_is_neither_text_nor_a_number_is_refused(mode):
    assert refused(resolve, mode) == (
        'mode: /p: expected an octal string such as "0644" or a symbolic mode such as "u=rw,go=r", got %r' % (mode,),
        'mode', '/p')


@pytest.mark.parametrize('mode', ['banana', '0x1a4', 'u=rwq', '0o9'])
def test_text_that_is_no_mode_is_refused(mode):
    assert refused(resolve, mode) == (
        'mode: /p: %r is neither an octal mode such as "0644" nor a symbolic mode such as "u=rw,go=r"' % (mode,),
        'mode', '/p')


@pytest.mark.parametrize('mode', [-1, '-1', 0o10000, '010000', 0o170644, 2 ** 40, 2 ** 70])
def test_bits_beyond_07777_are_refused(mode):
    assert refused(resolve, mode) == (
        'mode: /p: %r holds bits other than permissions (at most 07777)' % (mode,), 'mode', '/p')


@pytest.mark.parametrize('mode, value', [('07777', 0o7777), (0o7777, 0o7777), ('4755', 0o4755), ('2644', 0o2644),
                                         ('1644', 0o1644), (0o1000, 0o1000), ('u+s', 0o4644)])
def test_setuid_setgid_and_sticky_are_refused(mode, value):
    assert refused(resolve, mode) == (
        'mode: /p: %r sets the setuid, setgid or sticky bit (%04o); a file root reads gets none of them'
        % (mode, value), 'mode', '/p')


@pytest.mark.parametrize('mode, value', [('0646', 0o646), (0o2, 0o2), ('o+w', 0o646), ('0777', 0o777)])
def test_world_writable_is_refused(mode, value):
    assert refused(resolve, mode) == (
        'mode: /p: %r makes the file world-writable (%04o); any local user could change what root reads'
        % (mode, value), 'mode', '/p')


@pytest.mark.parametrize('value', [0o775, 0o755, 0o4, 0o20, 0o1, 0o700, 0])
def test_check_mode_safe_lets_other_bits_through(value):
    assert file_checks.check_mode_safe('/p', value, value) is None


# -- owners and groups ---------------------------------------------------------------------------------------------
def test_resolve_owner_and_group_by_name_or_number():
    assert file_checks.resolve_owner('/p', 'root') == 0
    assert file_checks.resolve_group('/p', 'root') == 0
    assert file_checks.resolve_owner('/p', None) is None and file_checks.resolve_group('/p', None) is None
    assert file_checks.resolve_owner('/p', '') is None and file_checks.resolve_group('/p', '') is None
    # a number with no passwd/group entry is taken as it is, as text (KeyError) or as an int (TypeError)
    assert file_checks.resolve_owner('/p', '48213') == 48213 and file_checks.resolve_owner('/p', 48213) == 48213
    assert file_checks.resolve_group('/p', '48213') == 48213 and file_checks.resolve_group('/p', 48213) == 48213
    assert file_checks.resolve_owner('/p', 0) == 0 and file_checks.resolve_group('/p', '0') == 0


@pytest.mark.parametrize('value', ['no-such-user-i25', 'a\x00b', '-1', '1.5', 1.5])
def test_an_unknown_owner_or_group_is_refused_naming_the_option(value):
    assert refused(file_checks.resolve_owner, '/p', value) == (
        'owner: /p: no such user %r on this host' % (value,), 'owner', '/p')
    assert refused(file_checks.resolve_group, '/p', value) == (
        'group: /p: no such group %r on this host' % (value,), 'group', '/p')


@pytest.mark.parametrize('error', [KeyError, TypeError, ValueError])
def test_a_number_is_taken_whatever_the_lookup_raises(error):
    def lookup(name):
        raise error(name)
    assert file_checks._resolve_id('owner', '/p', '1234', lookup, 'user') == 1234


def test_an_error_other_than_a_missing_entry_is_not_hidden():
    def lookup(name):
        raise RuntimeError('nss is down')
    with pytest.raises(RuntimeError, match='nss is down'):
        file_checks._resolve_id('owner', '/p', '1234', lookup, 'user')


def as_user(monkeypatch, uid=1000, gid=1000, groups=(5,)):
    monkeypatch.setattr(file_checks.os, 'geteuid', lambda: uid)
    monkeypatch.setattr(file_checks.os, 'getegid', lambda: gid)
    monkeypatch.setattr(file_checks.os, 'getgroups', lambda: list(groups))


class Stat(object):
    def __init__(self, uid, gid):
        self.st_uid, self.st_gid = uid, gid


def test_root_may_give_a_file_to_anyone(monkeypatch):
    as_user(monkeypatch, uid=0, gid=0, groups=())
    assert file_checks.check_ownership_allowed('/p', 1234, 2345, Stat(7, 8)) is None
    assert file_checks.check_ownership_allowed('/p', 1234, 2345, None) is None


@pytest.mark.parametrize('uid, gid, current', [
    (None, None, None), (None, None, Stat(1234, 2345)),
    (1000, None, None), (1234, None, Stat(1234, 2345)),           # the owner it has (or a new file gets)
    (None, 1000, None), (None, 2345, Stat(1234, 2345)),           # the group it has (or a new file gets)
    (None, 5, None), (None, 5, Stat(1234, 2345)),                 # a supplementary group of the user
    (None, 1000, Stat(1234, 2345)),                               # the user's own group
    (1234, 2345, Stat(1234, 2345)),
])
def test_a_user_may_keep_the_owner_and_pick_one_of_its_groups(monkeypatch, uid, gid, current):
    as_user(monkeypatch)
    assert file_checks.check_ownership_allowed('/p', uid, gid, current) is None


@pytest.mark.parametrize('uid, current', [(1001, None), (0, None), (1000, Stat(1234, 2345)), (0, Stat(1234, 2345))])
def test_a_user_may_not_change_the_owner(monkeypatch, uid, current):
    as_user(monkeypatch)
    assert refused(file_checks.check_ownership_allowed, '/p', uid, None, current) == (
        'owner: /p: changing the owner needs root (running as uid 1000)', 'owner', '/p')


@pytest.mark.parametrize('gid, current', [(7, None), (0, None), (7, Stat(1234, 2345)), (1001, Stat(1000, 1000))])
def test_a_user_may_not_pick_a_group_it_is_not_in(monkeypatch, gid, current):
    as_user(monkeypatch)
    assert refused(file_checks.check_ownership_allowed, '/p', None, gid, current) == (
        'group: /p: uid 1000 is not a member of group %d' % gid, 'group', '/p')


def test_a_new_file_belongs_to_the_effective_user_and_group(monkeypatch):
    # the real and effective ids differ (a setuid helper): a new file gets the effective ones
    as_user(monkeypatch, uid=1000, gid=1000, groups=())
    monkeypatch.setattr(file_checks.os, 'getuid', lambda: 1001, raising=False)
    monkeypatch.setattr(file_checks.os, 'getgid', lambda: 1001, raising=False)
    assert file_checks.check_ownership_allowed('/p', 1000, 1000, None) is None
    assert refused(file_checks.check_ownership_allowed, '/p', 1001, None, None)[1] == 'owner'
    assert refused(file_checks.check_ownership_allowed, '/p', None, 1001, None)[1] == 'group'


# -- paths ---------------------------------------------------------------------------------------------------------
def test_name_max_asks_the_directory_and_falls_back_to_255(monkeypatch):
    asked = []

    def pathconf(path, name):
        asked.append((path, name))
        return 143
    monkeypatch.setattr(file_checks.os, 'pathconf', pathconf)
    assert file_checks._name_max('/some/dir') == 143 and asked == [('/some/dir', 'PC_NAME_MAX')]
    for error in (OSError(errno.EINVAL, 'Invalid argument'), ValueError('unknown name')):
        def failing(path, name, error=error):
            raise error
        monkeypatch.setattr(file_checks.os, 'pathconf', failing)
        assert file_checks._name_max('/some/dir') == 255


def test_check_parents_returns_the_missing_directories_outermost_first(tmp_path):
    top = str(tmp_path)
    assert file_checks.check_parents(top + '/a.conf', 'f', 'd') == []
    assert file_checks.check_parents(top + '/x/a.conf', 'f', 'd') == [top + '/x']
    assert file_checks.check_parents(top + '/x/y/z/a.conf', 'f', 'd') == [top + '/x', top + '/x/y', top + '/x/y/z']


@pytest.mark.parametrize('path', ['', None, 'relative/a.conf', 'a.conf', './a.conf'])
def test_a_path_that_is_not_absolute_is_refused_naming_the_directory_option(path):
    assert refused(file_checks.check_parents, path, 'f', 'd') == ('d: %s: must be an absolute path' % path, 'd', path)


def test_a_nul_byte_is_refused_naming_the_part_it_is_in():
    assert refused(file_checks.check_parents, '/tmp/a\x00b/c.conf', 'f', 'd') == (
        'd: /tmp/a\\0b/c.conf: contains a NUL byte', 'd', '/tmp/a\\0b/c.conf')
    assert refused(file_checks.check_parents, '/tmp/ab/c\x00.conf', 'f', 'd') == (
        'f: /tmp/ab/c\\0.conf: contains a NUL byte', 'f', '/tmp/ab/c\\0.conf')


def test_text_with_no_byte_form_is_refused_naming_the_part_it_is_in(tmp_path):
    bad_dir = str(tmp_path) + '/a\ud800/c.conf'
    assert refused(file_checks.check_parents, bad_dir, 'f', 'd') == (
        'd: %r: is not valid UTF-8' % bad_dir, 'd', repr(bad_dir))
    bad_name = str(tmp_path) + '/ab/c\ud800.conf'
    assert refused(file_checks.check_parents, bad_name, 'f', 'd') == (
        'f: %r: is not valid UTF-8' % bad_name, 'f', repr(bad_name))
    # bytes undecodable on read (surrogateescape) are a valid name
    assert file_checks.check_parents(str(tmp_path) + '/\udce9/c\udcff.conf', 'f', 'd') == [str(tmp_path) + '/\udce9']


def long_path(directory_bytes, name):
    """A path whose directory part is ``directory_bytes`` bytes long (no name over 255 bytes), then ``name``."""
    parts, size = [], 0
    while size < directory_bytes:
        step = min(201, directory_bytes - size)
        parts.append('/' + 'd' * (step - 1) if step > 1 else '/')
        size += step
    directory = ''.join(parts)
    assert len(directory.encode('utf-8')) == directory_bytes and '//' not in directory + '/'
    return directory + '/' + name


@pytest.mark.parametrize('directory_bytes', [3839, 3840, 4000])
def test_a_path_of_4095_bytes_passes_and_of_4096_is_refused(directory_bytes):
    # counted in bytes: a \udcxx (an undecodable byte) is one byte, an e-acute two
    name = '\udce9' + '\u00e9' * ((4095 - directory_bytes - 2) // 2)
    name += 'n' * (4095 - directory_bytes - 1 - len(name.encode('utf-8', 'surrogateescape')))
    path = long_path(directory_bytes, name)
    assert len(path.encode('utf-8', 'surrogateescape')) == 4095
    if len(name.encode('utf-8', 'surrogateescape')) <= 255:
        assert file_checks.check_parents(path, 'f', 'd')[0] == '/' + path.split('/')[1]
    path += 'n'
    blamed = 'd' if directory_bytes >= 3840 else 'f'
    assert refused(file_checks.check_parents, path, 'f', 'd') == (
        '%s: %s...: is longer than the 4095 bytes a path may have' % (blamed, file_checks.displayable(path[:200])),
        blamed, path[:200] + '...')


def test_a_directory_part_of_3840_bytes_or_more_is_blamed_on_the_directory_option():
    for directory_bytes, blamed in ((3839, 'f'), (3840, 'd'), (4095, 'd'), (4200, 'd')):
        path = long_path(directory_bytes, 'n' * (4096 - directory_bytes))
        assert refused(file_checks.check_parents, path, 'f', 'd')[1] == blamed


def test_a_file_where_a_directory_should_be_is_refused(tmp_path):
    (tmp_path / 'file').write_text('x')
    for path in (str(tmp_path / 'file' / 'a.conf'), str(tmp_path / 'file' / 'x' / 'a.conf')):
        assert refused(file_checks.check_parents, path, 'f', 'd') == (
            'd: %s: cannot be created: %s is not a directory' % (path, tmp_path / 'file'), 'd', path)


@pytest.mark.parametrize('name, ok', [('n' * 255, True), ('n' * 256, False), ('\u00e9' * 127 + 'n', True),
                                      ('\u00e9' * 128, False), ('\udce9' * 255, True), ('\udce9' * 256, False)])
def test_names_are_limited_to_name_max_bytes(tmp_path, name, ok):
    for path, blamed in ((str(tmp_path / name), 'f'), (str(tmp_path / name / 'a.conf'), 'd'),
                         (str(tmp_path / 'x' / name / 'y' / 'a.conf'), 'd')):
        if ok:
            assert isinstance(file_checks.check_parents(path, 'f', 'd'), list)
        else:
            assert refused(file_checks.check_parents, path, 'f', 'd') == (
                '%s: %s: the name %s... is longer than the 255 bytes a file name may have'
                % (blamed, file_checks.displayable(path), file_checks.displayable(name[:40])), blamed, path)


def test_the_name_limit_is_the_existing_directory_s(tmp_path, monkeypatch):
    asked = []

    def name_max(directory):
        asked.append(directory)
        return 5
    monkeypatch.setattr(file_checks, '_name_max', name_max)
    assert file_checks.check_parents(str(tmp_path / 'abcde' / 'fghij'), 'f', 'd') == [str(tmp_path / 'abcde')]
    assert asked == [str(tmp_path)]
    assert refused(file_checks.check_parents, str(tmp_path / 'abcdef' / 'a'), 'f', 'd')[0].endswith(
        ': the name abcdef... is longer than the 5 bytes a file name may have')
    assert refused(file_checks.check_parents, str(tmp_path / 'a' / 'abcdef'), 'f', 'd')[1] == 'f'
    assert refused(file_checks.check_parents, str(tmp_path / ('x' * 50)), 'f', 'd')[0].endswith(
        ': the name %s... is longer than the 5 bytes a file name may have' % ('x' * 40))


def record_access(monkeypatch, answer):
    asked = []

    def access(path, how):
        asked.append((path, how))
        return answer
    monkeypatch.setattr(file_checks.os, 'access', access)
    return asked


def test_check_target_of_a_file_that_exists_or_not(tmp_path, monkeypatch):
    (tmp_path / 'a.conf').write_text('x')
    current, missing = file_checks.check_target(str(tmp_path / 'a.conf'), 'f', False)
    assert missing == [] and current.st_ino == os.stat(str(tmp_path / 'a.conf')).st_ino
    assert file_checks.check_target(str(tmp_path / 'b.conf'), 'f', False) == (None, [])
    asked = record_access(monkeypatch, True)
    file_checks.check_target(str(tmp_path / 'b.conf'), 'f', False)
    assert asked == [(str(tmp_path), os.W_OK | os.X_OK)]


def test_check_target_with_missing_directories(tmp_path):
    path = str(tmp_path / 'x' / 'y' / 'z' / 'a.conf')
    missing = [str(tmp_path / 'x'), str(tmp_path / 'x' / 'y'), str(tmp_path / 'x' / 'y' / 'z')]
    assert file_checks.check_target(path, 'f', True) == (None, missing)
    assert file_checks.check_target(path, 'f', False, for_removal=True) == (None, missing)
    assert refused(file_checks.check_target, path, 'f', False) == (
        'f: %s: directory %s does not exist' % (path, missing[-1]), 'f', path)
    assert refused(file_checks.check_target, path, 'f', False, parent_field='d') == (
        'd: %s: directory %s does not exist' % (path, missing[-1]), 'd', path)


def test_check_target_blames_the_directory_option_for_the_directory_part(tmp_path):
    (tmp_path / 'file').write_text('x')
    assert refused(file_checks.check_target, str(tmp_path / 'file' / 'a'), 'f', True, parent_field='d')[1] == 'd'
    assert refused(file_checks.check_target, str(tmp_path / 'file' / 'a'), 'f', True)[1] == 'f'
    assert refused(file_checks.check_target, 'rel', 'f', True, parent_field='d')[1] == 'd'


def test_check_target_refuses_what_is_not_a_regular_file(tmp_path):
    (tmp_path / 'dir').mkdir()
    os.symlink(str(tmp_path / 'nowhere'), str(tmp_path / 'dangling'))
    os.mkfifo(str(tmp_path / 'fifo'))
    for name, problem in (('dir', 'is a directory, not a file'), ('dangling', 'is a dangling symbolic link'),
                          ('fifo', 'is not a regular file')):
        path = str(tmp_path / name)
        for for_removal in (False, True):
            assert refused(file_checks.check_target, path, 'f', False, for_removal, 'd') == (
                'f: %s: %s' % (path, problem), 'f', path)


def test_check_target_reports_a_failing_stat_naming_the_option(tmp_path, monkeypatch):
    path = str(tmp_path / 'a.conf')
    real_stat = os.stat

    def failing_stat(name, *args, **kwargs):
        if name == path:
            raise OSError(errno.EIO, 'Input/output error')
        return real_stat(name, *args, **kwargs)
    monkeypatch.setattr(file_checks.os, 'stat', failing_stat)
    assert refused(file_checks.check_target, path, 'f', False, parent_field='d') == (
        'f: %s: Input/output error' % path, 'f', path)


def test_check_target_needs_write_access_to_the_directory(tmp_path, monkeypatch):
    (tmp_path / 'a.conf').write_text('x')
    asked = record_access(monkeypatch, False)
    for name, for_removal in (('a.conf', False), ('a.conf', True), ('b.conf', False)):
        path = str(tmp_path / name)
        assert refused(file_checks.check_target, path, 'f', False, for_removal, 'd') == (
            'd: %s: no permission to write in %s' % (path, tmp_path), 'd', path)
        assert refused(file_checks.check_target, path, 'f', False, for_removal)[1] == 'f'
    assert set(asked) == {(str(tmp_path), os.W_OK | os.X_OK)}
    # nothing to remove: nothing to write
    assert file_checks.check_target(str(tmp_path / 'b.conf'), 'f', False, True) == (None, [])


def test_check_directory(tmp_path, monkeypatch):
    assert file_checks.check_directory(str(tmp_path), 'd') == []
    assert file_checks.check_directory(str(tmp_path / 'new'), 'd') == [str(tmp_path / 'new')]
    assert file_checks.check_directory(str(tmp_path / 'x' / 'y'), 'd') == [
        str(tmp_path / 'x'), str(tmp_path / 'x' / 'y')]
    (tmp_path / 'file').write_text('x')
    path = str(tmp_path / 'file')
    assert refused(file_checks.check_directory, path, 'd') == ('d: %s: exists and is not a directory' % path,
                                                               'd', path)
    os.symlink(str(tmp_path / 'nowhere'), str(tmp_path / 'dangling'))
    assert refused(file_checks.check_directory, str(tmp_path / 'dangling'), 'd')[0].endswith(
        ': exists and is not a directory')
    assert refused(file_checks.check_directory, 'rel/dir', 'd') == (
        'd: rel/dir: must be an absolute path', 'd', 'rel/dir')
    # every part of the path is the directory option's
    for path in (str(tmp_path / ('n' * 256)), str(tmp_path / 'a\x00b'), str(tmp_path / 'x' / ('n' * 256))):
        assert refused(file_checks.check_directory, path, 'd')[1] == 'd'


def test_check_directory_needs_write_access_where_it_creates(tmp_path, monkeypatch):
    asked = record_access(monkeypatch, False)
    for path in (str(tmp_path / 'new'), str(tmp_path / 'x' / 'y')):
        assert refused(file_checks.check_directory, path, 'd') == (
            'd: %s: no permission to create directories in %s' % (path, tmp_path), 'd', path)
    assert asked == [(str(tmp_path), os.W_OK | os.X_OK)] * 2


# -- content -------------------------------------------------------------------------------------------------------
def test_encode_content():
    assert file_checks.encode_content('content', '/p', 'caf\u00e9 \udce9\n') == b'caf\xc3\xa9 \xe9\n'
    assert file_checks.encode_content('content', '/p', '') == b''
    assert refused(file_checks.encode_content, 'content', '/p', b'x') == (
        'content: /p: content must be text, got bytes', 'content', '/p')
    assert refused(file_checks.encode_content, 'src', '/p', None) == (
        'src: /p: content must be text, got NoneType', 'src', '/p')
    assert refused(file_checks.encode_content, 'content', '/p', 'lone \ud800') == (
        'content: /p: text cannot be written as UTF-8 (surrogates not allowed)', 'content', '/p')


def test_stat_of_a_regular_file_is_what_check_target_returns(tmp_path):
    (tmp_path / 'a.conf').write_text('x')
    os.chmod(str(tmp_path / 'a.conf'), 0o640)
    current, _missing = file_checks.check_target(str(tmp_path / 'a.conf'), 'f', False)
    assert stat.S_IMODE(current.st_mode) == 0o640 and stat.S_ISREG(current.st_mode)
