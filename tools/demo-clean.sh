#!/usr/bin/env bash
# Remove everything tools/demo.sh started: its containers, the emulator and relay processes and their state
# under .cache/demo. The container bed's base images and dockerd stay (they are a cache; see
# tools/containerbed.sh).
# The same variables as tools/demo.sh: DEMO_STATE=DIR (default .cache/demo, or .cache/fleet with DEMO_FLEET set)
# names the state directory; its containers file lists the containers removed. With DEMO_FLEET set (any value),
# the alicloud-fleet-* containers are removed as well (a fleet whose state was lost). Containers of another
# demo (another checkout, another developer) are left alone.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -n "${DEMO_FLEET:-}" ]; then
  STATE=${DEMO_STATE:-.cache/fleet}
else
  STATE=${DEMO_STATE:-.cache/demo}
fi
case $STATE in
  ''|/|.|..|./|../) echo "demo-clean: refusing DEMO_STATE='$STATE'" >&2; exit 2 ;;
esac
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
  # The containers this state lists; for a fleet also every alicloud-fleet-* container (its state may be lost).
  names=$( (cat "$STATE/containers" 2>/dev/null
            [ -z "${DEMO_FLEET:-}" ] || docker ps -a --format '{{.Names}}' --filter name=^alicloud-fleet-) | sort -u)
  if [ -n "$names" ]; then
    # shellcheck disable=SC2086
    bash tools/containerbed.sh rm $names
    echo "demo-clean: removed containers $(echo $names)"
  fi
fi
rm -rf "$STATE"
echo "demo-clean: done"
