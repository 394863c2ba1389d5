#!/usr/bin/env bash
# `make sanity`: ansible-test sanity on the built collection, for each ansible-core release we support, offline.
#
#   tools/sanity/run.sh                        every version in SANITY_CORE_VERSIONS
#   tools/sanity/run.sh 2.19.14 -- --test pep8 one version, extra ansible-test arguments after --
#
# ansible-test wants the collection under ansible_collections/NAMESPACE/NAME and reads every file there; the
# repo's own collections/ entry is a symlink back to the repo root, which also holds the project (tests,
# emulator, Molecule, bench). So the checked tree is the built artifact's content, the files users install,
# unpacked into .cache/sanity/ansible_collections/alicloud_ops/logging.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

# Python 3.11 is this project's controller Python; ansible-core 2.16 through 2.19 all support it.
SANITY_CORE_VERSIONS=${SANITY_CORE_VERSIONS:-2.16.19 2.17.14 2.18.19 2.19.14}
versions=$SANITY_CORE_VERSIONS
if [ $# -gt 0 ] && [ "$1" != "--" ]; then versions=$1; shift; fi
[ "${1:-}" != "--" ] || shift

dest=.cache/sanity/ansible_collections/alicloud_ops/logging
rm -rf .cache/sanity/build "$dest"
mkdir -p .cache/sanity/build "$dest"
.venv/bin/ansible-galaxy collection build --force --output-path .cache/sanity/build . >/dev/null
tar -xzf .cache/sanity/build/alicloud_ops-logging-*.tar.gz -C "$dest"
# ansible-test lists content with git from the nearest repository above the working directory; without its own,
# the copy would be read through this repo, where .cache/ is ignored, and every target skipped.
git -C "$dest" init -q && git -C "$dest" add -A

failed=()
for core in $versions; do
  bash tools/sanity/setup.sh "$core"
  minor=$(echo "$core" | cut -d. -f1,2)
  start=$(date +%s)
  echo "sanity: ansible-core $core (Python 3.11)"
  # HOME: ansible-test keeps its per-test virtual environments and the pip bootstrap under ~/.ansible/test.
  if (cd "$dest" && HOME="$root/.cache/sanity/home" "$root/.cache/sanity/core-$minor/bin/ansible-test" \
      sanity --python 3.11 --color no "$@"); then
    echo "sanity: ansible-core $core passed in $(( $(date +%s) - start )) s"
  else
    echo "sanity: ansible-core $core FAILED in $(( $(date +%s) - start )) s"
    failed+=("$core")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then echo "sanity: failed for ansible-core ${failed[*]}"; exit 1; fi
echo "sanity: ok for ansible-core $versions"
