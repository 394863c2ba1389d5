"""The generated bad-input suite (issues 8 and 19): every option of every module gets every hostile value of its
kind, then hypothesis (fixed seed) combines one to three of them with check mode on or off and hostile bytes in
the files the module finds. For each run: no traceback, a result the controller accepts, every value no module
may take refused, and every failure names the option at fault and comes before any write (files under the test
root byte-identical; for the sls_* modules, no mutating call reached the emulator).

Values and rules: tests/support/bad_input.py. The number of cases tried is printed at the end (the README
quotes it); it is fixed by the specs, the catalogs and the seed.
"""
import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import sls_argument_spec
from ansible_collections.alicloud_ops.logging.plugins.modules import (
    cms_contact_group, cms_metric_rule, cms_monitor_group, logtail_agent, logtail_config, rsyslog_dropin, sls_alert,
    sls_alert_action, sls_index, sls_index_info, sls_log_search, sls_logstore, sls_logtail_config,
    sls_logtail_config_info, sls_machine_group, sls_machine_group_info, sls_project, systemd_unit)
from tests.support.bad_input import (
    DELETE, JUNK, Sandbox, Tally, aliases_of, capture_spec, describe, examples, judge, option_cases, sandbox,
    set_path)
from tests.support.module_harness import run_module
from tests.support.sls_emulator import (  # noqa: F401 - fixture
    SLS_KEY_ID, SLS_KEY_SECRET, cms_auth, mutating_calls, sls_auth, sls_emulator)
from tools.alicloud_emulator import start_emulator

TALLIES = {}

# --- the modules that change files on the host ---------------------------------------------------------------------
UNIT = '[Unit]\nDescription=agent\n[Service]\nType=simple\nExecStart=/bin/sleep 100\n'


def systemd_furniture(root):
    units = os.path.join(root, 'image', 'etc', 'systemd', 'system')
    os.makedirs(units)
    with open(os.path.join(units, 'agent.service'), 'w') as handle:
        handle.write(UNIT)


def rsyslog_furniture(root):
    os.mkdir(os.path.join(root, 'rsyslog.d'))
    with open(os.path.join(root, 'rsyslog.conf'), 'w') as handle:
        handle.write('global(workDirectory="%s")\n$IncludeConfig %s/*.conf\n*.* %s/all.log\n'
                     % (os.path.join(root, 'adir'), os.path.join(root, 'rsyslog.d'), root))
    with open(os.path.join(root, 'rsyslog.d', '10-old.conf'), 'w') as handle:
        handle.write('template(name="old_fmt" type="string" string="%msg%\\n")\n')
    with open(os.path.join(root, 'rsyslog.d', '50-fwd.conf'), 'w') as handle:
        handle.write('# the drop-in before this run\n')


def logtail_furniture(root):
    os.makedirs(os.path.join(root, 'ilogtail'))
    with open(os.path.join(root, 'ilogtail', 'ilogtail_config.json'), 'w') as handle:
        handle.write('{\n    "config_server_address": "http://logtail.example",\n    "cpu_usage_limit": 0.4\n}\n')
    os.makedirs(os.path.join(root, 'etc', 'users'))
    with open(os.path.join(root, 'etc', 'user_defined_id'), 'w') as handle:
        handle.write('old-id\n')


# A stand-in installer for this suite only: it honours install/upgrade/-v/uninstall inside the sandbox.
INSTALLER = r'''#!/bin/bash
dir=%s
case "$1" in
  install|upgrade) version=1.8.0
    for ((i = 1; i < $#; i++)); do [ "${!i}" = -v ] && { j=$((i + 1)); version=${!j}; }; done
    mkdir -p "$dir" && printf '{"logtail_version": "%%s"}\n' "$version" > "$dir/app_info.json" ;;
  uninstall) rm -rf "$dir" ;;
  *) echo "usage: $0 install|upgrade|uninstall" >&2; exit 2 ;;
esac
'''


def agent_furniture(root):
    with open(os.path.join(root, 'logtail.sh'), 'w') as handle:
        handle.write(INSTALLER % os.path.join(root, 'ilogtail'))


def ran_installer(result):
    # The installer ran and the module then judged its outcome (an app_info.json elsewhere, another version):
    # a failure after the work, not a refusal of the input.
    return 'installer_output' in result.data


