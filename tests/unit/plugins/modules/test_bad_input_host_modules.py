"""Generated bad input for the modules that change files on a host (see tests/support/bad_input.py)."""
import json
import os

from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.alicloud_ops.logging.plugins.modules import (
    logtail_agent, logtail_config, rsyslog_dropin, systemd_unit)
from tests.support.bad_input import (
    DELETE, JUNK, MODES, NASTY_TEXT, NUMBER_JUNK, OWNERS, PATH_JUNK, examples, existing_file, mutate, root_paths, run_and_judge,
    sandbox)

TEXT = JUNK | st.sampled_from(NASTY_TEXT)


def rsyslog_furniture(root):
    os.mkdir(os.path.join(root, 'rsyslog.d'))
    with open(os.path.join(root, 'rsyslog.conf'), 'w') as handle:
        handle.write('global(workDirectory="%s")\n$IncludeConfig %s/*.conf\n*.* %s/all.log\n'
                     % (os.path.join(root, 'adir'), os.path.join(root, 'rsyslog.d'), root))
    with open(os.path.join(root, 'rsyslog.d', '10-old.conf'), 'w') as handle:
        handle.write('template(name="old_fmt" type="string" string="%msg%\\n")\n')


def forward_values(root):
    spool = root_paths(root)
    queue = st.fixed_dictionaries({'spool_directory': spool}, optional={
        'size': NUMBER_JUNK, 'high_watermark': NUMBER_JUNK, 'low_watermark': NUMBER_JUNK, 'type': TEXT,
        'filename': TEXT, 'max_disk_space': TEXT, 'dequeue_batch_size': JUNK, 'timeout_enqueue': JUNK})
    return st.fixed_dictionaries({'queue': queue}, optional={
        'target': TEXT, 'port': NUMBER_JUNK, 'protocol': TEXT, 'selector': TEXT, 'sys_tag': TEXT,
        'template': st.fixed_dictionaries({}, optional={'name': TEXT | st.just('old_fmt'), 'format': TEXT}),
        'action': st.fixed_dictionaries({}, optional={'resume_retry_count': JUNK, 'resume_interval': JUNK}),
        'extra_params': JUNK}) | JUNK


@examples(70)
@given(st.data())
def test_rsyslog_dropin(data):
    with sandbox(rsyslog_furniture) as (root, tmpdir):
        base = {'name': 'fwd', 'dropin_dir': os.path.join(root, 'rsyslog.d'),
                'main_config': os.path.join(root, 'rsyslog.conf'),
                'forward': {'queue': {'spool_directory': os.path.join(root, 'spool')}}}
        choices = {'name': TEXT, 'weight': NUMBER_JUNK, 'state': TEXT | st.just('absent'), 'forward': forward_values(root),
                   'content': TEXT | st.just(DELETE), 'dropin_dir': root_paths(root), 'main_config': root_paths(root),
                   'validate': JUNK, 'mode': MODES, 'owner': OWNERS, 'group': OWNERS,
                   'rsyslogd_path': st.sampled_from([None, os.path.join(root, 'afile'), os.path.join(root, 'adir')])}
        # Half the examples start from an existing drop-in, so a refusal has something to keep.
        if data.draw(st.booleans(), label='existing'):
            run_and_judge(rsyslog_dropin.main, base, root, tmpdir)
        existing_file(data, os.path.join(root, 'rsyslog.d', '50-fwd.conf'))
        run_and_judge(rsyslog_dropin.main, mutate(data, base, choices), root, tmpdir,
                      check_mode=data.draw(st.booleans(), label='check_mode'))


UNIT = '[Unit]\nDescription=agent\n[Service]\nType=simple\nExecStart=/bin/sleep 100\n'
UNIT_DIRS = st.sampled_from(['/etc/systemd/system', '/usr/lib/systemd/system', 'relative/units', '/afile', '/adir',
                             '/' + 'n' * 300]) | PATH_JUNK


