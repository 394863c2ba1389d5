#!/usr/bin/env bash
# Container bed for Molecule, the demo and CI: a Docker engine from Debian's docker.io and local
# Debian base images (no registry is reachable here) that boot real systemd as PID 1.
#
#   tools/containerbed.sh ensure               engine + both images (the default)
#   tools/containerbed.sh engine               start dockerd when `docker info` fails
#   tools/containerbed.sh image DISTRO         build localhost/alicloud-ops-DISTRO unless it is current
#   tools/containerbed.sh run NAME DISTRO      start a systemd container and wait for it to boot
#   tools/containerbed.sh rm NAME...           remove containers
#   tools/containerbed.sh run-flags           print the `docker run` flags (the one place they live)
#   tools/containerbed.sh mirror              print the Debian mirror apt is configured with (the only one used)
#   tools/containerbed.sh sls-relay-dir       print the host directory mounted for the Log Service relay socket
#
# Container flags come from ../shared/notes/containers.md: never --privileged and never a read-write
# cgroup bind (systemd in the container would rewrite the host's cgroup tree).
set -euo pipefail
cd "$(dirname "$0")/.."

DISTROS=(bookworm trixie)
# What the roles need in a host besides the base system: python3 for Ansible modules, systemd as init,
# rsyslog to forward, procps (pgrep/pkill for the agent's init script and the restart test).
PACKAGES=python3,systemd,systemd-sysv,rsyslog,procps
CACHE_DIR=${CONTAINERBED_CACHE:-.cache/containerbed}
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd-containerbed.log}

log() { echo "containerbed: $*" >&2; }

image_name() { echo "localhost/alicloud-ops-$1"; }

# A build recipe id: an image built from another package list or mirror is rebuilt, not reused.
# Bump the trailing version when prune_rootfs changes what goes into the image.
recipe_id() {
  echo "$1 $PACKAGES $MIRROR v2" | sha256sum | cut -c1-16
}

# The Debian mirror apt is configured with (deb822 .sources first, then one-line lists): debootstrap fetches
# from it and from nothing else, so the bed contacts no host the machine's own apt does not. apt-config gives
# the source locations (it honours APT_CONFIG, which the tests use to point it at sample sources).
apt_debian_mirror() {
  local list parts
  eval "$(apt-config shell list Dir::Etc::sourcelist/f parts Dir::Etc::sourceparts/d)"
  {
    # shellcheck disable=SC2016
    awk 'BEGIN { RS = ""; FS = "\n" }
      { types = ""; uris = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          l = $i; k = tolower(l)
          if (l ~ /^[ \t]*#/) continue
          if (k ~ /^types:/) types = substr(l, 7)
          else if (k ~ /^uris:/) uris = substr(l, 6)
          else if (k ~ /^enabled:/) { enabled = tolower(substr(l, 9)); gsub(/[ \t]/, "", enabled) } }
        if (enabled == "no" || (" " types " ") !~ /[ \t]deb[ \t]/) next
        n = split(uris, u, /[ \t]+/)
        for (j = 1; j <= n; j++) if (u[j] ~ /\/debian\/?$/) { print u[j]; exit } }' \
      "$parts"/*.sources 2>/dev/null || true
    # One-line form: deb [options] URI suite components
    awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while (i <= NF && $i !~ /\]$/) i++; if ($2 ~ /^\[/) i++
                        if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$list" "$parts"/*.list 2>/dev/null || true
  } | head -1
}

require_mirror() {
  MIRROR=$(apt_debian_mirror)
  if [ -z "$MIRROR" ]; then
    log "apt has no Debian mirror configured (no deb line or deb822 URIs ending in /debian in"
    log "$(apt-config shell l Dir::Etc::sourcelist/f | cut -d\' -f2) or the .list/.sources files beside it)."
    log "The base images are built with debootstrap from that mirror only: configure one for apt, then rerun."
    exit 1
  fi
}

ensure_engine() {
  if docker info >/dev/null 2>&1; then return 0; fi
  command -v dockerd >/dev/null || { log "dockerd missing: run tools/setup-host.sh (installs docker.io)"; exit 1; }
  log "starting dockerd (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  # No init system runs on these hosts: detach dockerd so it outlives this script.
  setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && { log "docker engine ready"; return 0; }
    sleep 0.5
  done
  log "dockerd did not become ready in 60 s; last log lines:"; tail -20 "$DOCKERD_LOG" >&2; exit 1
}

