#!/usr/bin/env bash
# The one-command demo (`make demo`): three Debian containers running systemd, registered as ECS
# instances in the project's ECS API emulator, found by the real alicloud_ecs inventory plugin and
# set up by the real site.yml; it ends with the Log search: per host, a canary line that went
# logger -> rsyslog -> Logtail (stand-in) -> the Log Service logstore, found by playbooks/verify.yml, then the
# newest event of each application log file source the web hosts collect (tools/demo_search.py, through the SDK).
# Run it again: nothing changes (changed=0), and faster.
# tools/demo-clean.sh (`make demo-clean`) removes everything it started. DEMO_SITE=0 stops before
# site.yml (bench/site_bench.py uses that to time the first run itself).
#
# DEMO_FLEET=N (N >= 1): N hosts alicloud-fleet-01..N instead of the three fixed ones (issue 24's fleet bench,
# bench/fleet_bench.py): regions alternate cn-hangzhou / cn-shanghai, every 5th host runs trixie and the others
# bookworm, a third are role=web (hosts 01, 04, 07, ...) and the rest role=api, all tagged env=demo (the demo's
# inventory finds them unchanged), each with its own private IP. DEMO_STATE=DIR is the state directory
# (default .cache/demo, or .cache/fleet with DEMO_FLEET), so a fleet does not clobber `make demo`'s state; a
# state directory other than .cache/demo also gets its own Log Service relay socket (DIR/sls-relay).
#
# Everything stays on this machine: Ansible reaches the containers with `docker exec`, the emulator
# listens on 127.0.0.1, and each container installs the Logtail TEST STAND-IN from a mirror on its
# own loopback (the real Logtail cannot be downloaded here).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
FLEET=${DEMO_FLEET:-}
if [ -n "$FLEET" ]; then
  [[ $FLEET =~ ^[0-9]+$ ]] && [ "$FLEET" -ge 1 ] || { echo "DEMO_FLEET must be a number >= 1 (got '$FLEET')" >&2; exit 2; }
  STATE=${DEMO_STATE:-.cache/fleet}
else
  STATE=${DEMO_STATE:-.cache/demo}
fi
VENV=$REPO/.venv/bin
# name distro region role private-ip
if [ -z "$FLEET" ]; then
  HOSTS=(
    "alicloud-demo-web-1 bookworm cn-hangzhou web 172.16.1.11"
    "alicloud-demo-web-2 bookworm cn-shanghai web 172.17.1.12"
    "alicloud-demo-api-1 trixie   cn-hangzhou api 172.16.2.21"
  )
