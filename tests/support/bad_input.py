"""Generated bad input for every module (issues 8 and 19): hostile values per option, a sandboxed test root,
and the judge of each result.

Cases come from each module's own argument spec, captured by running its main() (``capture_spec``), so a new
option is covered without touching the suite. ``option_cases`` walks that spec (sub-options included, as
``forward.queue.size`` or ``fields[0].name``) and gives every option every hostile value of its kind
(``CATALOG``): empty, NUL, line breaks and other control characters, a leading '-', huge and negative integers,
NaN/inf, wrong types, unicode, very long strings, path traversal, files and directories in the way, bad modes.
Each value is tagged ``REFUSE`` (no module may accept it: a NUL, a line break in a one-line option, an integer
past 32 bits, NaN, a mapping where text is expected, a mode root must not read a file with...) or ``EITHER``
(a clean success is fine too: an empty description, a unicode name the module may take).

``judge`` then asserts for one run: no traceback (run_module would raise), a result the controller accepts
(strict UTF-8), a REFUSE value refused, and for a failure: a message that names the option at fault (one of
the options the case changed) and no write before failing (every file under the test root byte-identical; for
the sls_* modules, no mutating call reached the emulator).

Safety: we run as root on the host, so path options only ever get paths inside the test root or non-absolute
junk, options whose default is a host path (dropin_dir, root, config_path...) are never removed, and the
working directory is moved into the root so that a relative path lands there too. Nothing here reaches the
network beyond 127.0.0.1.
"""
import copy
import json
import math
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from unittest import mock

from ansible.module_utils import basic
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support.module_harness import patch_module_args

NAN, INF = float('nan'), float('inf')
REFUSE, EITHER = 'refuse', 'either'
DELETE = object()

# Fixed seed and sizes: the whole suite must stay well under two minutes on 2 busy cores.
SUITE_SETTINGS = dict(derandomize=True, deadline=None, database=None, print_blob=False,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                             HealthCheck.filter_too_much])


def examples(count):
    return settings(max_examples=count, **SUITE_SETTINGS)


# --- what to throw -------------------------------------------------------------------------------------------------
# (value, tag, needs): needs says which options must refuse a value tagged REFUSE: 'always', or 'single_line'
# (any option that is not multi-line).
TEXT = [
    ('', EITHER, None), (' ', EITHER, None), ('nul\x00byte', REFUSE, 'always'), ('a\nb', REFUSE, 'single_line'),
    ('cr\rlf', REFUSE, 'single_line'), ('esc\x1b[31m', REFUSE, 'single_line'), ('del\x7f', REFUSE, 'single_line'),
    ('line\u2028sep', REFUSE, 'single_line'), ('tab\tx', EITHER, None), ('-leading', EITHER, None),
    ('--help', EITHER, None), ('x' * 5000, EITHER, None), ('\u00fcn\u00efc\u00f8d\u00e9 \u2713', EITHER, None),
    ('bidi \u202e', EITHER, None), ('../../escape', EITHER, None), ('$(id)`id`', EITHER, None),
    ('%s%n{{ x }}', EITHER, None), ('"quoted\' \\back', EITHER, None), ('[Service]', EITHER, None),
]
WRONG_TYPES = [({}, REFUSE, 'text'), ({'a': 1}, REFUSE, 'text'), ([], REFUSE, 'text'), (['x', {}], REFUSE, 'text'),
               (True, EITHER, None), (3, EITHER, None), (1.5, EITHER, None)]
INTS = [(0, EITHER, None), (-1, EITHER, None), (2 ** 31, REFUSE, 'always'), (-(2 ** 31) - 1, REFUSE, 'always'),
        (2 ** 63, REFUSE, 'always'), (10 ** 30, REFUSE, 'always'), (NAN, REFUSE, 'always'), (INF, REFUSE, 'always'),
        (-INF, REFUSE, 'always'), (1.5, REFUSE, 'always'), ('12x', REFUSE, 'always'), ('', EITHER, None),
        ({}, REFUSE, 'always'), ([1], REFUSE, 'always')]
