#!/usr/bin/env bash
# `make units`: ansible-test units on the collection's plugin unit tests (tests/unit/plugins), offline, for every
# supported ansible-core release (tools/sanity/pythons.sh CORE_VERSIONS), each on a controller Python it supports.
#
#   tools/sanity/units.sh                          every version in UNITS_CORE_VERSIONS
#   tools/sanity/units.sh 2.19.14 -- -k sls        one version (the whole suite), extra ansible-test arguments after --
#
# What runs where (the time budget of `make test`: the whole suite is minutes a release on this shared 2-core
# machine, the ansible-core-dependent tests a fraction of that; README "Compatibility" has the measured figures):
# - the newest release in the list (UNITS_FULL, default the last) runs the whole suite;
# - every other release runs UNITS_INTERNALS: the tests of the code that depends on ansible-core's behaviour or
#   private internals, where releases differ - the inventory plugin's constructed fast path against ansible-core's
#   own path, and its fallback (templar engine hooks, Constructable methods: inventory/, plugin_utils/
#   test_ecs_constructed.py, test_ecs_populate.py), argument_guard, the workaround for ansible-core's argspec
#   crash (module_utils/test_argument_guard.py), and converge_probe, which runs modules in-process through
#   ansible-core's module runtime, with its action plugins (module_utils/test_converge_probe.py,
#   plugin_utils/test_converge.py, action/). The rest calls ansible-core's public module API only.
#   UNITS_FULL=all runs the whole suite on every release.
# Releases run side by side, UNITS_JOBS (default 2) at a time, each in its own copy of the tree and its own HOME,
# like sanity; each prints its wall time, and a line per release ends the run.
#
# The tree is the built artifact plus the plugin tests and the test code they import
# (tools/sanity/collection_tree.sh ... units), in .cache/units/ansible_collections/alicloud_ops/logging.
# `--venv` has ansible-test make its own virtual environment and install its unit-test requirements and
# tests/unit/requirements.txt from PyPI (the first run); the pip bootstrap comes from tools/sanity/setup.sh, as for
# sanity. Each release's environment and HOME stay in .cache/units/run-X.Y between runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

source tools/sanity/pythons.sh
UNITS_CORE_VERSIONS=${UNITS_CORE_VERSIONS:-$CORE_VERSIONS}
versions=$UNITS_CORE_VERSIONS
full=${UNITS_FULL:-${versions##* }}
if [ $# -gt 0 ] && [ "$1" != "--" ]; then versions=$1; full=${UNITS_FULL:-$1}; shift; fi
[ "${1:-}" != "--" ] || shift
UNITS_INTERNALS=${UNITS_INTERNALS:-tests/unit/plugins/inventory/ tests/unit/plugins/plugin_utils/test_ecs_constructed.py \
tests/unit/plugins/plugin_utils/test_ecs_populate.py tests/unit/plugins/module_utils/test_argument_guard.py \
tests/unit/plugins/module_utils/test_converge_probe.py tests/unit/plugins/plugin_utils/test_converge.py \
tests/unit/plugins/action/}

# A test in the wrong directory would run in the wrong ansible-test context, or not at all: stop here instead.
.venv/bin/python tools/sanity/unit_layout.py "$root"

dest=$(bash tools/sanity/collection_tree.sh .cache/units units)
pythons=.cache/units/pythons
link_pythons "$pythons"
# Fails loudly, naming the Python, when a release has no controller Python here.
for core in $versions; do
  bash tools/sanity/setup.sh "$core"
  rm -f ".cache/units/units-$core.result"
done

run_one() {  # run_one CORE ARGS...: the release's units in its own tree and HOME; writes units-CORE.result
  local core=$1 minor top tree pyver scope start log passed result targets=()
  shift
  minor=$(echo "$core" | cut -d. -f1,2)
  top=.cache/units/run-$minor
  log=.cache/units/units-$core.log
  pyver=$(".cache/sanity/core-$minor/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  scope="whole suite"
  if [ "$full" != all ] && [ "$core" != "$full" ] && [ $# -eq 0 ]; then
    scope="ansible-core-dependent tests"
    read -r -a targets <<<"$UNITS_INTERNALS"
  fi
  tree=$top/ansible_collections/alicloud_ops/logging
  # The tree is new each run; ansible-test's --venv environment (tests/output/.tmp/delegation, its unit-test
  # requirements and tests/unit/requirements.txt installed) is kept from the last run at the same path, where
  # ansible-test reuses it (its marker.txt) and pip finds everything already installed.
  rm -rf "$top/delegation"
  if [ -d "$tree/tests/output/.tmp/delegation" ]; then mv "$tree/tests/output/.tmp/delegation" "$top/delegation"; fi
  rm -rf "$top/ansible_collections" && mkdir -p "$top/ansible_collections/alicloud_ops" "$top/home/.ansible/test"
  cp -a "$dest" "$tree"
  if [ -d "$top/delegation" ]; then mkdir -p "$tree/tests/output/.tmp" && mv "$top/delegation" "$tree/tests/output/.tmp/"; fi
  cp -a .cache/sanity/home/.ansible/test/cache "$top/home/.ansible/test/"
  start=$(date +%s)
  echo "units: ansible-core $core, Python $pyver, $scope"
  # Modules and module_utils tests run in their own pytest session, apart from the controller ones (ansible-test's
  # contexts): each prints its own "N passed" line, summed below.
  if (cd "$tree" && PATH="$root/$pythons:$PATH" HOME="$root/$top/home" \
      "$root/.cache/sanity/core-$minor/bin/ansible-test" units --color no --venv --python "$pyver" \
      --num-workers "${UNITS_WORKERS:-2}" "${targets[@]}" "$@") >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
  fi
  passed=$({ grep -oE '[0-9]+ passed' "$log" || true; } | awk '{n += $1} END {print n + 0}')
  echo "$result $(( $(date +%s) - start )) $pyver $passed $scope" > ".cache/units/units-$core.result"
  cat "$log"
  echo "units: ansible-core $core $result: $passed passed ($scope) in $(( $(date +%s) - start )) s"
}

jobs=${UNITS_JOBS:-2}
started=$(date +%s)
# The whole suite first: it is the longest lane.
order="$full $(for core in $versions; do [ "$core" = "$full" ] || echo "$core"; done)"
for core in $order; do
  case " $versions " in *" $core "*) ;; *) continue ;; esac
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
  run_one "$core" "$@" > ".cache/units/lane-$core.out" 2>&1 &
done
wait
failed=()
for core in $versions; do cat ".cache/units/lane-$core.out"; done
for core in $versions; do
  if read -r result seconds pyver passed scope < ".cache/units/units-$core.result" 2>/dev/null; then
    echo "units: ansible-core $core, Python $pyver: $result, $passed passed ($scope) in $seconds s"
  else
    result=FAILED
    echo "units: ansible-core $core: FAILED (no result)"
  fi
  [ "$result" = ok ] || failed+=("$core")
done
total="$(( $(date +%s) - started )) s in all"
if [ ${#failed[@]} -gt 0 ]; then echo "units: FAILED for ansible-core ${failed[*]} ($total)"; exit 1; fi
echo "units: ok for ansible-core $versions ($total)"
