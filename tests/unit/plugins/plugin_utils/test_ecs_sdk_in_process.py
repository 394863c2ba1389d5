"""ecs_sdk's loaders in this process, on small packages of the test's own (test_ecs_sdk.py runs them on the real SDK
in a fresh interpreter each, which a mutation run cannot see into): the lazy models package and DeferredModule, with
every value they set and every message they give."""
import importlib
import importlib.util
import sys
import uuid

import pytest

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import ecs_sdk


@pytest.fixture
def packages(tmp_path, monkeypatch):
    """make(files) -> a new package name whose files (relative path -> text) are written under tmp_path; every module
    imported under it is removed from sys.modules afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(files):
        name = 'ecs_sdk_test_%s' % uuid.uuid4().hex[:12]
        for rel, text in files.items():
            path = tmp_path / name / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        made.append(name)
        importlib.invalidate_caches()
        return name

    yield make
    for name in list(sys.modules):
        if name.split('.')[0] in made:
            del sys.modules[name]


MODELS_INIT = '''from ._alpha import Alpha
from ._beta_model import BetaModel
from ._beta_model import BetaModelTag
__all__ = ['Alpha', 'BetaModel', 'BetaModelTag']
EXTRA = 'from the real __init__'
'''


@pytest.fixture
def models(packages, monkeypatch):
    """A stand-in SDK package with a models package in the SDK's layout; ecs_sdk.MODELS names it."""
    # one level deeper than the SDK's (alibabacloud_ecs20140526.models): the parent is the part before the last dot
    top = packages({'__init__.py': '', 'sdk/__init__.py': '', 'sdk/models/__init__.py': MODELS_INIT,
                    'sdk/models/_alpha.py': 'class Alpha(object):\n    pass\n',
                    'sdk/models/_beta_model.py': 'class BetaModel(object):\n    pass\n'
                                                 'class BetaModelTag(object):\n    pass\n'})
    monkeypatch.setattr(ecs_sdk, 'MODELS', top + '.sdk.models')
    return top + '.sdk.models'


def loaded(prefix):
    return sorted(n for n in sys.modules if n.startswith(prefix + '.'))


def test_the_lazy_models_package_is_a_package_that_loads_one_file_per_class(models):
    spec = importlib.util.find_spec(models)
    module = sys.modules[models] = ecs_sdk._lazy_models(spec)  # where ecs_sdk() puts it: submodules find it there
    assert module.__name__ == models and module.__spec__ is spec and module.__file__ == spec.origin
    assert module.__loader__ is spec.loader and module.__package__ == models
    assert module.__path__ == list(spec.submodule_search_locations)
    assert loaded(models) == []
    assert module.BetaModelTag.__module__ == models + '._beta_model' and loaded(models) == [models + '._beta_model']
    tag = importlib.import_module(models + '._beta_model').BetaModelTag
    assert module.__dict__['BetaModelTag'] is tag and module.BetaModelTag is tag  # kept for the next read
    assert module.Alpha is importlib.import_module(models + '._alpha').Alpha
    assert 'EXTRA' not in module.__dict__


def test_a_name_outside_the_class_list_runs_the_real_init_once(models):
    module = sys.modules[models] = ecs_sdk._lazy_models(importlib.util.find_spec(models))
    alpha = module.Alpha
    assert module.EXTRA == 'from the real __init__'
    assert module.__all__ == ['Alpha', 'BetaModel', 'BetaModelTag'] and module.Alpha is alpha
    with pytest.raises(AttributeError) as err:
        module.NoSuchModel
    assert str(err.value) == "module %r has no attribute 'NoSuchModel'" % models


def test_ecs_sdk_puts_the_lazy_package_in_place_once(models):
    from alibabacloud_ecs20140526.client import Client
    got_client, got_models = ecs_sdk.ecs_sdk()
    assert got_client is Client and sys.modules[models] is got_models
    assert isinstance(got_models.__getattr__, type(lambda: None)) and got_models.__path__
    assert sys.modules[models.rpartition('.')[0]].models is got_models
    assert ecs_sdk.ecs_sdk()[1] is got_models


def test_without_a_models_package_ecs_sdk_makes_no_lazy_one(packages, monkeypatch):
    # not installed, or a plain module rather than a package: left to the SDK's own import (which here has none)
    top = packages({'__init__.py': '', 'plain.py': 'X = 1\n'})
    for name in (top + '.missing', top + '.plain'):
        monkeypatch.setattr(ecs_sdk, 'MODELS', name)
        with pytest.raises(KeyError):
            ecs_sdk.ecs_sdk()
        assert name not in sys.modules or not hasattr(sys.modules[name], '__getattr__')


def test_ecs_sdk_leaves_an_imported_models_package_alone(models):
    real = importlib.import_module(models)
    assert ecs_sdk.ecs_sdk()[1] is real and not hasattr(real, '__getattr__')


TRANSPORT = {'__init__.py': 'class Session(object):\n    def __init__(self, base, timeout=None):\n'
                            '        self.base, self.timeout = base, timeout\n'
                            '    def get(self):\n        return "real get"\n'
                            'class Response(object):\n    pass\nVERSION = "1.0"\n',
             'hdrs.py': 'ACCEPT = "Accept"\n'}


