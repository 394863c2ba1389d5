#!/usr/bin/env bash
# Remove everything tools/demo.sh started: its containers, the emulator and relay processes and their state
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
if [ -f "$STATE/relay.pid" ]; then
  pid=$(cat "$STATE/relay.pid")
  if kill -0 "$pid" 2>/dev/null && grep -q unix_relay "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" && echo "demo-clean: stopped the Log Service relay (pid $pid)"
  fi
fi
if docker info >/dev/null 2>&1; then
  # The demo's hosts are the alicloud-demo-* containers, also those of a demo started from another checkout
  # or whose state was lost.
  names=$( (cat "$STATE/containers" 2>/dev/null; docker ps -a --format '{{.Names}}' --filter name=^alicloud-demo-) | sort -u)
  if [ -n "$names" ]; then
    # shellcheck disable=SC2086
    bash tools/containerbed.sh rm $names
    echo "demo-clean: removed containers $(echo $names)"
  fi
fi
rm -rf "$STATE"
echo "demo-clean: done"
