#!/bin/sh
# TEST STAND-IN for Alibaba Cloud's logtail.sh installer. NOT the real installer.
#
# The real Logtail package cannot be downloaded where this project is tested, so
# tests/logtail_standin/server.py publishes this script on a loopback HTTP mirror laid out
# like the real OSS bucket (linux64/logtail.sh + linux64/logtail-linux64.tar.gz) and bakes
# the mirror's base URL into PACKAGE_BASE_URL below. It behaves like the real installer:
#
#   sh logtail.sh install <region>|<region>-internet|<region>-acceleration|auto
#   sh logtail.sh uninstall
#
# install: download the package from the mirror, stop a running agent, wipe and refill
# /usr/local/ilogtail (ilogtail daemon, app_info.json, a default ilogtail_config.json with
# streamlog off), install /etc/init.d/ilogtaild, register boot start (update-rc.d, else
# systemctl, else chkconfig) and start the agent when an init system runs.
# uninstall: stop the agent, deregister boot start, remove /usr/local/ilogtail and the
# init script (/etc/ilogtail, the machine identity, is kept, as the real one does).
#
# Test-only environment (the product modules never set these):
#   LOGTAIL_STANDIN_ROOT=<dir>   filesystem prefix for every path; boot registration is
#                                skipped and the agent is not started (host tests)
#   LOGTAIL_STANDIN_START=1|0    force starting / not starting the agent after install
#   LOGTAIL_STANDIN_BASE_URL=URL override the baked mirror URL (running an unbuilt copy)
set -eu

PACKAGE_BASE_URL='@PACKAGE_BASE_URL@'
DEFAULT_REGION='@DEFAULT_REGION@'
PACKAGE_NAME='logtail-linux64.tar.gz'

ROOT="${LOGTAIL_STANDIN_ROOT:-}"
ROOT="${ROOT%/}"
INSTALL_DIR="$ROOT/usr/local/ilogtail"
INIT_SCRIPT="$ROOT/etc/init.d/ilogtaild"
ETC_DIR="$ROOT/etc/ilogtail"

log() { echo "logtail.sh: $*"; }
die() { echo "logtail.sh: error: $*" >&2; exit 1; }

base_url() {
    url="${LOGTAIL_STANDIN_BASE_URL:-$PACKAGE_BASE_URL}"
    case "$url" in
        @*) die "no mirror URL baked in: publish this script with tests/logtail_standin/server.py" ;;
    esac
    echo "${url%/}"
}

fetch() {  # fetch URL DEST
    if command -v curl >/dev/null 2>&1; then
        curl -fsS --retry 2 -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1"
    elif command -v python3 >/dev/null 2>&1; then
        python3 -c 'import shutil, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=60) as r, open(sys.argv[2], "wb") as f:
    shutil.copyfileobj(r, f)' "$1" "$2"
    else
        die "need curl, wget or python3 to download $1"
    fi
}

# Mode -> region and Log Service endpoints, as the real installer maps them.
parse_mode() {
    mode="$1"
    case "$mode" in
        auto) region="$DEFAULT_REGION"; network=internet ;;
        *-internet) region="${mode%-internet}"; network=internet ;;
        *-acceleration) region="${mode%-acceleration}"; network=acceleration ;;
        *) region="$mode"; network=intranet ;;
    esac
    case "$region" in
        [a-z][a-z]*-[a-z0-9]*) ;;
        *) die "unknown install mode '$mode' (want <region>, <region>-internet, <region>-acceleration or auto)" ;;
    esac
    case "$network" in
        intranet) endpoint="$region-intranet.log.aliyuncs.com" ;;
        internet) endpoint="$region.log.aliyuncs.com" ;;
        acceleration) endpoint="log-global.aliyuncs.com" ;;
    esac
}

init_running() {
    # systemd as PID 1, or a SysV init; a container running a shell as PID 1 has neither.
    [ -d /run/systemd/system ] && return 0
    [ "$(cat /proc/1/comm 2>/dev/null || true)" = init ] && return 0
    return 1
}