FLOATS = [(NAN, REFUSE, 'always'), (INF, REFUSE, 'always'), (-INF, REFUSE, 'always'), (-1.0, EITHER, None),
          (1e308, EITHER, None), ('1e999', REFUSE, 'always'), ('x', REFUSE, 'always'), ({}, REFUSE, 'always')]
BOOLS = [('maybe', REFUSE, 'always'), (2, REFUSE, 'always'), (NAN, REFUSE, 'always'), ({}, REFUSE, 'always'),
         ([], REFUSE, 'always')]
MODES = [('07777', REFUSE, 'always'), ('4755', REFUSE, 'always'), ('2755', REFUSE, 'always'),
         ('1644', REFUSE, 'always'), ('0666', REFUSE, 'always'), ('0646', REFUSE, 'always'),
         ('o+w', REFUSE, 'always'), ('a=rwx', REFUSE, 'always'), ('u+s', REFUSE, 'always'), ('+t', REFUSE, 'always'),
         ('banana', REFUSE, 'always'), ('99999', REFUSE, 'always'), (-1, REFUSE, 'always'),
         (2 ** 40, REFUSE, 'always'), (NAN, REFUSE, 'always'), ({}, REFUSE, 'always'), ('0640', EITHER, None),
         ('u=rw,go=r', EITHER, None), ('', EITHER, None), (True, REFUSE, 'always')]
# Free-form mappings (extra_config, sections, pipeline...): what may hide inside them.
MAPPINGS = [
    ({'k': NAN}, REFUSE, 'always'), ({'k': {'deep': [INF]}}, REFUSE, 'always'), ({'k': 2 ** 64}, REFUSE, 'always'),
    ({'nul\x00key': 'x'}, REFUSE, 'always'), ({'k': 'a\x00b'}, REFUSE, 'always'), ({'k\nk': 'x'}, REFUSE, 'always'),
    ({'k': 'line\nbreak'}, REFUSE, 'single_line'), ({}, EITHER, None), ('not a mapping', REFUSE, 'always'),
    ([1, 2], REFUSE, 'always'), (5, REFUSE, 'always')]


# Random values for the combinations: anything JSON-ish, nested a little. Never None (an unset option falls back to
# its default, which for some is a path on this host) and never a string that could name a path outside the root.
SCALARS = st.one_of(st.booleans(), st.integers(-(2 ** 70), 2 ** 70), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=30), st.sampled_from([value for value, _tag, _needs in TEXT]))
JUNK = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=8), inner, max_size=3), max_leaves=6).filter(
    lambda v: not (isinstance(v, str) and (v.startswith(('/', '~', '$')) or '..' in v)))


def path_values(root):
    """Paths that stress a writer, all inside ``root`` or not absolute (so they can never leave it)."""
    return [
        (os.path.join(root, 'nul\x00x'), REFUSE, 'always'), (os.path.join(root, 'a\nb', 'c'), REFUSE, 'always'),
        ('relative/x', REFUSE, 'always'), ('-rel', REFUSE, 'always'), ('../../../etc/x', REFUSE, 'always'),
        ('~no-such-user-i19/x', REFUSE, 'always'), ('$NO_SUCH_VAR_I19/x', REFUSE, 'always'),
        ('', REFUSE, 'always'), (os.path.join(root, 'afile', 'below'), EITHER, None),
        (os.path.join(root, 'adir'), EITHER, None), (os.path.join(root, 'dangling'), EITHER, None),
        (os.path.join(root, 'afile'), EITHER, None),
        (os.path.join(root, 'n' * 300), EITHER, None), (root + '/d' * 2100, REFUSE, 'always'),
        (os.path.join(root, 'missing', 'deep', 'er'), EITHER, None), (os.path.join(root, 'sp ace \u00fcn\u00ef'), EITHER, None),
        ({}, REFUSE, 'always'), ([], REFUSE, 'always')]


