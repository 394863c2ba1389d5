#!/usr/bin/env bash
# The tree ansible-test runs in, for tools/sanity/run.sh (sanity) and tools/sanity/units.sh (units):
#
#   tools/sanity/collection_tree.sh TOP           TOP/ansible_collections/alicloud_ops/logging = the built artifact
#   tools/sanity/collection_tree.sh TOP units     ... plus the plugin unit tests and the test code they import
#
# ansible-test wants the collection under ansible_collections/NAMESPACE/NAME and reads every file there; the
# repo's own collections/ entry is a symlink back to the repo root, which also holds the project (tests,
# emulator, Molecule, bench). So the checked tree is the built artifact's content, the files users install.
set -euo pipefail
cd "$(dirname "$0")/../.."

top=${1:?usage: tools/sanity/collection_tree.sh TOP [units]}
dest=$top/ansible_collections/alicloud_ops/logging
rm -rf "$top/build" "$dest"
mkdir -p "$top/build" "$dest"
.venv/bin/ansible-galaxy collection build --force --output-path "$top/build" . >/dev/null
tar -xzf "$top"/build/alicloud_ops-logging-*.tar.gz -C "$dest"
# Two things the artifact leaves out that ansible-test reads: tests/config.yml (which Pythons the modules support)
# and the changelog fragments (its changelog test lints them).
mkdir -p "$dest/tests" && cp tests/config.yml "$dest/tests/config.yml"
cp -r changelogs/fragments "$dest/changelogs/"
if [ "${2:-}" = units ]; then
  # Only tests/unit/plugins: ansible-test units runs every test_*.py under tests/unit, and the tests of the
  # project's tools (tests/unit/tools) are not the collection's. The plugin tests import the test support code,
  # the Logtail stand-in and the emulator as top-level tests.* and tools.* (tests/conftest.py puts the collection
  # root on sys.path, as the repo root is under plain pytest).
  mkdir -p "$dest/tests/unit" "$dest/tools"
  cp tests/__init__.py tests/conftest.py "$dest/tests/"
  cp tests/unit/__init__.py tests/unit/requirements.txt "$dest/tests/unit/"
  for d in tests/unit/plugins tests/support tests/logtail_standin; do mkdir -p "$dest/$d" && cp -r "$d/." "$dest/$d/"; done
  cp tools/__init__.py "$dest/tools/" && cp -r tools/alicloud_emulator "$dest/tools/"
  find "$dest/tests" "$dest/tools" -name __pycache__ -prune -exec rm -rf {} +
fi
# ansible-test lists content with git from the nearest repository above the working directory; without its own,
# the copy would be read through this repo, where .cache/ is ignored, and every target skipped.
git -C "$dest" init -q && git -C "$dest" add -A
echo "$dest"