should_start() {
    case "${LOGTAIL_STANDIN_START:-}" in
        1) return 0 ;;
        0) return 1 ;;
    esac
    [ -z "$ROOT" ] && init_running
}

stop_agent() {
    if [ -x "$INIT_SCRIPT" ]; then
        "$INIT_SCRIPT" stop || true
    fi
}

write_default_config() {
    cat > "$INSTALL_DIR/ilogtail_config.json" <<EOF
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

register_boot() {
    if [ -n "$ROOT" ]; then
        log "boot start not registered (LOGTAIL_STANDIN_ROOT is set)"
    elif command -v update-rc.d >/dev/null 2>&1; then
        update-rc.d ilogtaild defaults >/dev/null 2>&1 || log "update-rc.d failed; boot start not registered"
    elif command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl enable ilogtaild >/dev/null 2>&1 || log "systemctl enable failed"
    elif command -v chkconfig >/dev/null 2>&1; then
        chkconfig --add ilogtaild || true
    else
        log "no update-rc.d, systemctl or chkconfig: boot start not registered"
    fi
}

deregister_boot() {
    [ -n "$ROOT" ] && return 0
    if command -v update-rc.d >/dev/null 2>&1; then
        update-rc.d -f ilogtaild remove >/dev/null 2>&1 || true
    elif command -v chkconfig >/dev/null 2>&1; then
        chkconfig --del ilogtaild >/dev/null 2>&1 || true
    fi
}

do_install() {
    parse_mode "$1"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    url="$(base_url)/linux64/$PACKAGE_NAME"
    log "downloading $url"
    fetch "$url" "$work/$PACKAGE_NAME" || die "download of $url failed"
    tar -xzf "$work/$PACKAGE_NAME" -C "$work" || die "package $PACKAGE_NAME is corrupt"
    pkg="$work/logtail-linux64"
    [ -f "$pkg/ilogtail" ] && [ -f "$pkg/app_info.json" ] && [ -f "$pkg/ilogtaild" ] \
        || die "package $PACKAGE_NAME lacks ilogtail, app_info.json or ilogtaild"

    stop_agent
    rm -rf "$INSTALL_DIR"
    mkdir -p "$INSTALL_DIR" "$(dirname "$INIT_SCRIPT")" "$ETC_DIR"
    cp "$pkg/ilogtail" "$pkg/app_info.json" "$INSTALL_DIR/"
    chmod 755 "$INSTALL_DIR/ilogtail"
    write_default_config
    sed "s#@ILOGTAIL_HOME@#$INSTALL_DIR#g" "$pkg/ilogtaild" > "$INIT_SCRIPT"
    chmod 755 "$INIT_SCRIPT"
    register_boot
    version="$(sed -n 's/.*"logtail_version" *: *"\([^"]*\)".*/\1/p' "$INSTALL_DIR/app_info.json")"
    log "installed logtail $version into $INSTALL_DIR (region $region, $network)"

    if should_start; then
        "$INIT_SCRIPT" start || die "agent did not start"
    else
        if [ -n "$ROOT" ]; then
            log "agent not started (LOGTAIL_STANDIN_ROOT is set; LOGTAIL_STANDIN_START=1 starts it)"
        else
            log "no init system running: agent not started"
        fi
    fi
}

do_uninstall() {
    stop_agent
    deregister_boot
    rm -rf "$INSTALL_DIR" "$INIT_SCRIPT"
    log "uninstalled logtail from $INSTALL_DIR"
}

case "${1:-}" in
    install)
        [ $# -eq 2 ] || die "usage: $0 install <region>|<region>-internet|<region>-acceleration|auto"
        do_install "$2" ;;
    uninstall)
        do_uninstall ;;
    *)
        die "usage: $0 install <mode> | uninstall" ;;
esac
