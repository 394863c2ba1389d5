"""alicloud_ecs glue: how a failed source ends the run (never a warning and an empty inventory), and which files
it claims. The whole plugin runs as ansible-inventory in tests/integration/test_inventory_*.py."""
import pytest
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.parsing.dataloader import DataLoader

from ansible_collections.alicloud_ops.logging.plugins.inventory import alicloud_ecs
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_inventory import (
    CREDENTIAL_OPTIONS, InventorySourceError)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_options import InventoryOptionError
from tests.support.display import RecordingDisplay

SECRET = 'Glue-Secret-never-printed'
SOURCE = '/inventories/prod.alicloud_ecs.yml'


@pytest.fixture
def plugin(monkeypatch):
    module = alicloud_ecs.InventoryModule()
    module._options = dict((name, None) for name in CREDENTIAL_OPTIONS)
    module._options['secret_key'] = SECRET
    monkeypatch.setattr(module, 'display', RecordingDisplay())
    return module


@pytest.fixture(params=[False, True], ids=['any_unparsed_is_failed off', 'any_unparsed_is_failed on'])
def any_unparsed_is_failed(request, monkeypatch):
    monkeypatch.setattr(alicloud_ecs.C, 'INVENTORY_ANY_UNPARSED_IS_FAILED', request.param, raising=False)
    return request.param


def fail(plugin, exc):
    """What _fail raises for exc; the error it printed, if it printed one."""
    with pytest.raises(BaseException) as raised:
        plugin._fail(SOURCE, exc)
    return raised.value, plugin.display.errors


@pytest.mark.parametrize('exc', [
    InventorySourceError('authentication failed: SignatureDoesNotMatch (secret %s)' % SECRET),
    InventoryOptionError('max_workers: must be at least 1, got 0'),
])
def test_our_errors_fail_the_run_either_way_with_the_secret_masked(plugin, any_unparsed_is_failed, exc):
    raised, printed = fail(plugin, exc)
    if any_unparsed_is_failed:
        # ansible-core fails the run on it: a parse error as usual, nothing printed by the plugin.
        assert isinstance(raised, AnsibleParserError) and printed == []
        message = str(raised)
    else:
        # ansible-core would warn and go on: the plugin prints the error and ends the run with exit code 1.
        assert isinstance(raised, alicloud_ecs.InventorySourceFailed) and isinstance(raised, SystemExit)
        assert not isinstance(raised, Exception)   # ansible-core's inventory manager catches Exception only
        assert raised.code == 1 and len(printed) == 1
        message = raised.message
        assert printed[0].startswith(message + ' (inventory source %s; the run stops here' % SOURCE)
    assert message.startswith('alicloud_ecs: ') and str(exc).split(' (secret')[0] in message
    assert SECRET not in message and SECRET not in ''.join(printed)


def test_ansible_cores_own_error_is_kept_when_it_fails_the_run_itself(plugin, any_unparsed_is_failed):
    exc = AnsibleParserError('Could not generate group for host h from ecs_tags.team entry')
    raised, printed = fail(plugin, exc)
    if any_unparsed_is_failed:
        assert raised is exc and printed == []
    else:
        assert isinstance(raised, alicloud_ecs.InventorySourceFailed)
        assert raised.message == 'alicloud_ecs: Could not generate group for host h from ecs_tags.team entry'


def test_an_unexpected_exception_is_named_and_its_traceback_kept_for_vvv(plugin, any_unparsed_is_failed):
    try:
        {}['filters']
    except KeyError as exc:
        raised, _printed = fail(plugin, exc)
    assert "alicloud_ecs: unexpected KeyError: 'filters'" in (str(raised) if isinstance(raised, AnsibleError)
                                                             else raised.message)
    assert 'Traceback' in plugin.display.vvvs[0]


def test_a_file_for_another_plugin_is_handed_on_and_one_that_cannot_be_read_is_ours(plugin, tmp_path):
    plugin.loader = DataLoader()
    other = tmp_path / 'other.alicloud_ecs.yml'
    other.write_text('plugin: amazon.aws.aws_ec2\nregions: [us-east-1]\n')
    with pytest.raises(alicloud_ecs.NotThisPlugin) as err:
        plugin._written_if_mine(str(other))
    assert "names the inventory plugin 'amazon.aws.aws_ec2', not alicloud_ops.logging.alicloud_ecs" in str(err.value)
    mine = tmp_path / 'alicloud_ecs.yml'
    mine.write_text('plugin: alicloud_ops.logging.alicloud_ecs\nregoins: [cn-hangzhou]\n')
    assert plugin._written_if_mine(str(mine)) == {'plugin': 'alicloud_ops.logging.alicloud_ecs',
                                                  'regoins': ['cn-hangzhou']}
    broken = tmp_path / 'broken.alicloud_ecs.yml'
    broken.write_text('plugin: [unclosed\n')
    assert plugin._written_if_mine(str(broken)) == {}
