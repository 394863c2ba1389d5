import os

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.alicloud_ops.logging.plugins.module_utils import file_state


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
