#!/usr/bin/env bash
# One virtual environment per ansible-core version for `ansible-test sanity`, under .cache/sanity/, offline.
#
#   tools/sanity/setup.sh 2.19.14     -> .cache/sanity/core-2.19 (ansible-core 2.19.14 and its ansible-test)
#
# ansible-test creates a virtual environment per sanity test and installs the pinned requirements of that
# ansible-core release (ansible_test/_data/requirements/sanity.*.txt) from PyPI into it. Only its first step,
# bootstrapping pip from https://ci-files.testing.ansible.com/ansible-test/get-pip-<version>.py, needs a host
# that cannot be reached here: this script puts tools/sanity/get_pip.py and pip's wheel from PyPI where
# ansible-test looks for its cached copy, in the HOME that tools/sanity/run.sh gives ansible-test.
set -euo pipefail
cd "$(dirname "$0")/../.."

core=${1:?usage: tools/sanity/setup.sh ANSIBLE_CORE_VERSION}
minor=$(echo "$core" | cut -d. -f1,2)
venv=.cache/sanity/core-$minor
home=.cache/sanity/home
python=${SANITY_PYTHON:-python3.11}

if [ "$("$venv/bin/python" -c 'from ansible.release import __version__ as v; print(v)' 2>/dev/null)" != "$core" ]; then
  echo "sanity-setup: ansible-core $core in $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "ansible-core==$core"
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
echo "sanity-setup: ok (ansible-core $core, bootstrap pip" $pip_versions")"
