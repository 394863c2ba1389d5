# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Functions of the collection's Python, imported on first call: for its filter plugins.

To find one filter of a collection, ansible-core imports every file of its filter directory (Jinja2Loader), and it
does so again in each worker process, one per task and host. So whatever a filter file imports at its top is paid by
every task whose options use any of the collection's filters, by every host. A filter file keeps its top to the
standard library and ansible, and takes the rest through ``deferred()``: the import happens in the worker that calls
that filter, once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib

PACKAGE = 'ansible_collections.alicloud_ops.logging.plugins.'


def deferred(module, name):
    """The function ``name`` of the collection's ``module`` (e.g. ``'module_utils.file_sources'``), as a function
    that imports it when first called and then calls it with the same arguments."""
    def call(*args, **kwargs):
        return getattr(importlib.import_module(PACKAGE + module), name)(*args, **kwargs)
    call.__name__ = name
    call.__qualname__ = name
    return call