@examples(50)
@given(st.data())
def test_systemd_unit(data):
    with sandbox() as (root, tmpdir):
        # Always offline under the test root: without root= the module would enable units on this host.
        base = {'name': 'agent.service', 'root': os.path.join(root, 'image'), 'content': UNIT}
        choices = {'name': TEXT, 'dropin': TEXT | st.just('10-extra'), 'state': TEXT | st.just('absent'),
                   'content': TEXT | st.just('[Service]\nExecStart=/bin/sleep 5\n') | st.just(DELETE),
                   'sections': JUNK | st.just({'Service': {'ExecStart': ['', '/bin/true']}}),
                   'service_state': TEXT, 'enabled': JUNK, 'daemon_reload': JUNK, 'unit_dir': UNIT_DIRS,
                   'root': root_paths(root).filter(lambda v: isinstance(v, str) and v.startswith(root)),
                   'verify': JUNK, 'mode': MODES, 'owner': OWNERS, 'group': OWNERS}
        if data.draw(st.booleans(), label='existing'):
            run_and_judge(systemd_unit.main, base, root, tmpdir)
        existing_file(data, os.path.join(root, 'image', 'etc', 'systemd', 'system', 'agent.service'))
        run_and_judge(systemd_unit.main, mutate(data, base, choices), root, tmpdir,
                      check_mode=data.draw(st.booleans(), label='check_mode'))


def logtail_furniture(root):
    os.mkdir(os.path.join(root, 'ilogtail'))
    with open(os.path.join(root, 'ilogtail', 'ilogtail_config.json'), 'w') as handle:
        handle.write('{\n    "config_server_address": "http://logtail.example",\n    "cpu_usage_limit": 0.4\n}\n')


@examples(80)
@given(st.data())
def test_logtail_config(data):
    with sandbox(logtail_furniture) as (root, tmpdir):
        base = {'config_path': os.path.join(root, 'ilogtail', 'ilogtail_config.json'),
                'user_defined_id_path': os.path.join(root, 'etc', 'user_defined_id'),
                'aliuids_dir': os.path.join(root, 'etc', 'users'), 'cpu_usage_limit': 0.5,
                'user_defined_ids': ['web'], 'aliuids': ['1234567890']}
        choices = {'config_path': root_paths(root), 'user_defined_id_path': root_paths(root),
                   'aliuids_dir': root_paths(root), 'extra_config': JUNK, 'user_defined_ids': JUNK,
                   'aliuids': JUNK, 'aliuids_exclusive': JUNK, 'cpu_usage_limit': NUMBER_JUNK,
                   'mem_usage_limit': NUMBER_JUNK, 'streamlog_tcp_addr': TEXT, 'streamlog_tcp_port': NUMBER_JUNK, 'streamlog_formats': JUNK,
                   'streamlog_open': JUNK, 'max_bytes_per_sec': NUMBER_JUNK}
        if data.draw(st.booleans(), label='existing'):
            run_and_judge(logtail_config.main, base, root, tmpdir)
        existing_file(data, base['config_path'])
        args = mutate(data, base, choices)
        run_and_judge(logtail_config.main, args, root, tmpdir, check_mode=data.draw(st.booleans(), label='check_mode'),
                      on_success=lambda result: strict_json(args.get('config_path')))


def strict_json(path):
    """What the agent will read must be JSON (no NaN or Infinity, which Python's json writes)."""
    if isinstance(path, str) and os.path.isfile(path):
        with open(path, 'rb') as handle:
            json.loads(handle.read().decode('utf-8'), parse_constant=_refuse_constant)


def _refuse_constant(name):
    raise AssertionError('%s written into the agent config' % name)


# Only loopback: a closed port answers at once; anything else is refused before a request.
INSTALLER_URLS = st.sampled_from(['http://127.0.0.1:9/linux64/logtail.sh', 'http://[::1]:9/logtail.sh', 'not a url',
                                  'http://[::1', 'ftp://127.0.0.1/x', 'http://127.0.0.1:99999/x', 'file:', 'http://',
                                  ' http://127.0.0.1:9/x', 'http://127.0.0.1:9/x\n', 12345, 'x' * 3000])


@examples(40)
@given(st.data())
def test_logtail_agent(data):
    with sandbox() as (root, tmpdir):
        existing_file(data, os.path.join(root, 'ilogtail', 'app_info.json'))
        base = {'region': 'cn-hangzhou', 'installer_url': 'http://127.0.0.1:9/linux64/logtail.sh',
                'install_dir': os.path.join(root, 'ilogtail'), 'timeout': 5}
        choices = {'state': TEXT | st.just('absent'), 'region': TEXT, 'network': TEXT, 'installer_url': INSTALLER_URLS,
                   'installer_checksum': TEXT, 'version': TEXT, 'install_dir': root_paths(root),
                   'timeout': st.sampled_from([0, -1, 1, 2 ** 40, 'x', None, 1.5]), 'validate_certs': JUNK}
        run_and_judge(logtail_agent.main, mutate(data, base, choices), root, tmpdir,
                      check_mode=data.draw(st.booleans(), label='check_mode'))
