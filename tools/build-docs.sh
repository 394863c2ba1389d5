#!/usr/bin/env bash
# `make docs`: the collection's docs site (antsibull-docs + Sphinx, sphinx-ansible-theme), offline.
# Builds the artifact, installs it into <out>/collections, lays out the site with
# `antsibull-docs sphinx-init --use-current` and runs its build.sh; HTML in <out>/site/build/html.
# Usage: tools/build-docs.sh [OUT_DIR]   (default .cache/docs)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=${1:-.cache/docs}
mkdir -p "$out"
out=$(cd "$out" && pwd)
export PATH="$repo/.venv/bin:$PATH"
rm -rf "$out/build" "$out/collections" "$out/site"
mkdir -p "$out/build" "$out/collections/ansible_collections/alicloud_ops/logging" "$out/site"
ansible-galaxy collection build --force --output-path "$out/build" . >/dev/null
tar -xzf "$out"/build/alicloud_ops-logging-*.tar.gz -C "$out/collections/ansible_collections/alicloud_ops/logging"
# antsibull-docs wants its directories writable by their owner only.
chmod 755 "$out/site"
export ANSIBLE_COLLECTIONS_PATH="$out/collections"
antsibull-docs sphinx-init --use-current --dest-dir "$out/site" alicloud_ops.logging >/dev/null
# Offline: nothing to download. docs.ansible.com's targets come from a small local inventory
# (tools/docs_offline_inventory.py), so they still link there and an unknown reference still fails the build (-W).
python3 tools/docs_offline_inventory.py "$out/site/ansible_devel.inv"
cat >> "$out/site/conf.py" <<'PY'

# tools/build-docs.sh: offline intersphinx.
intersphinx_mapping = {
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '../ansible_devel.inv'),
}
PY
bash "$out/site/build.sh"
echo "docs: $out/site/build/html/index.html"
