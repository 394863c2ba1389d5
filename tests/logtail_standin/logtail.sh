#!/bin/bash
# TEST STAND-IN for Alibaba Cloud's logtail.sh / loongcollector.sh installers. NOT the real installer.
#
# The real agents cannot be downloaded where this project is tested, so tests/logtail_standin/server.py
# publishes this script on a loopback HTTP mirror, once per flavour (linux64/logtail.sh and
# linux64/loongcollector.sh), with the mirror URL and the flavour baked in. It is as strict as the real
# installers where the product depends on them:
#   - bash only, like the real ones (function, [[ ]], (( )), arrays): `sh logtail.sh` fails under dash;
#   - bash logtail.sh install <region>|<region>-internet|<region>-acceleration|auto [-v VERSION]
#     wipes and refills the install dir (including the default main config), installs the init script,
#     writes and enables the vendor-style systemd unit (Type=oneshot around the init script), starts the
#     agent;
#   - bash logtail.sh upgrade [-v VERSION] replaces the agent and keeps its configuration; fails when no
#     agent is installed;
#   - bash logtail.sh uninstall stops and removes the agent, the init script and the vendor units
#     (/etc/ilogtail, the machine identity, is kept);
#   - the package ships no app_info.json: the agent writes it when it starts;
#   - the pid file carries the installed version, as on real installs (ilogtail_0.16.40.pid; current vendor
#     wrappers glob ilogtail*.pid / loongcollector*.pid): <install dir>/ilogtail_<version>.pid, and for
#     LoongCollector <install dir>/run/loongcollector_<version>.pid (the open-source layout's run/);
#   - without -v the mirror's latest version is installed; -v VERSION fails when the mirror lacks it.
#
# Test-only environment (the product modules never set these):
#   LOGTAIL_STANDIN_ROOT=<dir>   filesystem prefix for every path; systemd is not called and the agent
#                                is not started (host tests)
#   LOGTAIL_STANDIN_START=1|0    force starting / not starting the agent after install or upgrade
#   LOGTAIL_STANDIN_BASE_URL=URL override the baked mirror URL (running an unbuilt copy)
set -euo pipefail

PACKAGE_BASE_URL='@PACKAGE_BASE_URL@'
DEFAULT_REGION='@DEFAULT_REGION@'
FLAVOR='@FLAVOR@'

function log { echo "${ME}: $*"; }
function die { echo "${ME}: error: $*" >&2; exit 1; }

ROOT="${LOGTAIL_STANDIN_ROOT:-}"
ROOT="${ROOT%/}"
if [[ $FLAVOR == loongcollector ]]; then
    ME=loongcollector.sh SERVICE=loongcollectord BINARY=loongcollector
    CONFIG_REL=conf/instance_config/local/loongcollector_config.json PID_DIR=run/
    # Where the agent keeps its file checkpoints: <data dir>/file_check_point (LoongCollector
    # core/app_config/AppConfig.cpp GetCheckPointFileName, not logtail_mode).
    CHECKPOINT=/usr/local/ilogtail/data/file_check_point
    EXTRA_UNITS=(ilogtaild)
else
    ME=logtail.sh SERVICE=ilogtaild BINARY=ilogtail
    CONFIG_REL=ilogtail_config.json PID_DIR=
    # logtail_mode: the flag check_point_filename, default /tmp/logtail_check_point, outside the install directory
    # (AppConfig.cpp DEFINE_FLAG_STRING(check_point_filename) and GetCheckPointFileName).
    CHECKPOINT=/tmp/logtail_check_point
    EXTRA_UNITS=()
fi
INSTALL_DIR="$ROOT/usr/local/ilogtail"
INIT_SCRIPT="$ROOT/etc/init.d/$SERVICE"
UNIT_DIR="$ROOT/etc/systemd/system"
ETC_DIR="$ROOT/etc/ilogtail"

function base_url {
    local url="${LOGTAIL_STANDIN_BASE_URL:-$PACKAGE_BASE_URL}"
    [[ $url != @* ]] || die "no mirror URL baked in: publish this script with tests/logtail_standin/server.py"
    echo "${url%/}"
}

function fetch {  # fetch URL DEST
    if command -v curl >/dev/null 2>&1; then
        curl -fsS --retry 2 -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1"
    else
        python3 -c 'import shutil, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=60) as r, open(sys.argv[2], "wb") as f:
    shutil.copyfileobj(r, f)' "$1" "$2"
    fi
}