HOST_MODULES = {
    'systemd_unit': dict(
        main=systemd_unit.main, prepare=systemd_furniture, multiline=('content',),
        base=lambda root: {'name': 'agent.service', 'root': os.path.join(root, 'image'), 'content': UNIT},
        # Without root the module would act on this host's /etc/systemd/system.
        fixed=('root',), coupled={'dropin': ('content',)}),
    'rsyslog_dropin': dict(
        main=rsyslog_dropin.main, prepare=rsyslog_furniture, multiline=('content', 'forward.template.format'),
        base=lambda root: {'name': 'fwd', 'dropin_dir': os.path.join(root, 'rsyslog.d'),
                           'main_config': os.path.join(root, 'rsyslog.conf'),
                           'forward': {'queue': {'spool_directory': os.path.join(root, 'spool')}}}),
    'logtail_config': dict(
        main=logtail_config.main, prepare=logtail_furniture, multiline=(),
        base=lambda root: {'config_path': os.path.join(root, 'ilogtail', 'ilogtail_config.json'),
                           'user_defined_id_path': os.path.join(root, 'etc', 'user_defined_id'),
                           'aliuids_dir': os.path.join(root, 'etc', 'users'), 'cpu_usage_limit': 0.5,
                           'user_defined_ids': ['web'], 'aliuids': ['1234567890'],
                           'streamlog_formats': [{'version': '0.1', 'fields': []}]}),
    'logtail_agent': dict(
        main=logtail_agent.main, prepare=agent_furniture, multiline=(), allowed_after=ran_installer,
        base=lambda root: {'region': 'cn-hangzhou', 'installer_url': 'file://' + os.path.join(root, 'logtail.sh'),
                           'install_dir': os.path.join(root, 'ilogtail'), 'version': '1.8.0',
                           'app_info_path': os.path.join(root, 'ilogtail', 'app_info.json'),
                           'init_script': os.path.join(root, 'init.d', 'ilogtaild'), 'start_timeout': 1,
                           'timeout': 30},
        # A real URL would leave the machine. Any other app_info_path only makes the module wait start_timeout
        # for a file the stand-in never writes (a failure after the install, tested in test_logtail_agent.py).
        only_refused=('installer_url', 'app_info_path')),
}
# Options whose default is a path on this host: never removed, never emptied by the hypothesis combinations.
HOST_DEFAULT_PATHS = ('root', 'dropin_dir', 'main_config', 'forward.queue.spool_directory', 'config_path',
                      'user_defined_id_path', 'aliuids_dir', 'install_dir', 'app_info_path', 'init_script',
                      'installer_url')


def junk_cases(cases, guarded=()):
    """Random values (JUNK) for any option the catalog cases change, except those guarded: (path, value, False)."""
    paths = sorted(set(path for path, _value, _refuse in cases if path.split('.')[0] not in guarded))
    return st.tuples(st.sampled_from(paths), JUNK, st.just(False))


def host_cases(name):
    config = HOST_MODULES[name]
    with sandbox(config['prepare']) as (root, _tmpdir):
        base = config['base'](root)
        spec = capture_spec(config['main'], base)
        cases = option_cases(spec, base, root, config['multiline'], config.get('fixed', ()),
                             config.get('only_refused', ()))
        return spec, [(path, value.replace(root, '{root}') if isinstance(value, str) else value, refuse)
                      for path, value, refuse in cases]


def in_root(value, root):
    """A case value with its sandbox placeholder filled in (cases are built once, run in the module's sandbox)."""
    if isinstance(value, str):
        return value.replace('{root}', root)
    return value


@pytest.fixture
def sandboxes():
    """One reusable Sandbox per host module (tests/support/bad_input.py), closed at the end of the test."""
    made = {}

    def get(name):
        if name not in made:
            made[name] = Sandbox(HOST_MODULES[name]['prepare'])
        return made[name]
    yield get
    for box in made.values():
        box.close()


def run_host_case(box, name, changes, check_mode=False, existing=None):
    """One run from the pristine sandbox: ``changes`` [(path, value)] applied to the base args; returns the
    result and a description of what it wrote ('' for nothing)."""
    config = HOST_MODULES[name]
    before = box.fresh()
    root = box.root
    args = config['base'](root)
    for path, value in changes:
        args = set_path(args, path, in_root(value, root))
    for path, data in (existing or {}).items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'wb') as handle:
            handle.write(data)
    if existing:
        before = box.settle()
    result = run_module(config['main'], dict(args, _ansible_tmpdir=box.tmpdir), check_mode=check_mode, diff=True)
    after = box.settle()
    wrote = ''
    if after != before:
        touched = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        wrote = 'files ' + ', '.join(touched[:4])
    if not result.failed and check_mode and wrote:
        wrote = 'check mode ' + wrote
    return result, wrote


