"""A module's documented options against the argument spec its main() builds, option by option: what
ansible-test's validate-modules compares in sanity, checked in the unit tests (and so by make mutation).

    assert spec_mismatches(sls_index) == []
"""
import re

import yaml

from ansible_collections.alicloud_ops.logging.plugins.doc_fragments import converge_probe as probe_fragment
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import sls_argument_spec
from tests.support.bad_input import capture_spec

# validate-modules' no-log-needed rule: an option whose name looks like a secret must say whether it is one.
NO_LOG_NAMES = re.compile(r'(?:pass(?!ive)|secret|token|key)', re.I)


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
        wanted = {'type': doc.get('type', 'str'), 'default': doc.get('default'),
                  'required': bool(doc.get('required')), 'choices': doc.get('choices'),
                  'elements': doc.get('elements'), 'aliases': sorted(doc.get('aliases') or [])}
        have = {'type': option.get('type'), 'default': option.get('default'),
                'required': option.get('required', False), 'choices': option.get('choices'),
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


def spec_mismatches(module, args=None):
    """option_mismatches for a module of the collection whose main() builds an SLSModule: its DOCUMENTATION
    options and the converge_probe fragment's against the spec, less the shared auth options (their own fragment);
    an option of the module's own that is not documented is named too."""
    documented = dict(yaml.safe_load(module.DOCUMENTATION)['options'])
    documented.update(yaml.safe_load(probe_fragment.ModuleDocFragment.DOCUMENTATION)['options'])
    spec = capture_spec(module.main, args or {})
    own = dict((name, option) for name, option in spec.items() if name not in sls_argument_spec())
    return option_mismatches(documented, own) + [
        (name, 'in the spec, not documented') for name in sorted(set(own) - set(documented))]
