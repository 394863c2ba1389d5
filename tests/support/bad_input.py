"""Generated bad input for the modules (issue 8): strategies, a sandboxed test root, the checks.

Every example starts from arguments that work, replaces a few of them with hostile values
(wrong types, huge or empty sizes, control characters, lone surrogates, NaN, paths through
files, directories and dangling links), runs the module in-process and asserts a clear
result: success, or a failure with a ``msg`` (a traceback escapes run_module and fails the
example). After a failure every file under the test root must be byte-identical.

Safety: we run as root on the host, so path options only ever get paths inside the test
root or non-absolute junk, and the working directory is moved into the root so that a
relative path lands there too. Nothing here reaches the network beyond 127.0.0.1.
"""
import json
import os
import shutil
import tempfile
from contextlib import contextmanager

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support.module_harness import run_module

# Fixed seed and sizes: the suite must stay well under two minutes on 2 busy cores.
SUITE_SETTINGS = dict(derandomize=True, deadline=None, database=None, print_blob=False,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                             HealthCheck.filter_too_much])


def examples(count):
    return settings(max_examples=count, **SUITE_SETTINGS)


# No lone surrogates: AnsibleModule itself (its syslog of the arguments) raises on them before any
# module code runs, and a controller cannot send them; file_state's own tests cover them.
NASTY_TEXT = ['', ' ', '\t', 'a\nb', 'a\rb', 'nul\x00byte', 'bidi \u202e', 'zero\u200bwidth',
              'x' * 300, 'y' * 5000, '../../escape', '${HOME}', '~root', '%s%n%d', '"quoted"', "it's", 'back\\slash',
              'ünïcødé ✓', 'rtl \u202e', 'line\u2028sep', 'NaN', 'inf', '-1', '0644', 'banana', '{{ x }}',
              '$(id)', '`id`', '*.*', ']', '[Service]', '=']
NUMBERS = [0, -1, 1, 65535, 65536, 2 ** 31, 2 ** 63, -(2 ** 63), 10 ** 30, float('nan'), float('inf'),
           float('-inf'), 1e-300, 0.5]

SCALARS = st.one_of(st.none(), st.booleans(), st.sampled_from(NUMBERS), st.integers(-(2 ** 70), 2 ** 70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), st.sampled_from(NASTY_TEXT))
# What an existing file may hold: text, nothing, or bytes that are not UTF-8.
FILE_BYTES = st.sampled_from([b'', b'\xff\xfe\x00garbage', b'latin1 caf\xe9\n', b'{"a": NaN}\n', b'[]\n',
                              b'x' * 100000]) | st.binary(max_size=200)
JUNK = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) |
                    st.dictionaries(st.text(max_size=8) | st.sampled_from(NASTY_TEXT[:12]), inner, max_size=3),
                    max_leaves=6)
# For numeric options: the edge values often, anything else otherwise.
NUMBER_JUNK = st.sampled_from(NUMBERS) | JUNK
# Junk a path option may get: never an absolute path (it could leave the test root).
PATH_JUNK = JUNK.filter(lambda v: not (isinstance(v, str) and (v.startswith(('/', '~', '$')) or '..' in v)))

MODES = st.sampled_from(['0644', '644', 0o644, 420, '0o644', 'banana', 'u=rw', 'u+x,g-w', 'a=', '99999', -1,
                         2 ** 40, True, '', 'rwxrwxrwx', '07777', '4755', 'u=rw,g=r,o=', None]) | JUNK
OWNERS = st.sampled_from(['root', '0', 'nobody', 'no-such-user-i8', '', '99999', 'a\nb', None]) | JUNK


def root_paths(root):
    """Paths inside ``root`` that stress a writer: a file or directory in the way, missing parents,
    a name too long, a dangling link, and plain good ones."""
    names = ['afile', 'adir', 'afile/below', 'missing/deep/er', 'n' * 300, 'dangling', 'dangling/below',
             'adir/n' + 'x' * 260 + '/f', 'good', 'adir/good', 'sp ace', 'ünï']
    return st.sampled_from([os.path.join(root, n) for n in names]) | PATH_JUNK


def prepare_root(root):
    """The fixed furniture root_paths refers to."""
    with open(os.path.join(root, 'afile'), 'w') as handle:
        handle.write('a regular file\n')
    os.mkdir(os.path.join(root, 'adir'))
    os.symlink(os.path.join(root, 'nowhere'), os.path.join(root, 'dangling'))
    os.mkdir(os.path.join(root, 'cwd'))


def snapshot(root):
    """Every path under ``root``: its bytes (None for anything but a regular file) and its mode."""
    seen = {}
    for directory, dirs, files in os.walk(str(root)):
        for name in dirs + files:
            path = os.path.join(directory, name)
            mode = os.lstat(path).st_mode
            content = None
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, 'rb') as handle:
                    content = handle.read()
            seen[os.path.relpath(path, str(root))] = (content, mode)
    return seen


@contextmanager
def sandbox(prepare=None):
    """A fresh test root (with prepare_root's furniture) as the working directory, and a module tmpdir."""
    root = tempfile.mkdtemp(prefix='i8_bad_input_')
    tmpdir = tempfile.mkdtemp(prefix='i8_module_tmp_')
    old_cwd = os.getcwd()
    try:
        prepare_root(root)
        if prepare:
            prepare(root)
        os.chdir(os.path.join(root, 'cwd'))
        yield root, tmpdir
    finally:
        os.chdir(old_cwd)
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(tmpdir, ignore_errors=True)


def existing_file(data, path):
    """Maybe put hostile bytes where the module expects its file."""
    if data.draw(st.booleans(), label='hostile existing file'):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as handle:
            handle.write(data.draw(FILE_BYTES, label='existing bytes'))


def mutate(data, base, choices):
    """``base`` with 1-3 of its keys (or keys it lacks) replaced by a value drawn from ``choices[key]``."""
    args = dict(base)
    keys = data.draw(st.lists(st.sampled_from(sorted(choices)), min_size=1, max_size=3, unique=True), label='keys')
    for key in keys:
        value = data.draw(choices[key], label=key)
        if value is DELETE:
            args.pop(key, None)
        else:
            args[key] = value
    return args


DELETE = object()


def strict_utf8(result):
    """The controller refuses a result that is not valid UTF-8 (MODULE_STRICT_UTF8_RESPONSE), even after a
    successful write; ensure_ascii=False lets a lone surrogate reach the encoder."""
    json.dumps(result.data, ensure_ascii=False, default=str).encode('utf-8')


def run_and_judge(main, args, root, tmpdir, check_mode=False, on_success=None):
    """Run the module; a failure must carry a message and leave ``root`` byte-identical.

    ``on_success(result)`` checks what a successful run wrote.
    """
    before = snapshot(root)
    result = run_module(main, dict(args, _ansible_tmpdir=tmpdir), check_mode=check_mode, diff=True)
    strict_utf8(result)
    if result.failed:
        assert isinstance(result.msg, str) and result.msg.strip(), result
        assert 'Traceback' not in result.msg, result.msg
        assert snapshot(root) == before, 'a failed run changed files: %s' % result.msg
    elif check_mode:
        assert snapshot(root) == before, 'check mode changed files'
    elif on_success:
        on_success(result)
    return result