# Mode -> region and Log Service endpoints, as the real installer maps them.
function parse_mode {
    local mode="$1"
    case "$mode" in
        auto) region="$DEFAULT_REGION"; network=internet ;;
        *-internet) region="${mode%-internet}"; network=internet ;;
        *-acceleration) region="${mode%-acceleration}"; network=acceleration ;;
        *) region="$mode"; network=intranet ;;
    esac
    [[ $region =~ ^[a-z]{2,}(-[a-z0-9]+)+$ ]] \
        || die "unknown install mode '$mode' (want <region>, <region>-internet, <region>-acceleration or auto)"
    case "$network" in
        intranet) endpoint="$region-intranet.log.aliyuncs.com" ;;
        internet) endpoint="$region.log.aliyuncs.com" ;;
        acceleration) endpoint="log-global.aliyuncs.com" ;;
    esac
}

function systemd_running { [[ -z $ROOT && -d /run/systemd/system ]]; }

function init_running {
    systemd_running && return 0
    [[ -z $ROOT && "$(cat /proc/1/comm 2>/dev/null || true)" == init ]]
}

function should_start {
    case "${LOGTAIL_STANDIN_START:-}" in
        1) return 0 ;;
        0) return 1 ;;
    esac
    init_running
}

function stop_agent {
    if systemd_running && systemctl is-active --quiet "$SERVICE.service"; then
        systemctl stop "$SERVICE.service" || true
    fi
    [[ ! -x $INIT_SCRIPT ]] || "$INIT_SCRIPT" stop || true
}

function start_agent {
    if ! should_start; then
        log "agent not started (no init system running, or LOGTAIL_STANDIN_ROOT set without LOGTAIL_STANDIN_START=1)"
        return 0
    fi
    if systemd_running; then
        systemctl start "$SERVICE.service" || die "agent did not start (systemctl start $SERVICE.service)"
    else
        "$INIT_SCRIPT" start || die "agent did not start"
    fi
}

function write_default_config {
    local config="$INSTALL_DIR/$CONFIG_REL"
    mkdir -p "$(dirname "$config")"
    cat > "$config" <<EOF
{
    "config_server_address" : "http://logtail.$endpoint",
    "data_server_list" :
    [
        {
            "cluster" : "$region",
            "endpoint" : "$endpoint"
        }
    ],
    "cpu_usage_limit" : 0.4,
    "mem_usage_limit" : 384,
    "max_bytes_per_sec" : 20971520,
    "process_thread_count" : 1,
    "send_request_concurrency" : 4,
    "streamlog_open" : false,
    "streamlog_pool_size_in_mb" : 50,
    "streamlog_rcv_size_each_call" : 1024,
    "streamlog_formats" : [],
    "streamlog_tcp_addr" : "0.0.0.0",
    "streamlog_tcp_port" : 11111
}
EOF
}

# The vendor's own units: Type=oneshot around the init script, so systemd does not watch the agent.
function write_units {
    mkdir -p "$UNIT_DIR"
    cat > "$UNIT_DIR/$SERVICE.service" <<EOF
# TEST STAND-IN of the unit $ME writes
[Unit]
Description=$SERVICE (TEST STAND-IN vendor unit)
After=cloud-init.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/etc/init.d/$SERVICE start
ExecStop=/etc/init.d/$SERVICE stop

[Install]
WantedBy=multi-user.target
EOF
    local unit
    for unit in "${EXTRA_UNITS[@]}"; do
        # What the real wrapper runs is not public; this one only pulls in the agent's unit.
        cat > "$UNIT_DIR/$unit.service" <<EOF
# TEST STAND-IN of the compatibility unit $ME writes
[Unit]
Description=$unit wrapper for $SERVICE (TEST STAND-IN vendor unit)
Wants=$SERVICE.service
After=$SERVICE.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true

[Install]
WantedBy=multi-user.target
EOF
    done
    if systemd_running; then
        systemctl daemon-reload
        systemctl enable "$SERVICE.service" "${EXTRA_UNITS[@]/%/.service}" >/dev/null 2>&1 \
            || log "systemctl enable failed"
    elif [[ -z $ROOT ]] && command -v update-rc.d >/dev/null 2>&1; then
        update-rc.d "$SERVICE" defaults >/dev/null 2>&1 || log "update-rc.d failed; boot start not registered"
    fi
}

