#!/usr/bin/env bash
# Create .venv with the pinned controller and test packages. Re-installs only when
# requirements-dev.txt changed. Never contacts Galaxy: collections come from pip packages.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
stamp="$venv/.requirements.sha256"
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup-venv: installing requirements-dev.txt"
  "$venv/bin/pip" install -q --disable-pip-version-check --upgrade pip
  "$venv/bin/pip" install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi
# The repo is the collection: link it where ansible.cfg's collections_path looks.
mkdir -p collections/ansible_collections/alicloud_ops
ln -sfn ../../.. collections/ansible_collections/alicloud_ops/logging
echo "setup-venv: ok (ansible-core $("$venv/bin/python" -c 'from ansible.release import __version__ as v; print(v)'))"
