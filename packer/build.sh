#!/usr/bin/env bash
# Bake the agent image with Packer (`make image`): packer build -only=docker by default, any Packer
# arguments passed through, e.g.
#   packer/build.sh -var 'bake_vars=@my-bake-vars.yml' -var image_tag=v1
#   packer/build.sh -only=alicloud-ecs            (a real account: ALICLOUD_ACCESS_KEY/SECRET_KEY/REGION)
# Packer's config, plugins and caches stay under .cache/packer; no call home (CHECKPOINT_DISABLE).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v packer >/dev/null || { echo "packer/build.sh: packer missing: run tools/setup-host.sh" >&2; exit 1; }
export CHECKPOINT_DISABLE=1
export PACKER_CONFIG_DIR="${PACKER_CONFIG_DIR:-$root/.cache/packer}"
export PACKER_CACHE_DIR="${PACKER_CACHE_DIR:-$root/.cache/packer/cache}"
export PACKER_NO_COLOR=1
mkdir -p "$PACKER_CACHE_DIR"
args=("$@")
only=-only=docker
for a in "${args[@]}"; do
  case $a in -only=*|-except=*) only= ;; esac
done
# The project's ansible-playbook (the venv's), unless the caller names another.
playbook_bin="$root/.venv/bin/ansible-playbook"
[ -x "$playbook_bin" ] || playbook_bin=ansible-playbook
exec packer build ${only:+"$only"} -var "ansible_playbook=$playbook_bin" "${args[@]}" "$root/packer/alicloud-agent.json"
