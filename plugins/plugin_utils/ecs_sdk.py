# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Imports the official ECS SDK client without paying for its whole `models` package.

`alibabacloud_ecs20140526.client` starts with `from alibabacloud_ecs20140526 import models`, whose __init__
imports all ~1,150 model files: about 0.35 s of every cold inventory run (a third of the SDK import), for the
three request classes the inventory uses. The client only reads `models.X` inside its methods (its annotations
are postponed), so the package can stand as a module that imports each model file on first use. The classes
are the SDK's own, from the SDK's own files; any name not listed in the SDK's __init__ (e.g. __all__) loads
the real __init__ into the same module, so other code in the process sees the package it expects.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import importlib.util
import re
import sys
import threading
import types

MODELS = 'alibabacloud_ecs20140526.models'
# The generated __init__ is one `from ._file import Class` line per class.
_EXPORT = re.compile(r'^from \.(\w+) import (\w+)$', re.M)
_lock = threading.RLock()


def _package_shell(module, spec):
    """Give `module` (not yet loaded) what the import system asks of package `spec`, so that its submodules import
    from their own files; returns it."""
    module.__spec__, module.__file__, module.__loader__ = spec, spec.origin, spec.loader
    module.__package__ = spec.name
    if spec.submodule_search_locations is not None:
        module.__path__ = list(spec.submodule_search_locations)
    return module


def _lazy_models(spec):
    with open(spec.origin) as handle:
        where = dict((name, sub) for sub, name in _EXPORT.findall(handle.read()))
    module = _package_shell(types.ModuleType(MODELS), spec)
    loaded = []

    def __getattr__(name):
        sub = where.get(name)
        if sub is not None:
            value = getattr(importlib.import_module('%s.%s' % (MODELS, sub)), name)
        else:
            with _lock:
                if not loaded:
                    spec.loader.exec_module(module)
                    loaded.append(True)  # pragma: no mutate (equivalent: only whether the list is empty is read)
            if name not in module.__dict__:
                raise AttributeError('module %r has no attribute %r' % (MODELS, name))
            value = module.__dict__[name]
        setattr(module, name, value)
        return value

    module.__getattr__ = __getattr__
    return module


def ecs_sdk():
    """(alibabacloud_ecs20140526.client.Client, the models module), models loaded per class on first use."""
    with _lock:
        if MODELS not in sys.modules:
            spec = importlib.util.find_spec(MODELS)
            if spec is not None and spec.origin and spec.submodule_search_locations:
                sys.modules[MODELS] = models = _lazy_models(spec)
                setattr(sys.modules[MODELS.rpartition('.')[0]], 'models', models)
    from alibabacloud_ecs20140526.client import Client
    return Client, sys.modules[MODELS]


# Modules the SDK imports at its own import but uses only on paths the inventory never takes: aiohttp (with
# asyncio's SSL contexts and CA loading, about 0.1 s) is the transport of the SDK's *_async methods; the
# inventory calls the sync ones, which go through requests. Each lists the names the SDK's modules read from it
# while they are imported (darabonba.response: `from aiohttp import ClientResponse`; darabonba.utils.stream: the
# two as annotations of a def), answered by stand-ins without loading it.
UNUSED_TRANSPORTS = {'aiohttp': ('ClientSession', 'ClientResponse')}


class _StandInType(type):
    """Metaclass of a stand-in class: calling it, isinstance/issubclass and its attributes go to the real class
    (the real module is loaded on first such use)."""

    def __call__(cls, *args, **kwargs):
        return cls._real()(*args, **kwargs)

    def __instancecheck__(cls, instance):
        return isinstance(instance, cls._real())

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, cls._real())

    def __getattr__(cls, name):
        return getattr(cls._real(), name)


class DeferredModule(types.ModuleType):
    """Stands in sys.modules for a package until something really uses it.

    It answers what the import system asks of a package without loading it (its spec and __path__, so its
    submodules still import from their own files) and, for the names in `stand_ins`, a class standing for the
    real one. Any other attribute loads the real package (its own __init__, into a new module that replaces this
    one in sys.modules) and is read from it; this object then forwards every attribute to it. A stand-in bound
    elsewhere before the load stays a stand-in that forwards to the real class (a class statement cannot
    subclass it, and it is not the real class by identity): the SDK only uses those names in annotations."""

    def __init__(self, name, spec, stand_ins):
        super(DeferredModule, self).__init__(name)
        _package_shell(self, spec)
        self._deferred_stand_ins = tuple(stand_ins)
        self._deferred_real = None

    def _deferred_load(self):
        with _lock:
            real = self._deferred_real
            if real is None:
                name = self.__name__
                if sys.modules.get(name) is self:
                    del sys.modules[name]
                try:
                    real = importlib.import_module(name)
                except BaseException:
                    sys.modules.setdefault(name, self)
                    raise
                self._deferred_real = real
        return real

    def __getattr__(self, name):
        if name.startswith('_deferred_'):
            raise AttributeError(name)
        real = self._deferred_real
        if real is None and name in self._deferred_stand_ins:
            stand_in = _StandInType(name, (object,), {
                '_real': staticmethod(lambda: getattr(self._deferred_load(), name)), '__module__': self.__name__})
            setattr(self, name, stand_in)
            return stand_in
        return getattr(real if real is not None else self._deferred_load(), name)


def defer_unused_transports(modules=None):
    """Put a DeferredModule in sys.modules for each module of `modules` (default UNUSED_TRANSPORTS: name ->
    stand-in names) that is installed and not imported yet. For a process that imports the SDK only to make
    sync calls (the fetch process); returns the names deferred."""
    deferred = []
    with _lock:
        for name, stand_ins in (UNUSED_TRANSPORTS if modules is None else modules).items():
            if name in sys.modules:
                continue
            try:
                spec = importlib.util.find_spec(name)
            except (ImportError, ValueError):
                spec = None
            if spec is None or spec.loader is None or not spec.origin:
                continue  # not installed: the SDK's own import fails as it always would
            sys.modules[name] = DeferredModule(name, spec, stand_ins)
            deferred.append(name)
    return deferred


def really_loaded(name):
    """Whether module `name` is imported for real (not only a DeferredModule standing in for it)."""
    module = sys.modules.get(name)
    if isinstance(module, DeferredModule):
        return module._deferred_real is not None
    return module is not None