def _entries(kind, root, elements=None):
    if kind == 'path':
        return path_values(root)
    if kind == 'list':
        # A list of hostile items (each item as its element type would get it), and lists that are not lists.
        return [('a string', EITHER, None), ({}, REFUSE, 'always'), (NAN, REFUSE, 'always')] + [
            ([value], tag, needs) for value, tag, needs in _entries(elements or 'raw', root)]
    return {'int': INTS, 'float': FLOATS, 'bool': BOOLS, 'mode': MODES, 'dict': MAPPINGS,
            'raw': TEXT + [(NAN, REFUSE, 'always')]}.get(kind, TEXT + WRONG_TYPES)


def catalog(kind, root, multiline=False, elements=None):
    """[(value, must_refuse)] for an option of ``kind`` (an argument spec type)."""
    out = []
    for value, tag, needs in _entries(kind, root, elements):
        refuse = tag == REFUSE and (needs in ('always', 'text') or (needs == 'single_line' and not multiline))
        out.append((value, refuse))
    return out


# --- the module's own spec -----------------------------------------------------------------------------------------
class _Captured(Exception):
    def __init__(self, spec):
        Exception.__init__(self, 'captured')
        self.spec = spec


def capture_spec(main, args):
    """The argument spec ``main`` hands to AnsibleModule with ``args`` (before any of its own code runs)."""
    def record(self, argument_spec=None, **_kwargs):
        raise _Captured(argument_spec)
    with patch_module_args(dict(args)), mock.patch.object(basic.AnsibleModule, '__init__', record):
        try:
            main()
        except _Captured as captured:
            return captured.spec
    raise AssertionError('%r did not build an AnsibleModule' % main)


def walk_spec(spec, prefix=''):
    """(dotted option path, option dict) for every option, sub-options after their parent. A list of mappings
    contributes its sub-options as ``name[0].sub``."""
    for name in sorted(spec):
        option = spec[name]
        path = prefix + name
        yield path, option
        if option.get('options'):
            inner = path + '[0].' if option.get('type') == 'list' else path + '.'
            for item in walk_spec(option['options'], inner):
                yield item


def option_kind(path, option, modes=('mode',)):
    if path.split('.')[-1] in modes and option.get('type') == 'raw':
        return 'mode'
    return option.get('type', 'str')


_STEP = re.compile(r'([^.\[\]]+)(?:\[(\d+)\])?')


def set_path(args, path, value):
    """``args`` (a deep copy) with the option at ``path`` set to ``value`` (DELETE removes it); intermediate
    mappings and one-item lists are created as needed."""
    args = copy.deepcopy(args)
    steps = _STEP.findall(path)
    holder = args
    for index, (key, position) in enumerate(steps):
        last = index == len(steps) - 1
        if last and not position:
            if value is DELETE:
                holder.pop(key, None)
            else:
                holder[key] = value
            return args
        if position:
            items = holder.get(key)
            if not isinstance(items, list) or not items:
                items = [{}]
                holder[key] = items
            item = items[int(position)]
            if not isinstance(item, dict):
                item = items[int(position)] = {}
            holder = item
        else:
            if not isinstance(holder.get(key), dict):
                holder[key] = {}
            holder = holder[key]
    return args


def option_cases(spec, base, root, multiline=(), fixed=(), only_refused=(), extra=None):
    """[(path, value, must_refuse)]: every option of ``spec`` with every value of its catalog.

    ``fixed``: options never changed (safety: their values must stay inside the sandbox or the emulator).
    ``only_refused``: options given only values every module must refuse (a real value would reach a network
    service or the host). ``extra``: {path: [(value, must_refuse)]} added to an option's catalog.
    """
    cases = []
    for path, option in walk_spec(spec):
        plain = re.sub(r'\[\d+\]', '', path)
        if plain in fixed or path in fixed:
            continue
        kind = option_kind(path, option)
        values = catalog(kind, root, plain in multiline, option.get('elements'))
        values += (extra or {}).get(plain, [])
        for value, refuse in values:
            if plain in only_refused and not refuse:
                continue
            cases.append((path, value, refuse))
    return cases


