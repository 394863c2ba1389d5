#!/usr/bin/env bash
# `make test` (after `make setup`): every gate and every test, the way CI runs them (.ci/run).
#
#   1. the container bed (dockerd, the Debian base images) starts building in the background: on a fresh machine
#      it is mostly debootstrap waiting on the mirror, while the gates keep the two cores busy;
#   2. the ecosystem gates, one after the other: ansible-test sanity (tools/sanity/run.sh), ansible-lint's
#      production profile, ansible-test units (tools/sanity/units.sh);
#   3. once the bed is ready, pytest on everything else (tests/, but tests/unit/plugins: ansible-test units ran
#      those, all on the newest supported ansible-core and the ansible-core-dependent ones on every other;
#      `make unit` runs them under plain pytest too), on PYTEST_WORKERS (2) pytest-xdist workers: each test module
#      whole on one worker, and every Docker test on one worker, one after the other (tests/conftest.py).
# A failing gate does not stop the others: the run ends with one line per step and fails if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=.venv/bin
mkdir -p .cache/test
summary=()
failed=0

record() {  # record NAME RC SECONDS [NOTE]: the step's summary line; a failed step fails the run
  summary+=("$(printf '%-8s %s in %d s%s' "$1" "$([ "$2" = 0 ] && echo ok || echo "FAILED (exit $2)")" "$3" "${4:-}")")
  [ "$2" = 0 ] || failed=1
}

step() {  # step NAME COMMAND...: run it, time it, record how it ended
  local name=$1 start rc
  shift
  start=$(date +%s)
  echo "=== test: $name"
  "$@"
  rc=$?
  record "$name" $rc $(( $(date +%s) - start ))
  return $rc
}

# The bed's own time, not the wait for it: its job writes how long it took.
bed_log=.cache/test/containerbed.log
bed_time=.cache/test/containerbed.seconds
rm -f "$bed_time"
( start=$(date +%s); bash tools/containerbed.sh ensure; rc=$?; echo $(( $(date +%s) - start )) >"$bed_time"; exit $rc ) \
  >"$bed_log" 2>&1 &
bed_pid=$!

step sanity bash tools/sanity/run.sh
step lint "$VENV/ansible-lint" --profile production
step units bash tools/sanity/units.sh

echo "=== test: waiting for the container bed (pid $bed_pid)"
if wait "$bed_pid"; then bed_rc=0; else bed_rc=$?; fi
cat "$bed_log"
record bed $bed_rc "$(cat "$bed_time" 2>/dev/null || echo 0)" ' (beside the gates)'
if [ $bed_rc != 0 ]; then
  echo "test: the container bed failed; the Docker tests cannot run" >&2
else
  step pytest "$VENV/pytest" tests --ignore=tests/unit/plugins --durations=30 -n "${PYTEST_WORKERS:-2}" --dist loadgroup
fi

echo "=== test: summary"
printf '%s\n' "${summary[@]}"
exit $failed
