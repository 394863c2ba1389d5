#!/usr/bin/env bash
# Remove everything tools/demo.sh started: its containers, the ECS emulator process and its state
# under .cache/demo. The container bed's base images and dockerd stay (they are a cache; see
# tools/containerbed.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
STATE=.cache/demo
if [ -f "$STATE/emulator.pid" ]; then
  pid=$(cat "$STATE/emulator.pid")
  if kill -0 "$pid" 2>/dev/null && grep -q tools.alicloud_emulator "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" && echo "demo-clean: stopped the ECS emulator (pid $pid)"
  fi
fi
if [ -f "$STATE/containers" ] && docker info >/dev/null 2>&1; then
  # shellcheck disable=SC2046
  bash tools/containerbed.sh rm $(cat "$STATE/containers")
  echo "demo-clean: removed containers $(tr '\n' ' ' <"$STATE/containers")"
fi
rm -rf "$STATE"
echo "demo-clean: done"
