#!/usr/bin/env bash
# One virtual environment per ansible-core version for `ansible-test sanity`, under .cache/sanity/, offline.
#
#   tools/sanity/setup.sh 2.19.14     -> .cache/sanity/core-2.19 (ansible-core 2.19.14 and its ansible-test)
#
# Each release's environment runs on a controller Python that release supports (tools/sanity/pythons.sh picks it:
# 3.11 for 2.18 and 2.19, 3.12+ for 2.20 and 2.21; SANITY_PYTHON=/path/to/pythonX.Y overrides), and is made again
# when the release or that Python changes; otherwise it is reused as it is, without PyPI.
#
# ansible-test creates a virtual environment per sanity test and installs the pinned requirements of that
# ansible-core release (ansible_test/_data/requirements/sanity.*.txt) from PyPI into it. Only its first step,
# bootstrapping pip from https://ci-files.testing.ansible.com/ansible-test/get-pip-<version>.py, needs a host
# that cannot be reached here: this script puts tools/sanity/get_pip.py and pip's wheel from PyPI where
# ansible-test looks for its cached copy, in the HOME that tools/sanity/run.sh gives ansible-test.
set -euo pipefail
cd "$(dirname "$0")/../.."

source tools/sanity/pythons.sh
core=${1:?usage: tools/sanity/setup.sh ANSIBLE_CORE_VERSION}
minor=$(echo "$core" | cut -d. -f1,2)
venv=.cache/sanity/core-$minor
home=.cache/sanity/home
read -r pyver python < <(controller_python "$core") || exit 1
[ -n "${python:-}" ] || exit 1

have=$("$venv/bin/python" -c 'import sys; from ansible.release import __version__ as v; print(v, "%d.%d" % sys.version_info[:2])' \
  2>/dev/null || true)
if [ "$have" != "$core $pyver" ]; then
  echo "sanity-setup: ansible-core $core on Python $pyver ($python) in $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "ansible-core==$core"
fi
# The release's own list of controller Pythons must name the one we picked (pythons.sh's table could go stale).
if ! "$venv/bin/python" -c '
import sys
from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS as c
sys.exit("%d.%d" % sys.version_info[:2] not in c)'; then
  echo "sanity-setup: ansible-core $core does not support Python $pyver as its controller; fix tools/sanity/pythons.sh" >&2
  exit 1
fi

# The pip versions ansible-test bootstraps (the controller's, and older ones for old target Pythons), as that
# ansible-test release pins them.
reqs=$("$venv/bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py
pip_versions=$(sed -nE "s/^\s*pip='([0-9.]+)',?( *#.*)?$/\1/p" "$reqs" | sort -u)
[ -n "$pip_versions" ] || { echo "sanity-setup: cannot read the bootstrap pip versions from $reqs" >&2; exit 1; }
cache=$home/.ansible/test/cache
mkdir -p "$cache"
for pip_version in $pip_versions; do
  if ! compgen -G "$cache/pip-$pip_version-*.whl" >/dev/null; then
    "$venv/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary=:all: -d "$cache" "pip==$pip_version"
  fi
  cp tools/sanity/get_pip.py "$cache/get_pip_${pip_version//./_}.py"
done
echo "sanity-setup: ok (ansible-core $core, controller Python $pyver, bootstrap pip" $pip_versions")"
