#!/usr/bin/env bash
# The execution environment of execution-environment.yml, with the collection's version read from galaxy.yml
# (the one place it is written). Builds the collection tarball, copies it to the version-free name the
# definition installs (.cache/ee/alicloud_ops-logging.tar.gz), then runs ansible-builder:
#   tools/build-ee.sh build [ansible-builder build args]     # image alicloud-ops-logging-ee:<version>
#   tools/build-ee.sh create [ansible-builder create args]   # the build context only (no container runtime)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv/bin
mode=${1:-build}
[ $# -gt 0 ] && shift
version=$("$venv/python" -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')
mkdir -p .cache/build .cache/ee
"$venv/ansible-galaxy" collection build --force --output-path .cache/build . >/dev/null
cp ".cache/build/alicloud_ops-logging-$version.tar.gz" .cache/ee/alicloud_ops-logging.tar.gz
echo "build-ee: alicloud_ops.logging $version -> .cache/ee/alicloud_ops-logging.tar.gz"
case "$mode" in
  build) exec "$venv/ansible-builder" build -f execution-environment.yml -t "alicloud-ops-logging-ee:$version" "$@" ;;
  create) exec "$venv/ansible-builder" create -f execution-environment.yml "$@" ;;
  *) echo "usage: $0 build|create [ansible-builder args]" >&2; exit 2 ;;
esac