build_image() {
  local distro=$1 image recipe rootfs tarball
  require_mirror
  image=$(image_name "$distro")
  recipe=$(recipe_id "$distro")
  if [ "$(docker image inspect -f '{{index .Config.Labels "alicloud-ops.recipe"}}' "$image" 2>/dev/null)" = "$recipe" ]; then
    return 0
  fi
  mkdir -p "$CACHE_DIR"
  tarball="$CACHE_DIR/$distro-$recipe.rootfs.tar"
  if [ ! -s "$tarball" ]; then
    # Debian ships debootstrap scripts for new suites as links to sid's; add the link if this one lacks it.
    [ -e "/usr/share/debootstrap/scripts/$distro" ] || ln -s sid "/usr/share/debootstrap/scripts/$distro"
    rm -f "$CACHE_DIR/$distro-"*.rootfs.tar   # tarballs of older recipes
    rootfs=$(mktemp -d "${TMPDIR:-/tmp}/containerbed-$distro.XXXXXX")
    log "debootstrap $distro from $MIRROR (about a minute)"
    if ! debootstrap --variant=minbase --include="$PACKAGES" "$distro" "$rootfs" "$MIRROR" \
        >"$CACHE_DIR/debootstrap-$distro.log" 2>&1; then
      log "debootstrap failed; see $CACHE_DIR/debootstrap-$distro.log"; tail -20 "$CACHE_DIR/debootstrap-$distro.log" >&2
      rm -rf "$rootfs"; exit 1
    fi
    prune_rootfs "$rootfs"
    tar -C "$rootfs" --numeric-owner -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$rootfs"
  fi
  log "importing $image"
  docker import \
    --change 'CMD ["/lib/systemd/systemd"]' \
    --change 'ENV container=docker' \
    --change "LABEL alicloud-ops.recipe=$recipe" \
    "$tarball" "$image" >/dev/null
}

prune_rootfs() {
  local root=$1
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  # Empty machine-id: systemd makes a fresh one per container instead of all sharing one.
  : >"$root/etc/machine-id"
  # Units that only make sense on real hardware or a full boot, and slow or fail in a container.
  local unit
  for unit in getty.target console-getty.service systemd-udevd.service systemd-udev-trigger.service \
      systemd-firstboot.service systemd-modules-load.service sys-kernel-config.mount \
      sys-kernel-debug.mount sys-kernel-tracing.mount systemd-remount-fs.service tmp.mount; do
    ln -sfn /dev/null "$root/etc/systemd/system/$unit"
  done
}

# The host directory whose unix socket (tests/logtail_standin/unix_relay.py) lets the Logtail stand-in in a
# --network none container reach the Log Service emulator on the host's 127.0.0.1, never over a bridge.
SLS_RELAY_DIR=${CONTAINERBED_SLS_RELAY_DIR:-$PWD/.cache/sls-relay}
SLS_RELAY_MOUNT=/var/lib/logtail-standin-sls

run_flags() {
  # max_dgram_qlen: upstream systemd's default; see .config/molecule/config.yml.
  echo "--tmpfs /run --tmpfs /run/lock -v /sys/fs/cgroup:/sys/fs/cgroup:ro --network none --stop-signal SIGRTMIN+3 --sysctl net.unix.max_dgram_qlen=512 -v $SLS_RELAY_DIR:$SLS_RELAY_MOUNT"
}

wait_booted() {
  local name=$1 state=""
  for _ in $(seq 1 120); do
    state=$(docker exec "$name" systemctl is-system-running 2>/dev/null || true)
    case $state in running|degraded) return 0 ;; esac
    sleep 0.5
  done
  log "$name did not boot (state: ${state:-unknown})"; docker logs --tail 30 "$name" >&2 || true; return 1
}

run_container() {
  local name=$1 distro=$2
  if [ "$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" != "true" ]; then
    docker rm -f "$name" >/dev/null 2>&1 || true
    mkdir -p "$SLS_RELAY_DIR"
    # shellcheck disable=SC2046
    docker run -d --name "$name" --hostname "$name" $(run_flags) \
      --label alicloud-ops.containerbed=1 "$(image_name "$distro")" /lib/systemd/systemd >/dev/null
  fi
  wait_booted "$name"
}

cmd=${1:-ensure}
case $cmd in
  engine) ensure_engine ;;
  image) ensure_engine; build_image "$2" ;;
  ensure)
    ensure_engine
    # One build at a time: pytest, the demo and a developer may all call this together.
    exec 9>"${TMPDIR:-/tmp}/containerbed.lock"; flock 9
    for d in "${DISTROS[@]}"; do build_image "$d"; done
    log "ok: $(for d in "${DISTROS[@]}"; do printf '%s ' "$(image_name "$d")"; done)"
    ;;
  run) ensure_engine; run_container "$2" "$3" ;;
  rm) shift; [ $# -eq 0 ] || docker rm -f "$@" >/dev/null 2>&1 || true ;;
  run-flags) run_flags ;;
  mirror) require_mirror; echo "$MIRROR" ;;
  sls-relay-dir) echo "$SLS_RELAY_DIR $SLS_RELAY_MOUNT" ;;
  *) sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
