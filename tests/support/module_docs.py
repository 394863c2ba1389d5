"""A module's documented options against the argument spec its main() builds, option by option: what
ansible-test's validate-modules compares in sanity, checked in the unit tests (and so by make mutation).

    assert spec_mismatches(sls_index) == []
"""
import importlib
import re

import yaml

from tests.support.bad_input import capture_spec

COLLECTION = 'alicloud_ops.logging'
FRAGMENTS = 'ansible_collections.alicloud_ops.logging.plugins.doc_fragments.'

# validate-modules' no-log-needed rule: an option whose name looks like a secret must say whether it is one.
NO_LOG_NAMES = re.compile(r'(?:pass(?!ive)|secret|token|key)', re.I)


def unordered(choices):
    return None if choices is None else sorted(choices, key=repr)


def option_mismatches(documented, spec, prefix=''):
    """(option path, what differs) for every documented option against the spec's (sub-)options: the spec must
    declare the type, and have the documented default, required, choices, elements and aliases, and no_log set
    for a name that looks secret; sub-options compared the same way, and none undocumented."""
    problems = []
    for name, doc in sorted(documented.items()):
        path = prefix + name
        option = spec.get(name)
        if option is None:
            problems.append((path, 'documented, not in the spec'))
            continue
        # choices as a set, as validate-modules compares them
        wanted = {'type': doc.get('type', 'str'), 'default': doc.get('default'),
                  'required': bool(doc.get('required')), 'choices': unordered(doc.get('choices')),
                  'elements': doc.get('elements'), 'aliases': sorted(doc.get('aliases') or [])}
        have = {'type': option.get('type'), 'default': option.get('default'),
                'required': option.get('required', False), 'choices': unordered(option.get('choices')),
                'elements': option.get('elements'), 'aliases': sorted(option.get('aliases') or [])}
        problems.extend((path, '%s: documented %r, spec %r' % (key, wanted[key], have[key]))
                        for key in sorted(wanted) if wanted[key] != have[key])
        if NO_LOG_NAMES.search(name) and option.get('no_log') is None:
            problems.append((path, 'no_log not set'))
        sub_doc, sub_spec = doc.get('suboptions') or {}, option.get('options') or {}
        problems.extend(option_mismatches(sub_doc, sub_spec, path + '.'))
        problems.extend((path + '.' + sub, 'in the spec, not documented')
                        for sub in sorted(set(sub_spec) - set(sub_doc)))
    return problems


def documented_options(module):
    """A module's options as ansible-doc shows them: those of each of the collection's doc fragments it extends
    (`name` or `name.attribute`, attribute upper-cased as the fragment class spells it), then its own."""
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = {}
    for fragment in doc.get('extends_documentation_fragment') or []:
        if not fragment.startswith(COLLECTION + '.'):
            continue
        name, _, attribute = fragment[len(COLLECTION) + 1:].partition('.')
        holder = importlib.import_module(FRAGMENTS + name).ModuleDocFragment
        options.update(yaml.safe_load(getattr(holder, attribute.upper() or 'DOCUMENTATION')).get('options') or {})
    options.update(doc.get('options') or {})
    return options


def spec_mismatches(module, args=None):
    """option_mismatches for a module of the collection: its documented options (its own and its doc fragments')
    against the whole spec its main() builds; an option in the spec that is not documented is named too."""
    documented = documented_options(module)
    spec = capture_spec(module.main, args or {})
    return option_mismatches(documented, spec) + [
        (name, 'in the spec, not documented') for name in sorted(set(spec) - set(documented))]