# --- the sandbox -----------------------------------------------------------------------------------------------------
def prepare_root(root):
    """The fixed furniture path_values refers to."""
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
    root = tempfile.mkdtemp(prefix='i19_bad_input_')
    tmpdir = tempfile.mkdtemp(prefix='i19_module_tmp_')
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


class Sandbox(object):
    """A test root reused from case to case: ``fresh()`` before each case restores its furniture only when the
    last case left it changed (a refused case, most of them, leaves nothing to undo). Always the same directory,
    so the paths of the cases stay valid."""

    def __init__(self, prepare=None):
        self.prepare = prepare
        self.root = tempfile.mkdtemp(prefix='i19_bad_input_')
        self.tmpdir = tempfile.mkdtemp(prefix='i19_module_tmp_')
        self.old_cwd = os.getcwd()
        self._fill()
        self.pristine = snapshot(self.root)
        self.state = self.pristine

    def _fill(self):
        prepare_root(self.root)
        if self.prepare:
            self.prepare(self.root)
        os.chdir(os.path.join(self.root, 'cwd'))

    def fresh(self):
        """The root as prepare left it; returns its snapshot."""
        if self.state != self.pristine:
            os.chdir(self.old_cwd)
            for name in os.listdir(self.root):
                path = os.path.join(self.root, name)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
            self._fill()
            self.state = snapshot(self.root)
            assert self.state == self.pristine
        return self.state

    def settle(self):
        """Snapshot after a case (remembered, so the next fresh() knows whether to restore)."""
        self.state = snapshot(self.root)
        return self.state

    def close(self):
        os.chdir(self.old_cwd)
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def strict_utf8(result):
    """The controller refuses a result that is not valid UTF-8 (MODULE_STRICT_UTF8_RESPONSE), even after a
    successful write; ensure_ascii=False lets a lone surrogate reach the encoder."""
    json.dumps(result.data, ensure_ascii=False, default=str).encode('utf-8')


# --- the judge -------------------------------------------------------------------------------------------------------
_PARENT = r'[\w.\[\]]+(?: -> [\w.\[\]]+)*'
_NAMED = [
    # ansible-core's own argument checks
    # (the parent path as ansible-core writes it: 'forward.queue', or 'escalations -> info' for dict suboptions)
    re.compile(r"argument '(?P<name>[\w.]+)' is of type .*? found in '(?P<parent>%s)'" % _PARENT),
    re.compile(r"Elements value for option '(?P<name>\w+)' .*?found in '(?P<parent>%s)'" % _PARENT),
    re.compile(r"(?:argument|option) '(?P<name>\w+)'"),
    re.compile(r"value of (?P<name>\w+) must be one of: .*? found in (?P<parent>%s)" % _PARENT),
    re.compile(r"value of (?P<name>\w+) must be one of"),
    re.compile(r"parameters are mutually exclusive: (?P<names>[\w|]+)"),
    re.compile(r"Unsupported parameters for \(.*?\) module: (?P<name>[\w.]+)"),
    re.compile(r"missing required arguments: (?P<names>[\w, ]+?)(?: found in (?P<parent>%s))?$" % _PARENT),
    re.compile(r"(?P<name>\w+) is \S+ but (?:any|all) of the following are missing: (?P<names>[\w, ]+)"),
    # the collection's own: "field: ...", "field must ...", "field1/field2: ..."
    re.compile(r"^(?P<names>[\w.\[\]/]+):"),
    re.compile(r"^(?P<name>[\w.\[\]]+) (?:must|is|has|cannot|contains) "),
]


