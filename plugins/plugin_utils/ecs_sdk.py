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


def _lazy_models(spec):
    with open(spec.origin) as handle:
        where = dict((name, sub) for sub, name in _EXPORT.findall(handle.read()))
    module = types.ModuleType(MODELS)
    module.__spec__, module.__file__, module.__loader__ = spec, spec.origin, spec.loader
    module.__path__ = list(spec.submodule_search_locations)
    module.__package__ = MODELS
    loaded = []

    def __getattr__(name):
        sub = where.get(name)
        if sub is not None:
            value = getattr(importlib.import_module('%s.%s' % (MODELS, sub)), name)
        else:
            with _lock:
                if not loaded:
                    spec.loader.exec_module(module)
                    loaded.append(True)
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