def _refuse_constant(name):
    raise ValueError('%s written into the agent config' % name)


def check_written(name, result, tally, case):
    """What a successful run wrote must be fit for its reader: no NUL byte, and JSON the agent can parse."""
    diffs = result.data.get('diff')
    for entry in diffs if isinstance(diffs, list) else [diffs] if isinstance(diffs, dict) else []:
        after = entry.get('after')
        if not isinstance(after, str):
            continue
        if '\x00' in after:
            tally.add(name, case, 'wrote a NUL byte')
        if name == 'logtail_config' and after and str(entry.get('after_header')).endswith('.json'):
            try:
                json.loads(after, parse_constant=_refuse_constant)
            except ValueError as exc:
                tally.add(name, case, 'wrote JSON the agent cannot read: %s' % exc)


def judge_host(tally, name, case, result, wrote, blamed, refuse, aliases):
    """judge() for a host module, plus: check mode writes nothing, and what a success wrote fits its reader."""
    config = HOST_MODULES[name]
    if wrote.startswith('check mode'):
        tally.add(name, case, wrote)
    judge(tally, name, case, result, blamed, refuse, aliases, wrote if result.failed else '',
          config.get('allowed_after'), config.get('coupled'))
    if not result.failed:
        check_written(name, result, tally, case)


def host_test(sandboxes, name):
    """(cases, sandbox, tally, aliases) for a test of the host module ``name``."""
    spec, cases = host_cases(name)
    return cases, sandboxes(name), TALLIES.setdefault(name, Tally()), aliases_of(spec)


@pytest.mark.parametrize('name', sorted(HOST_MODULES))
def test_every_option_of_a_host_module(sandboxes, name):
    cases, box, tally, aliases = host_test(sandboxes, name)
    for path, value, refuse in cases:
        result, wrote = run_host_case(box, name, [(path, value)])
        judge_host(tally, name, describe([(path, value)]), result, wrote, [path], refuse, aliases)
    assert not tally.problems, tally.report()


# What an existing file may hold: text, nothing, or bytes that are not UTF-8.
FILE_BYTES = st.sampled_from([b'', b'\xff\xfe\x00garbage', b'latin1 caf\xe9\n', b'{"a": NaN}\n', b'[]\n',
                              b'x' * 100000]) | st.binary(max_size=200)
# The file each module finds, and the option that names it (a failure caused by its bytes blames that option).
EXISTING = {'systemd_unit': ('image/etc/systemd/system/agent.service', 'name'),
            'rsyslog_dropin': ('rsyslog.d/50-fwd.conf', 'name'),
            'logtail_config': ('ilogtail/ilogtail_config.json', 'config_path'),
            'logtail_agent': ('ilogtail/app_info.json', 'app_info_path')}
COMBINATIONS = {'systemd_unit': 40, 'rsyslog_dropin': 40, 'logtail_config': 60, 'logtail_agent': 30}


@pytest.mark.parametrize('name', sorted(HOST_MODULES))
def test_combinations_for_a_host_module(sandboxes, name):
    cases, box, tally, aliases = host_test(sandboxes, name)
    # Removing an option is a case here too, except for those whose default is a path on this host.
    removable = sorted(set(p for p, _v, _r in cases if '[' not in p and '.' not in p) - set(HOST_DEFAULT_PATHS))
    pool = cases + [(path, DELETE, False) for path in removable]
    config = HOST_MODULES[name]
    junk = junk_cases(cases, config.get('only_refused', ()))

    @examples(COMBINATIONS[name])
    @given(st.data())
    def one(data):
        picked = data.draw(st.lists(st.sampled_from(pool) | junk, min_size=1, max_size=3,
                                    unique_by=lambda c: c[0].split('.')[0].split('[')[0]), label='changes')
        check_mode = data.draw(st.booleans(), label='check_mode')
        existing = {}
        blamed = [path for path, _value, _refuse in picked]
        if data.draw(st.booleans(), label='hostile existing file'):
            existing[EXISTING[name][0]] = data.draw(FILE_BYTES, label='existing bytes')
            blamed.append(EXISTING[name][1])
        changes = [(path, value) for path, value, _r in picked]
        result, wrote = run_host_case(box, name, changes, check_mode, existing)
        case = describe(changes) + (' (check mode)' if check_mode else '') + (' (hostile file)' if existing else '')
        judge_host(tally, name, case, result, wrote, blamed, any(r for _p, _v, r in picked), aliases)
    one()
    assert not tally.problems, tally.report()