else
  HOSTS=()
  width=$(( ${#FLEET} > 2 ? ${#FLEET} : 2 ))
  for i in $(seq 1 "$FLEET"); do
    if (( i % 2 )); then region=cn-hangzhou net=16; else region=cn-shanghai net=17; fi
    if (( i % 5 == 0 )); then distro=trixie; else distro=bookworm; fi
    if (( i % 3 == 1 )); then role=web; else role=api; fi
    HOSTS+=("$(printf "alicloud-fleet-%0${width}d" "$i") $distro $region $role 172.$net.$(( 100 + i / 250 )).$(( i % 250 + 1 ))")
  done
fi
# The relay socket directory the containers mount: the demo's own (.cache/sls-relay) only for the default state.
if [ "$STATE" != .cache/demo ] && [ -z "${CONTAINERBED_SLS_RELAY_DIR:-}" ]; then
  case $STATE in /*) CONTAINERBED_SLS_RELAY_DIR=$STATE/sls-relay ;; *) CONTAINERBED_SLS_RELAY_DIR=$REPO/$STATE/sls-relay ;; esac
  export CONTAINERBED_SLS_RELAY_DIR
fi
ACCESS_KEY_ID=alicloud-ops-demo-key-id          # as in inventories/demo/demo.alicloud_ecs.yml
ACCESS_KEY_SECRET=alicloud-ops-demo-key-secret

step() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

step "Host packages, venv and the container bed"
bash tools/setup-host.sh
bash tools/setup-venv.sh
bash tools/containerbed.sh ensure
mkdir -p "$STATE"

step "Demo hosts (systemd containers)"
if [ -z "$FLEET" ]; then
  for h in "${HOSTS[@]}"; do
    read -r name distro _ <<<"$h"
    bash tools/containerbed.sh run "$name" "$distro"
    echo "$name" >>"$STATE/containers"
  done
else
  # A fleet boots four containers at a time; each name is recorded before its start, so demo-clean finds it.
  for h in "${HOSTS[@]}"; do
    read -r name distro _ <<<"$h"
    echo "$name" >>"$STATE/containers"
    printf '%s %s\n' "$name" "$distro"
  done | xargs -P 4 -n 2 bash tools/containerbed.sh run
fi
sort -u -o "$STATE/containers" "$STATE/containers"
echo "running: $(tr '\n' ' ' <"$STATE/containers")"

step "Sample application logs on the web hosts (DEMO ONLY: tools/demo_sample_logs.py)"
# The file sources of inventories/demo/group_vars/role_web.yml need files to collect: a systemd unit in each web
# container appends nginx access lines, a Java log with stack traces and JSON events. Restarted only when changed.
SAMPLE_DIR=/usr/local/lib/alicloud-demo SAMPLE_UNIT=alicloud-demo-sample-logs.service
for h in "${HOSTS[@]}"; do
  read -r name _ _ role _ <<<"$h"
  [ "$role" = web ] || continue
  docker exec -i "$name" sh -c "mkdir -p $SAMPLE_DIR && cat >$SAMPLE_DIR/sample_logs.py.new" <tools/demo_sample_logs.py
  docker exec "$name" sh -c "
    if cmp -s $SAMPLE_DIR/sample_logs.py.new $SAMPLE_DIR/sample_logs.py && systemctl is-active -q $SAMPLE_UNIT; then
      rm $SAMPLE_DIR/sample_logs.py.new; echo '$name: $SAMPLE_UNIT running'; exit 0
    fi
    mv $SAMPLE_DIR/sample_logs.py.new $SAMPLE_DIR/sample_logs.py
    printf '%s\\n' '[Unit]' 'Description=DEMO ONLY: sample nginx, Java and JSON logs for the file sources' \\
      '[Service]' 'ExecStart=/usr/bin/python3 $SAMPLE_DIR/sample_logs.py 5' 'Restart=always' \\
      '[Install]' 'WantedBy=multi-user.target' >/etc/systemd/system/$SAMPLE_UNIT
    systemctl daemon-reload && systemctl enable -q $SAMPLE_UNIT && systemctl restart $SAMPLE_UNIT
    echo '$name: $SAMPLE_UNIT (re)started'"
done

step "ECS API emulator with the hosts as instances in two regions"
write_fixture() {
  local sep="" name distro region role ip zone
  printf '{"regions": [{"RegionId": "cn-hangzhou", "LocalName": "China (Hangzhou)"},\n'
  printf '             {"RegionId": "cn-shanghai", "LocalName": "China (Shanghai)"}],\n "instances": ['
  for h in "${HOSTS[@]}"; do
    read -r name distro region role ip <<<"$h"
    zone="$region-h"
    printf '%s\n  {"InstanceId": "i-%s", "InstanceName": "%s", "HostName": "%s", "RegionId": "%s",' \
      "$sep" "$(echo -n "$name" | sha256sum | cut -c1-20)" "$name" "$name" "$region"
    printf ' "ZoneId": "%s", "OSName": "Debian %s", "InstanceType": "ecs.g7.large",' "$zone" "$distro"
    printf ' "VpcAttributes": {"VpcId": "vpc-demo-%s", "PrivateIpAddress": {"IpAddress": ["%s"]}},' "$region" "$ip"
    printf ' "Tags": {"env": "demo", "role": "%s"}}' "$role"
    sep=","
  done
  printf '\n]}\n'
}
write_fixture >"$STATE/ecs-fixture.json"
emulator_alive() { [ -f "$STATE/emulator.pid" ] && kill -0 "$(cat "$STATE/emulator.pid")" 2>/dev/null; }
# EMULATOR ONLY: alert rules and metric rules as short as 10 s (the services' minimum is 60 s), so make demo-alarm
# shows a silent host's notification within a minute.
EMULATOR_ARGS="--alarm-min-interval 10"
if emulator_alive && cmp -s "$STATE/ecs-fixture.json" "$STATE/ecs-fixture.served.json" \
    && [ "$(cat "$STATE/emulator.args" 2>/dev/null)" = "$EMULATOR_ARGS" ]; then
  echo "already running (pid $(cat "$STATE/emulator.pid"))"
else
  if emulator_alive; then kill "$(cat "$STATE/emulator.pid")"; sleep 0.5; fi
  cp "$STATE/ecs-fixture.json" "$STATE/ecs-fixture.served.json"
  : >"$STATE/emulator.out"
  echo "$EMULATOR_ARGS" >"$STATE/emulator.args"
  # shellcheck disable=SC2086
  setsid nohup "$VENV/python" -m tools.alicloud_emulator --fixture "$STATE/ecs-fixture.served.json" $EMULATOR_ARGS \
    --access-key-id "$ACCESS_KEY_ID" --access-key-secret "$ACCESS_KEY_SECRET" \
    >"$STATE/emulator.out" 2>"$STATE/emulator.err" </dev/null &
  echo $! >"$STATE/emulator.pid"
  for _ in $(seq 1 100); do grep -q 'ready at' "$STATE/emulator.out" && break; sleep 0.1; done
  grep -q 'ready at' "$STATE/emulator.out" || { cat "$STATE/emulator.err" >&2; echo "emulator did not start" >&2; exit 1; }
fi
endpoint=$(sed -n 's/.*ready at \(http:[^ ]*\).*/\1/p' "$STATE/emulator.out")
echo "$(cat "$STATE/emulator.out")"

export ALICLOUD_ECS_ENDPOINT=$endpoint
# The same emulator serves the Log Service API: site.yml's first play creates the project, logstore,
# machine group and Logtail syslog config there through the official aliyun-log-python-sdk.
export ALICLOUD_SLS_ENDPOINT=${endpoint#http://}
# And CloudMonitor's API (the alarms playbook's cms_* modules; make demo-alarm).
export ALICLOUD_CMS_ENDPOINT=$endpoint
export ALIBABA_CLOUD_ACCESS_KEY_ID=$ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET=$ACCESS_KEY_SECRET
# For running ansible by hand against the demo (`set -a; . $STATE/env; set +a`) and for bench/.
printf '%s\n' "ALICLOUD_ECS_ENDPOINT=$ALICLOUD_ECS_ENDPOINT" "ALICLOUD_SLS_ENDPOINT=$ALICLOUD_SLS_ENDPOINT" \
  "ALICLOUD_CMS_ENDPOINT=$ALICLOUD_CMS_ENDPOINT" \
  "ALIBABA_CLOUD_ACCESS_KEY_ID=$ACCESS_KEY_ID" "ALIBABA_CLOUD_ACCESS_KEY_SECRET=$ACCESS_KEY_SECRET" >"$STATE/env"
export ANSIBLE_CONFIG=$REPO/ansible.cfg
export PATH=$VENV:$PATH

step "Log Service relay: a unix socket the containers mount, in front of the emulator (TEST STAND-IN side)"
# The containers have no network; the stand-in agent in each reaches the emulator through this socket.
read -r relay_dir relay_mount <<<"$(bash tools/containerbed.sh sls-relay-dir)"
relay_alive() { [ -f "$STATE/relay.pid" ] && kill -0 "$(cat "$STATE/relay.pid")" 2>/dev/null; }
if relay_alive && [ -S "$relay_dir/sls.sock" ] && grep -q -- "-> $ALICLOUD_SLS_ENDPOINT\$" "$STATE/relay.out"; then
  echo "already running (pid $(cat "$STATE/relay.pid"))"
else
  if relay_alive; then
    old=$(cat "$STATE/relay.pid"); kill "$old"
    for _ in $(seq 1 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
  fi
  mkdir -p "$relay_dir"
  setsid nohup "$VENV/python" tests/logtail_standin/unix_relay.py --socket "$relay_dir/sls.sock" \
    --target "$ALICLOUD_SLS_ENDPOINT" --pidfile "$STATE/relay.pid" >"$STATE/relay.out" 2>&1 </dev/null &
  for _ in $(seq 1 50); do grep -q relaying "$STATE/relay.out" && break; sleep 0.1; done
  [ -S "$relay_dir/sls.sock" ] || { cat "$STATE/relay.out" >&2; echo "relay did not start" >&2; exit 1; }
fi
cat "$STATE/relay.out"

step "Inventory, through the alicloud_ecs plugin"
ansible-inventory -i inventories/demo/ --graph

step "Logtail installer mirror (TEST STAND-IN) on each host's 127.0.0.1"
ansible-playbook -i inventories/demo/ molecule/shared/prepare.yml \
  -e @molecule/shared/group_vars/all/standin.yml -e "standin_ship_endpoint=unix:$relay_mount/sls.sock" \
  -e "standin_ship_key_id=$ACCESS_KEY_ID" -e "standin_ship_key_secret=$ACCESS_KEY_SECRET" >"$STATE/prepare.log" 2>&1 \
  || { cat "$STATE/prepare.log"; exit 1; }
tail -n +2 "$STATE/prepare.log" | sed -n '/PLAY RECAP/,$p'

if [ "${DEMO_SITE:-1}" = 0 ]; then   # bench/site_bench.py runs site.yml itself
  step "Hosts, emulator and mirrors ready (DEMO_SITE=0: site.yml not run)"; exit 0
fi

step "ansible-playbook site.yml -i inventories/demo/"
site_started=$(date +%s)
ansible-playbook site.yml -i inventories/demo/ 2>&1 | tee "$STATE/site.log"
site_rc=${PIPESTATUS[0]}
[ "$site_rc" -eq 0 ] || { echo "site.yml failed (rc $site_rc)" >&2; exit "$site_rc"; }
site_secs=$(( $(date +%s) - site_started ))
changed=$(sed -n 's/.* changed=\([0-9]*\).*/\1/p' "$STATE/site.log" | awk '{s += $1} END {print s + 0}')

step "Log search: each host's canary line, and each file source's, as Log Service returns it (playbooks/verify.yml)"
# Every host logs one canary with logger; rsyslog forwards it to the agent, the agent ships it to the
# logstore, and the controller finds all of them with one search per poll (sls_log_search). Each web host also
# appends a canary to each file source's log; it is found in the source's logstore by its parsed field.
ansible-playbook playbooks/verify.yml -i inventories/demo/ >"$STATE/verify.log" 2>&1 \
  || { cat "$STATE/verify.log"; echo "verify.yml failed" >&2; exit 1; }
sed -n 's/^ *"\(.*: \(source [^ ]* \)\{0,1\}canary .*\)",\{0,1\}$/\1/p' "$STATE/verify.log"

step "Log search: each application log file source's logstore, through the official SDK (tools/demo_search.py)"
# The web hosts' file sources (inventories/demo/group_vars/role_web.yml): the newest event of each, with the fields
# the agent parsed out of the line (nginx status, request_uri, body_bytes_sent; the Java level and logger with the
# stack trace in message; the JSON keys).
"$VENV/python" -m tools.demo_search --inventory inventories/demo/ || { echo "a file source found nothing" >&2; exit 1; }

step "Log Service side, as the emulator holds it after site.yml"
curl -fsS "$endpoint/_emulator/sls/state" | "$VENV/python" -c '
import json, sys
for name, project in sorted(json.load(sys.stdin).get("projects", {}).items()):
    print("project %s: logstores %s" % (name, sorted(project.get("logstores", {}))))
    for group, detail in sorted(project.get("machinegroups", {}).items()):
        print("  machine group %s (%s: %s) applied configs %s" % (group, detail.get("machineIdentifyType"),
              ", ".join(detail.get("machineList", [])), detail.get("appliedConfigs", [])))
    for config, detail in sorted(project.get("configs", {}).items()):
        print("  logtail config %s: %s input, tag %r -> logstore %s" % (config, detail.get("inputType"),
              detail.get("inputDetail", {}).get("tag"), detail.get("outputDetail", {}).get("logstoreName")))
    for config, detail in sorted(project.get("pipelineconfigs", {}).items()):
        print("  pipeline config %s: %s -> logstore %s" % (config, ", ".join(
              [p.get("Type") + (" " + ",".join(p.get("FilePaths", [])) if p.get("FilePaths") else "")
               for p in detail.get("inputs", []) + detail.get("processors", [])]),
              ", ".join(f.get("Logstore", "?") for f in detail.get("flushers", []))))
'

step "Done in $(( $(date +%s) - started )) s (site.yml: ${site_secs} s, changed=$changed)"
echo "Run it again: site.yml reports changed=0. Remove everything: tools/demo-clean.sh (make demo-clean)."
