#!/usr/bin/env bash
# `make units`: ansible-test units on the collection's plugin unit tests (tests/unit/plugins), offline.
#
#   tools/sanity/units.sh                          every version in UNITS_CORE_VERSIONS
#   tools/sanity/units.sh 2.19.14 -- -k sls         one version, extra ansible-test arguments after --
#
# The tree is the built artifact plus the plugin tests and the test code they import
# (tools/sanity/collection_tree.sh ... units), in .cache/units/ansible_collections/alicloud_ops/logging.
# `--venv` has ansible-test make its own virtual environment and install its unit-test requirements and
# tests/unit/requirements.txt from PyPI; the pip bootstrap comes from tools/sanity/setup.sh, as for sanity.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

UNITS_CORE_VERSIONS=${UNITS_CORE_VERSIONS:-2.19.14}
versions=$UNITS_CORE_VERSIONS
if [ $# -gt 0 ] && [ "$1" != "--" ]; then versions=$1; shift; fi
[ "${1:-}" != "--" ] || shift

# A test in the wrong directory would run in the wrong ansible-test context, or not at all: stop here instead.
.venv/bin/python tools/sanity/unit_layout.py "$root"

dest=$(bash tools/sanity/collection_tree.sh .cache/units units)
log=.cache/units/units.log
failed=()
for core in $versions; do
  bash tools/sanity/setup.sh "$core"
  minor=$(echo "$core" | cut -d. -f1,2)
  start=$(date +%s)
  echo "units: ansible-core $core, Python 3.11"
  # Modules and module_utils tests run in their own pytest session, apart from the controller ones (ansible-test's
  # contexts): each prints its own "N passed" line, summed below.
  if (cd "$dest" && HOME="$root/.cache/sanity/home" "$root/.cache/sanity/core-$minor/bin/ansible-test" units \
      --color no --venv --python 3.11 --num-workers "${UNITS_WORKERS:-2}" "$@") 2>&1 | tee "$log"; then
    result=ok
  else
    result=FAILED
    failed+=("$core")
  fi
  passed=$({ grep -oE '[0-9]+ passed' "$log" || true; } | awk '{n += $1} END {print n + 0}')
  echo "units: ansible-core $core $result: $passed passed in $(( $(date +%s) - start )) s"
done
if [ ${#failed[@]} -gt 0 ]; then echo "units: FAILED for ansible-core ${failed[*]}"; exit 1; fi
echo "units: ok for ansible-core $versions"
