"""Write an intersphinx inventory of the docs.ansible.com targets the collection's generated pages reference.

The docs site builds offline (make docs, tests): instead of downloading docs.ansible.com's objects.inv,
`tools/build-docs.sh` points intersphinx at this small one, so Sphinx still links those targets and `-W` still
fails on a reference that resolves nowhere. Add a line below when a new page references another target.
Usage: python tools/docs_offline_inventory.py OUT.inv
"""
import sys
import zlib

BASE = 'https://docs.ansible.com/projects/ansible/devel/'
CONFIG = 'reference_appendices/config.html'
# (name, domain:role, uri relative to BASE, display name)
TARGETS = [
    ('common_return_values', 'std:label', 'reference_appendices/common_return_values.html#common-return-values',
     'Return Values'),
    ('ansible_configuration_settings', 'std:label', CONFIG + '#ansible-configuration-settings',
     'Ansible Configuration Settings'),
    # The note antsibull-docs adds to a module with an action plugin (converge_probe and the modules it answers for).
    ('action_plugins', 'std:label', 'plugins/action.html#action-plugins', 'Action Plugins'),
    ('ansible_collections.ansible.builtin.systemd_service_module', 'std:label',
     'collections/ansible/builtin/systemd_service_module.html#ansible-collections-ansible-builtin-systemd-service-module',
     'ansible.builtin.systemd_service module'),
    ('ansible_collections.ansible.builtin.inventory_hostnames_lookup', 'std:label',
     'collections/ansible/builtin/inventory_hostnames_lookup.html'
     '#ansible-collections-ansible-builtin-inventory-hostnames-lookup', 'ansible.builtin.inventory_hostnames lookup'),
]
for var in ('ANSIBLE_CACHE_PLUGIN', 'ANSIBLE_CACHE_PLUGIN_CONNECTION', 'ANSIBLE_CACHE_PLUGIN_PREFIX',
            'ANSIBLE_CACHE_PLUGIN_TIMEOUT'):
    TARGETS.append((var, 'std:envvar', CONFIG + '#envvar-' + var, '-'))


def main(path):
    lines = ''.join('%s %s -1 %s %s\n' % target for target in TARGETS)
    header = ('# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
              '# The remainder of this file is compressed using zlib.\n')
    with open(path, 'wb') as handle:
        handle.write(header.encode() + zlib.compress(lines.encode()))


if __name__ == '__main__':
    main(sys.argv[1])