# --- the Log Service modules, against the emulator -----------------------------------------------------------------
# Options that would make the SDK leave 127.0.0.1 (another endpoint, an STS or metadata call) only ever get values
# every module must refuse before any request.
SLS_GUARDED = ('endpoint', 'region', 'role_arn', 'ecs_role_name', 'sts_endpoint', 'profile', 'config_file',
               'role_session_name', 'role_session_duration')
SLS_MODULES = {
    'sls_project': (sls_project.main, dict(name='proj-a', description='web logs'), ('description',)),
    'sls_logstore': (sls_logstore.main, dict(project='proj-a', name='syslog', ttl=30), ()),
    'sls_machine_group': (sls_machine_group.main, dict(project='proj-a', name='hosts', machines=['id-1']), ()),
    'sls_logtail_config': (sls_logtail_config.main,
                           dict(project='proj-a', name='cfg', logstore='syslog', tag='t', machine_groups=['hosts']),
                           ('log_sample', 'input_detail', 'pipeline')),
    'sls_index': (sls_index.main, dict(project='proj-a', name='syslog', fields=[{'name': '_content_'}]),
                  ('tokens', 'fields.tokens')),
    'sls_index_info': (sls_index_info.main, dict(project='proj-a', name='syslog'), ()),
    'sls_log_search': (sls_log_search.main, dict(project='proj-a', logstore='syslog', rows=5), ('query',)),
    'sls_machine_group_info': (sls_machine_group_info.main, dict(project='proj-a', name='hosts'), ()),
    'sls_logtail_config_info': (sls_logtail_config_info.main, dict(project='proj-a', name_prefix='cf'), ()),
    'sls_alert': (sls_alert.main, dict(project='proj-a', name='errors', queries=[
        {'logstore': 'syslog', 'query': '* | select count(*) as c'}], conditions=[{'severity': 'high',
                                                                                 'condition': 'c > 0'}],
        action_policy='ops', annotations={'title': 'Errors'}), sls_alert.MULTILINE),
    'sls_alert_action': (sls_alert_action.main, dict(name='ops', webhook_url='https://hooks.example.com/x',
                                                     webhook_headers={'X-Team': 'sre-team'}), ()),
}


# The CloudMonitor modules, against the same emulator (its cms 2019-01-01 API): {name: (main, base, multiline)}.
CMS_MODULES = {
    'cms_contact_group': (cms_contact_group.main, dict(name='ops', contacts=[
        {'name': 'ops-mail', 'email': 'ops@example.com'}]), ()),
    'cms_monitor_group': (cms_monitor_group.main, dict(name='web', contact_groups=['ops'], instances=[
        {'instance_id': 'i-bp1web01', 'region_id': 'cn-hangzhou'}]), ()),
    'cms_metric_rule': (cms_metric_rule.main, dict(rule_id='web-cpu', monitor_group='web', metric='cpu_total',
                                                   escalations={'critical': {'operator': '>', 'threshold': 90,
                                                                             'times': 3},
                                                                'warn': {'operator': '>', 'threshold': 80},
                                                                'info': {'operator': '>=', 'threshold': 70}},
                                                   webhook_url='https://hooks.example.com/cms'), ()),
}
# Every cloud-API module: {name: (main, base, multiline, auth)}.
API_MODULES = dict((name, spec + (sls_auth,)) for name, spec in SLS_MODULES.items())
API_MODULES.update((name, spec + (cms_auth,)) for name, spec in CMS_MODULES.items())


@pytest.fixture
def fleet(sls_emulator):
    """An existing project, logstore (with an index), machine group and config, so updates, reads and deletes
    are tried too."""
    auth = sls_auth(sls_emulator)
    for main, args in ((sls_project.main, dict(name='proj-a')),
                       (sls_logstore.main, dict(project='proj-a', name='syslog')),
                       (sls_index.main, dict(project='proj-a', name='syslog')),
                       (sls_machine_group.main, dict(project='proj-a', name='hosts', machines=['id-1'])),
                       (sls_logtail_config.main, dict(project='proj-a', name='cfg', logstore='syslog', tag='t',
                                                      machine_groups=['hosts']))):
        assert not run_module(main, dict(auth, **args)).failed
    for name in ('cms_contact_group', 'cms_monitor_group', 'cms_metric_rule'):
        main, args = CMS_MODULES[name][:2]
        done = run_module(main, dict(cms_auth(sls_emulator), **args))
        assert not done.failed, done.msg
    return sls_emulator


