# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bench's in-process floor: an inventory plugin that adds the hosts, vars and groups of an
`ansible-inventory --list` JSON file with the cheapest calls ansible-core offers, and nothing else.

Only bench/inventory_bench.py loads it (ANSIBLE_INVENTORY_PLUGINS points here for the bench's own runs).
A source is a YAML file named *floor.yml holding `plugin: floor_json` and `listing: <path of the JSON file>`.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: floor_json
short_description: Benchmark floor - adds the hosts, vars and groups of an ansible-inventory --list file
description: Used by bench/inventory_bench.py only.
options:
  plugin:
    description: Marks the file as a floor_json source.
    required: true
    choices: [floor_json]
  listing:
    description: Path of the ansible-inventory --list JSON file to serve.
    required: true
    type: path
'''

import json

from ansible.plugins.inventory import BaseInventoryPlugin


class InventoryModule(BaseInventoryPlugin):

    NAME = 'floor_json'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith('floor.yml')

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        with open(self.get_option('listing')) as handle:
            listing = json.load(handle)
        hostvars = listing.get('_meta', {}).get('hostvars', {})
        for name in listing:
            if name not in ('_meta', 'all'):
                inventory.add_group(name)
        for host, variables in hostvars.items():
            inventory.add_host(host)
            host_obj = inventory.hosts[host]
            for key, value in variables.items():
                host_obj.set_variable(key, value)
        for name, group in listing.items():
            if name == '_meta':
                continue
            for child in group.get('children', ()):
                inventory.add_child(name, child)
            for host in group.get('hosts', ()):
                inventory.add_child(name, host)
