#!/usr/bin/env bash
# `make sanity`: ansible-test sanity on the built collection, for each ansible-core release we support, offline.
#
#   tools/sanity/run.sh                        every version in SANITY_CORE_VERSIONS
#   tools/sanity/run.sh 2.19.14 -- --test pep8 one version, extra ansible-test arguments after --
#
# The checked tree is the built artifact's content, the files users install, unpacked into
# .cache/sanity/ansible_collections/alicloud_ops/logging (tools/sanity/collection_tree.sh says why).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

source tools/sanity/pythons.sh
# Every supported release (tools/sanity/pythons.sh CORE_VERSIONS), each on a controller Python it supports that is
# installed here (3.11 for 2.18 and 2.19, 3.12 for 2.20 and 2.21; none installed fails the run, naming it).
SANITY_CORE_VERSIONS=${SANITY_CORE_VERSIONS:-$CORE_VERSIONS}
versions=$SANITY_CORE_VERSIONS
if [ $# -gt 0 ] && [ "$1" != "--" ]; then versions=$1; shift; fi
[ "${1:-}" != "--" ] || shift

dest=$(bash tools/sanity/collection_tree.sh .cache/sanity)

# Multi-version tests (compile, import) run on every target Python ansible-test finds on PATH that the release
# supports. pyenv's shims answer to pythonX.Y only for the selected version, so each installed interpreter is
# linked in by its real path.
pythons=.cache/sanity/pythons
link_pythons "$pythons"
echo "sanity: target Pythons: $(cd "$pythons" && ls | sed 's/python//' | sort -V | tr '\n' ' ')"

# Each release checks its own copy of the tree (ansible-test writes tests/output into it) with its own HOME (its
# per-test virtual environments), so SANITY_JOBS releases run side by side: a sanity run is mostly one busy
# process, and the machine has two cores. Each release's output is printed whole when it ends.
jobs=${SANITY_JOBS:-2}
for core in $versions; do
  bash tools/sanity/setup.sh "$core"
  rm -f ".cache/sanity/sanity-$core.rc" ".cache/sanity/sanity-$core.time"
done
run_one() {
  local core=$1 minor top start pyver
  minor=$(echo "$core" | cut -d. -f1,2)
  pyver=$("$root/.cache/sanity/core-$minor/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  top=.cache/sanity/run-$minor
  # The tree is new each run; the HOME (its virtual environments) is kept between runs, as the shared one was.
  # From the shared HOME only the pip bootstrap setup.sh put there (units.sh keeps its own venvs in that HOME too).
  rm -rf "$top/ansible_collections" && mkdir -p "$top/ansible_collections/alicloud_ops" "$top/home/.ansible/test"
  cp -a "$dest" "$top/ansible_collections/alicloud_ops/logging"
  cp -a .cache/sanity/home/.ansible/test/cache "$top/home/.ansible/test/"
  start=$(date +%s)
  echo "sanity: ansible-core $core (controller Python $pyver)"
  # HOME: ansible-test keeps its per-test virtual environments and the pip bootstrap under ~/.ansible/test.
  if (cd "$top/ansible_collections/alicloud_ops/logging" && PATH="$root/$pythons:$PATH" HOME="$root/$top/home" \
      "$root/.cache/sanity/core-$minor/bin/ansible-test" sanity --color no "${@:2}"); then
    echo "sanity: ansible-core $core passed in $(( $(date +%s) - start )) s"
    echo "ok $(( $(date +%s) - start )) $pyver" > ".cache/sanity/sanity-$core.time"
  else
    echo "sanity: ansible-core $core FAILED in $(( $(date +%s) - start )) s"
    echo "FAILED $(( $(date +%s) - start )) $pyver" > ".cache/sanity/sanity-$core.time"
    return 1
  fi
}

failed=()
started=$(date +%s)
for core in $versions; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 2; done
  (
    log=.cache/sanity/sanity-$core.log
    if run_one "$core" "$@" > "$log" 2>&1; then rc=0; else rc=1; fi
    cat "$log"
    echo "$rc" > ".cache/sanity/sanity-$core.rc"
  ) &
done
wait
# One line per release: result, controller Python, wall time (beside the other lane, SANITY_JOBS at a time).
for core in $versions; do
  [ "$(cat ".cache/sanity/sanity-$core.rc" 2>/dev/null)" = 0 ] || failed+=("$core")
  read -r result seconds pyver < ".cache/sanity/sanity-$core.time" 2>/dev/null || result=FAILED
  echo "sanity: ansible-core $core, controller Python ${pyver:-?}: ${result} in ${seconds:-?} s"
done
total="$(( $(date +%s) - started )) s in all"
if [ ${#failed[@]} -gt 0 ]; then echo "sanity: FAILED for ansible-core ${failed[*]} ($total)"; exit 1; fi
echo "sanity: ok for ansible-core $versions ($total)"
