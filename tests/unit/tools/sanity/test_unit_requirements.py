"""tests/unit/requirements.txt is what `ansible-test units --venv` installs (tools/sanity/units.sh): every SDK the
collection requires (requirements.txt) must be there, pinned to the version the rest of the suite runs with
(requirements-dev.txt). A missing one fails only on a clean checkout, whose units environment is new."""

import os
import re

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..')


def read_requirements(name):
    found = {}
    with open(os.path.join(ROOT, name)) as handle:
        for line in handle:
            line = line.split('#', 1)[0].strip()
            if line:
                package, _, version = re.match(r'([A-Za-z0-9._-]+)\s*([=<>!~]=?)?\s*(.*)', line).groups()
                found[package.lower()] = version
    return found


def test_every_collection_sdk_is_in_the_units_environment_at_the_dev_version():
    collection = read_requirements('requirements.txt')
    units = read_requirements('tests/unit/requirements.txt')
    dev = read_requirements('requirements-dev.txt')
    assert collection, 'requirements.txt names no package'
    for package in collection:
        assert package in units, '%s (requirements.txt) is missing from tests/unit/requirements.txt' % package
        assert units[package] == dev[package], '%s: %s in tests/unit, %s in requirements-dev.txt' % (
            package, units[package], dev[package])
