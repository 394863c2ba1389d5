#!/usr/bin/env bash
# Install the Debian packages the tests and the demo need. Idempotent; root on Debian 12.
set -euo pipefail
# packer: Debian's 1.6 has the docker and alicloud-ecs builders and the ansible provisioner built in.
packages=(rsyslog python3-venv debootstrap docker.io curl packer)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-host: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # No init system runs on these machines: package scripts must not try to start services.
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's rsyslog package does not start a daemon here (no init system), and tests start their own.
echo "setup-host: ok ($(rsyslogd -v | head -1))"