function remove_units {
    local units=("$SERVICE" "${EXTRA_UNITS[@]}") unit
    if systemd_running; then
        systemctl disable "${units[@]/%/.service}" >/dev/null 2>&1 || true
    fi
    for unit in "${units[@]}"; do
        rm -f "$UNIT_DIR/$unit.service"
    done
    if systemd_running; then
        systemctl daemon-reload
    elif [[ -z $ROOT ]] && command -v update-rc.d >/dev/null 2>&1; then
        update-rc.d -f "$SERVICE" remove >/dev/null 2>&1 || true
    fi
}

# Download and unpack the package for $wanted (empty: the mirror's latest) into $work/pkg.
function fetch_package {
    local base version
    base="$(base_url)/linux64/packages/$FLAVOR"
    version="$wanted"
    if [[ -z $version ]]; then
        fetch "$base/LATEST" "$work/LATEST" || die "cannot read the latest version from $base/LATEST"
        version="$(<"$work/LATEST")"
    fi
    log "downloading $FLAVOR $version"
    fetch "$base/$version.tar.gz" "$work/pkg.tar.gz" || die "version $version is not published at $base"
    mkdir "$work/pkg"
    tar -xzf "$work/pkg.tar.gz" -C "$work/pkg" || die "package for $version is corrupt"
    [[ -f $work/pkg/$BINARY && -f $work/pkg/agent_init ]] || die "package lacks $BINARY or its init script"
    [[ ! -e $work/pkg/app_info.json ]] || die "package ships app_info.json; the agent writes it"
    package_version="$version"
}

function put_agent {
    mkdir -p "$INSTALL_DIR" "$(dirname "$INIT_SCRIPT")" "$ETC_DIR"
    cp "$work/pkg/$BINARY" "$INSTALL_DIR/$BINARY"
    chmod 755 "$INSTALL_DIR/$BINARY"
    # The stand-in's modules (inputs, parsers, shipper), imported by the agent from beside itself.
    local module
    for module in "$work"/pkg/*.py; do
        [[ ! -f $module ]] || cp "$module" "$INSTALL_DIR/"
    done
    local pid_rel="${PID_DIR}${BINARY}_${package_version}.pid"
    sed -e "s#@HOME@#$INSTALL_DIR#g" -e "s#@BINARY@#$BINARY#g" -e "s#@SERVICE@#$SERVICE#g" \
        -e "s#@CONFIG@#$CONFIG_REL#g" -e "s#@PIDFILE@#$pid_rel#g" -e "s#@ROOT@#$ROOT#g" \
        -e "s#@CHECKPOINT@#$ROOT$CHECKPOINT#g" \
        "$work/pkg/agent_init" > "$INIT_SCRIPT"
    chmod 755 "$INIT_SCRIPT"
    write_units
}

function do_install {
    parse_mode "$1"
    fetch_package
    stop_agent
    rm -rf "$INSTALL_DIR"
    put_agent
    write_default_config
    log "installed $FLAVOR $package_version into $INSTALL_DIR (region $region, $network)"
    start_agent
}

function do_upgrade {
    [[ -x $INSTALL_DIR/$BINARY ]] || die "no $FLAVOR installed in $INSTALL_DIR: use install"
    fetch_package
    stop_agent
    # The configuration stays; the agent rewrites app_info.json when the new version starts.
    rm -f "$INSTALL_DIR/app_info.json"
    put_agent
    log "upgraded $FLAVOR to $package_version in $INSTALL_DIR"
    start_agent
}

function do_uninstall {
    stop_agent
    remove_units
    rm -rf "$INSTALL_DIR" "$INIT_SCRIPT"
    log "uninstalled $FLAVOR from $INSTALL_DIR"
}

command="${1:-}"
(( $# > 0 )) && shift
args=()
wanted=""
while (( $# > 0 )); do
    case "$1" in
        -v) (( $# > 1 )) || die "-v needs a version"; wanted="$2"; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
case "$command" in
    install)
        (( ${#args[@]} == 1 )) || die "usage: $ME install <region>|<region>-internet|<region>-acceleration|auto [-v VERSION]"
        do_install "${args[0]}" ;;
    upgrade)
        (( ${#args[@]} == 0 )) || die "usage: $ME upgrade [-v VERSION]"
        do_upgrade ;;
    uninstall)
        do_uninstall ;;
    *)
        die "usage: $ME install <mode> [-v VERSION] | upgrade [-v VERSION] | uninstall" ;;
esac