def test_a_deferred_module_stands_in_until_a_name_outside_its_stand_ins_is_read(packages):
    name = packages(TRANSPORT)
    assert ecs_sdk.defer_unused_transports({name: ('Session', 'Response')}) == [name]
    deferred = sys.modules[name]
    assert type(deferred) is ecs_sdk.DeferredModule and deferred.__name__ == name
    assert deferred.__path__ == list(importlib.util.find_spec(name).submodule_search_locations)
    assert deferred.__package__ == name and deferred.__file__.endswith('__init__.py')
    assert deferred._deferred_stand_ins == ('Session', 'Response') and not ecs_sdk.really_loaded(name)
    session = deferred.Session
    assert session.__name__ == 'Session' and session.__module__ == name and deferred.Session is session
    assert importlib.import_module(name + '.hdrs').ACCEPT == 'Accept' and not ecs_sdk.really_loaded(name)
    with pytest.raises(AttributeError) as err:
        getattr(deferred, '_deferred_other')
    assert str(err.value) == '_deferred_other'
    assert not ecs_sdk.really_loaded(name)
    # a name that is no stand-in loads the real module, which takes its place
    assert deferred.VERSION == '1.0' and ecs_sdk.really_loaded(name)
    real = sys.modules[name]
    assert type(real).__name__ == 'module' and deferred._deferred_real is real and ecs_sdk.really_loaded(name)
    # a name read after the load is the real one; a stand-in bound before stays a stand-in
    assert deferred.Response is real.Response and deferred.Session is session and session is not real.Session
    assert ecs_sdk.defer_unused_transports({name: ()}) == []


def test_a_stand_in_forwards_to_the_real_class(packages):
    name = packages(TRANSPORT)
    ecs_sdk.defer_unused_transports({name: ('Session', 'Response')})
    stand_in = sys.modules[name].Session
    instance = stand_in('http://x', timeout=5)
    assert ecs_sdk.really_loaded(name) and (instance.base, instance.timeout) == ('http://x', 5)
    real = sys.modules[name].Session
    assert type(instance) is real and isinstance(instance, stand_in) and not isinstance(object(), stand_in)
    assert issubclass(real, stand_in) and not issubclass(int, stand_in)
    assert stand_in.get is real.get and instance.get() == 'real get'


def test_a_failing_real_import_leaves_the_stand_in_in_place(packages):
    name = packages({'__init__.py': 'raise RuntimeError("broken package")\n'})
    assert ecs_sdk.defer_unused_transports({name: ()}) == [name]
    deferred = sys.modules[name]
    with pytest.raises(RuntimeError, match='broken package'):
        deferred.anything
    assert sys.modules[name] is deferred and deferred._deferred_real is None and not ecs_sdk.really_loaded(name)


def test_nothing_is_deferred_that_is_missing_or_imported(packages):
    name = packages(TRANSPORT)
    importlib.import_module(name)
    missing = 'ecs_sdk_test_missing_%s' % uuid.uuid4().hex[:12]
    assert ecs_sdk.defer_unused_transports({name: (), missing: ('X',)}) == []
    assert type(sys.modules[name]).__name__ == 'module' and missing not in sys.modules
    assert ecs_sdk.really_loaded(name) and not ecs_sdk.really_loaded(missing)
    # a name find_spec refuses (its parent is no package) is skipped, not raised
    assert ecs_sdk.defer_unused_transports({name + '.hdrs.nothing': ()}) == []


def test_the_default_deferral_is_the_sdks_async_transport():
    assert ecs_sdk.UNUSED_TRANSPORTS == {'aiohttp': ('ClientSession', 'ClientResponse')}


def test_once_loaded_a_deferred_module_keeps_the_module_it_loaded(packages):
    name = packages(TRANSPORT)
    ecs_sdk.defer_unused_transports({name: ()})
    deferred = sys.modules[name]
    real = deferred._deferred_load()
    sys.modules[name] = other = type(real)(name)
    assert deferred._deferred_load() is real and sys.modules[name] is other


def test_one_module_skipped_does_not_stop_the_others(packages, tmp_path):
    imported, fresh, later = packages(TRANSPORT), packages(TRANSPORT), packages(TRANSPORT)
    importlib.import_module(imported)
    missing = 'ecs_sdk_test_missing_%s' % uuid.uuid4().hex[:12]
    (tmp_path / ('%s_ns' % fresh)).mkdir()  # a namespace package: no file of its own to load
    importlib.invalidate_caches()
    assert importlib.util.find_spec('%s_ns' % fresh).origin is None
    assert ecs_sdk.defer_unused_transports({imported: (), missing: (), '%s_ns' % fresh: (), fresh: (), later: ()}) \
        == [fresh, later]
    assert '%s_ns' % fresh not in sys.modules


def test_by_default_the_module_list_is_unused_transports(packages, monkeypatch):
    name = packages(TRANSPORT)
    monkeypatch.setattr(ecs_sdk, 'UNUSED_TRANSPORTS', {name: ('Session',)})
    assert ecs_sdk.defer_unused_transports() == [name] and sys.modules[name]._deferred_stand_ins == ('Session',)