def named_options(msg):
    """The options a failure message names, as dotted paths without list indexes."""
    named = set()
    for pattern in _NAMED:
        for match in pattern.finditer(msg):
            groups = match.groupdict()
            parent = re.sub(r'\[\d+\]', '', (groups.get('parent') or '').replace(' -> ', '.'))
            names = [groups['name']] if groups.get('name') else []
            names += re.split(r'[|,/ ]+', groups['names']) if groups.get('names') else []
            for name in names:
                name = re.sub(r'\[\d+\]', '', name.strip())
                if name:
                    named.add('%s.%s' % (parent, name) if parent and not name.startswith(parent) else name)
    return named


def blames(named, changed, aliases):
    """Whether a named option is (inside, or around) one of the ``changed`` option paths."""
    def canonical(path):
        parts = path.split('.')
        parts[0] = aliases.get(parts[0], parts[0])
        return parts
    for name in named:
        left = canonical(name)
        for path in changed:
            right = canonical(re.sub(r'\[\d+\]', '', path))
            # forward.queue.size named for a change of forward (or the reverse), or the same leaf named without
            # its parents (ansible's "argument 'size' ... found in 'forward.queue'").
            if left[:len(right)] == right or right[:len(left)] == left or left[-1] == right[-1] and len(left) == 1:
                return True
    return False


def aliases_of(spec):
    out = {}
    for name, option in spec.items():
        for alias in option.get('aliases') or ():
            out[alias] = name
    return out


def non_finite_inside(value):
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(non_finite_inside(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(non_finite_inside(v) for v in value)
    return False


class Tally(object):
    """Counts the cases tried and collects every broken promise, so one run shows them all."""

    def __init__(self):
        self.cases = 0
        self.refused = 0
        self.problems = []

    def add(self, module, case, problem):
        if len(self.problems) < 400:
            self.problems.append('%s %s: %s' % (module, case, problem))

    def report(self):
        return '%d broken promises in %d cases:\n%s' % (len(self.problems), self.cases, '\n'.join(self.problems))


def judge(tally, module, case, result, changed, must_refuse, aliases, wrote, allowed_after=None, coupled=None):
    """Record what ``result`` breaks. ``wrote``: a description of any write (files, mutating API calls) the run
    made, or ''; ``allowed_after(result)``: True for a failure that may follow a write (the module did its work
    and then found the outcome wrong, e.g. an installer that ran). ``coupled``: {option: options} whose values
    only fail together with it (a drop-in name turns the base's unit text into a drop-in's), so a message naming
    one of those blames the change rightly."""
    tally.cases += 1
    try:
        strict_utf8(result)
    except UnicodeError as exc:
        tally.add(module, case, 'result is not strict UTF-8: %s' % exc)
    if not result.failed:
        if must_refuse:
            tally.add(module, case, 'hostile value accepted')
        return
    tally.refused += 1
    msg = result.msg
    if not isinstance(msg, str) or not msg.strip():
        tally.add(module, case, 'failure without a message: %r' % (result,))
        return
    if 'Traceback' in msg:
        tally.add(module, case, 'traceback in the message: %s' % msg[:300])
    if wrote and not (allowed_after and allowed_after(result)):
        tally.add(module, case, 'changed the host and then failed (%s): %s' % (wrote, msg[:300]))
    related = list(changed)
    for path in changed:
        related.extend((coupled or {}).get(re.sub(r'\[\d+\]', '', path).split('.')[0], ()))
    if not blames(named_options(msg), related, aliases):
        tally.add(module, case, 'the message does not name %s: %s' % (' or '.join(changed), msg[:300]))


def describe(changes):
    parts = []
    for path, value in changes:
        text = repr(value) if value is not DELETE else '<removed>'
        parts.append('%s=%s' % (path, text if len(text) < 60 else text[:56] + '...' + text[-1]))
    return ', '.join(parts)