# The auth and endpoint options are one code path (sls_module.SLSModule) in all eight
# modules: one writing and one reading module get every value of them; the combinations draw them everywhere.
AUTH_OPTIONS = tuple(sls_argument_spec())
AUTH_ENUMERATED_IN = ('sls_project', 'sls_log_search', 'cms_contact_group')


def sls_cases(name, emu, enumerated=False):
    main, base, multiline, auth = API_MODULES[name]
    args = dict(auth(emu), **base)
    spec = capture_spec(main, args)
    fixed = AUTH_OPTIONS if enumerated and name not in AUTH_ENUMERATED_IN else ()
    with sandbox() as (root, _tmpdir):
        # Paths (config_file) point into a sandbox that is gone by the time they are used: never absolute ones.
        cases = option_cases(spec, args, root, multiline, fixed=fixed, only_refused=SLS_GUARDED)
    return spec, args, cases


@pytest.fixture(scope='module')
def sls_emulator_server():
    """The emulator of tests/support/sls_emulator.py, but every search complete at once: the SDK waits about half
    a second before asking again after an Incomplete answer, and the search module's own tests cover that."""
    emu = start_emulator(access_keys={SLS_KEY_ID: SLS_KEY_SECRET}, instances=1, regions=1, incomplete_first=0)
    yield emu
    emu.stop()


def run_sls_case(emu, main, args, check_mode):
    before = dict(mutating_calls(emu))
    result = run_module(main, args, check_mode=check_mode, diff=True)
    after = dict(mutating_calls(emu))
    wrote = '' if after == before else 'API calls %s' % sorted(k for k in after if after[k] != before.get(k))
    if SLS_KEY_SECRET in json.dumps(result.data, default=str):
        wrote += ' (and the secret is in the result)'
    return result, wrote


def judge_sls(tally, name, case, result, wrote, changed, refuse, aliases, check_mode):
    if 'secret is in the result' in wrote:
        tally.add(name, case, 'the access key secret is in the result')
    if not result.failed and check_mode and wrote:
        tally.add(name, case, 'check mode made %s' % wrote)
    judge(tally, name, case, result, changed, refuse, aliases, wrote if result.failed else '')


@pytest.mark.parametrize('name', sorted(API_MODULES))
def test_every_option_of_an_sls_module(fleet, name):
    main = API_MODULES[name][0]
    spec, args, cases = sls_cases(name, fleet, enumerated=True)
    tally = TALLIES.setdefault(name, Tally())
    aliases = aliases_of(spec)
    for path, value, refuse in cases:
        # Never a real deletion: state=absent is a valid value, tried by the module's own tests.
        result, wrote = run_sls_case(fleet, main, set_path(args, path, value), check_mode=False)
        judge_sls(tally, name, describe([(path, value)]), result, wrote, [path], refuse, aliases, False)
    assert not tally.problems, tally.report()


@pytest.mark.parametrize('name', sorted(API_MODULES))
def test_combinations_for_an_sls_module(fleet, name):
    main = API_MODULES[name][0]
    spec, args, cases = sls_cases(name, fleet)
    tally = TALLIES.setdefault(name, Tally())
    aliases = aliases_of(spec)

    junk = junk_cases(cases, SLS_GUARDED)

    @examples(25)
    @given(st.data())
    def one(data):
        picked = data.draw(st.lists(st.sampled_from(cases) | junk, min_size=1, max_size=3,
                                    unique_by=lambda c: c[0].split('.')[0].split('[')[0]), label='changes')
        check_mode = data.draw(st.booleans(), label='check_mode')
        call_args = args
        for path, value, _refuse in picked:
            call_args = set_path(call_args, path, value)
        result, wrote = run_sls_case(fleet, main, call_args, check_mode)
        changes = [(p, v) for p, v, _r in picked]
        judge_sls(tally, name, describe(changes) + (' (check mode)' if check_mode else ''), result, wrote,
                  [p for p, _v in changes], any(r for _p, _v, r in picked), aliases, check_mode)
    one()
    assert not tally.problems, tally.report()


@pytest.fixture(scope='module', autouse=True)
def print_case_count(request):
    yield
    cases = sum(t.cases for t in TALLIES.values())
    refused = sum(t.refused for t in TALLIES.values())
    line = ('bad-input suite: %d generated cases over %d modules (%d refused, %d accepted)'
            % (cases, len(TALLIES), refused, cases - refused))
    capture = request.config.pluginmanager.get_plugin('capturemanager')
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print('\n' + line)
    else:
        print(line)
