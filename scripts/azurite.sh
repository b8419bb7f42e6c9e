# shellcheck shell=bash
# Helpers for running the pinned Azurite table and blob services (tools/azurite) locally.
#
# Source this file from bash; it defines functions and variables only and does
# not change shell options:
#
#   . scripts/azurite.sh
#   azurite_install
#   port=$(free_port)
#   azurite_start "$port" --in-memory       # or: azurite_start "$port" .local/azurite [BLOB_PORT]
#   export CONN=$(azurite_connection_string "$port")   # table and blob endpoints
#   ...
#   azurite_stop
#
# Call azurite_start/azurite_stop in the shell itself, not in a subshell or a
# command substitution: the PID of the started Azurite is kept in AZURITE_PID.
#
# Azurite must be stopped with SIGINT (it can lose the last writes on SIGTERM).
# It is started in its own process group, so a Ctrl-C in the terminal reaches
# only the calling script, which then stops Azurite itself, in order.

# Repository root, derived from this file's location (scripts/..).
AZURITE_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
AZURITE_TOOL_DIR="$AZURITE_REPO_ROOT/tools/azurite"
AZURITE_TABLE_BIN="$AZURITE_TOOL_DIR/node_modules/.bin/azurite-table"
AZURITE_BLOB_BIN="$AZURITE_TOOL_DIR/node_modules/.bin/azurite-blob"

# State of the Azurite started by azurite_start (empty when none).
AZURITE_PID="${AZURITE_PID:-}"
AZURITE_PORT="${AZURITE_PORT:-}"
AZURITE_LOG="${AZURITE_LOG:-}"
AZURITE_BLOB_PID="${AZURITE_BLOB_PID:-}"
AZURITE_BLOB_SERVICE_PORT="${AZURITE_BLOB_SERVICE_PORT:-}"
AZURITE_BLOB_LOG="${AZURITE_BLOB_LOG:-}"
_AZURITE_LAUNCHED=""
_AZURITE_LOG_IS_TEMP=0

# Well-known development storage account (Azurite / storage emulator default).
AZURITE_ACCOUNT_NAME="devstoreaccount1"
AZURITE_ACCOUNT_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

_azurite_err() { printf 'azurite: %s\n' "$*" >&2; }

_azurite_check_port() {
    if [[ ! ${1:-} =~ ^[0-9]+$ ]] || (( 10#$1 < 1 || 10#$1 > 65535 )); then
        _azurite_err "invalid TCP port: '${1:-}'"
        return 1
    fi
}

# azurite_install: installs tools/azurite/node_modules from package-lock.json
# (npm ci) unless the azurite-table binary is already there.
azurite_install() {
    if [[ -x "$AZURITE_TABLE_BIN" ]]; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        _azurite_err "npm not found; install Node.js (20+) and npm to get Azurite"
        return 1
    fi
    echo "==> Installing Azurite (npm ci in tools/azurite)"
    local out rc=0
    out="$(mktemp "${TMPDIR:-/tmp}/azurite-npm-ci.XXXXXX")" || return 1
    (cd "$AZURITE_TOOL_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$out" 2>&1 || rc=$?
    if (( rc != 0 )); then
        _azurite_err "'npm ci' in tools/azurite failed (exit $rc):"
        cat "$out" >&2
        rm -f "$out"
        return "$rc"
    fi
    rm -f "$out"
    if [[ ! -x "$AZURITE_TABLE_BIN" ]]; then
        _azurite_err "npm ci succeeded but $AZURITE_TABLE_BIN is missing"
        return 1
    fi
}

# port_in_use PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
    _azurite_check_port "${1:-}" || return 2
    if command -v timeout >/dev/null 2>&1; then
        # shellcheck disable=SC2016  # $1 is expanded by the inner bash
        timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

# free_port: prints a TCP port that nothing uses on 127.0.0.1. Picks randomly
# from 20000-32767 (below Linux's default ephemeral range, so outgoing
# connections do not grab it) and skips any port with a socket in any state.
free_port() {
    local attempt port
    for (( attempt = 0; attempt < 200; attempt++ )); do
        port=$(( 20000 + RANDOM % 12768 ))
        if command -v ss >/dev/null 2>&1 &&
            [[ -n "$(ss -Htan "sport = :$port" 2>/dev/null)" ]]; then
            continue
        fi
        if port_in_use "$port"; then
            continue
        fi
        printf '%s\n' "$port"
        return 0
    done
    _azurite_err "could not find a free TCP port on 127.0.0.1"
    return 1
}

# azurite_connection_string TABLE_PORT [BLOB_PORT]: storage connection string for the table endpoint
# of an Azurite listening on 127.0.0.1:TABLE_PORT and, when BLOB_PORT is given (default: the blob port
# of the Azurite started by azurite_start, if any), its blob endpoint.
azurite_connection_string() {
    _azurite_check_port "${1:-}" || return 1
    local blob="${2:-$AZURITE_BLOB_SERVICE_PORT}"
    printf 'DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;TableEndpoint=http://127.0.0.1:%s/%s;' \
        "$AZURITE_ACCOUNT_NAME" "$AZURITE_ACCOUNT_KEY" "$1" "$AZURITE_ACCOUNT_NAME"
    if [[ -n $blob ]]; then
        _azurite_check_port "$blob" || return 1
        printf 'BlobEndpoint=http://127.0.0.1:%s/%s;' "$blob" "$AZURITE_ACCOUNT_NAME"
    fi
    printf '\n'
}

_azurite_alive() {
    [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null
}

_azurite_log_tail() {
    local log
    for log in "$AZURITE_LOG" "$AZURITE_BLOB_LOG"; do
        if [[ -n $log && -f $log ]]; then
            echo "---- last lines of $log ----" >&2
            tail -n 30 "$log" >&2
            echo "----" >&2
        fi
    done
}

# _azurite_launch BIN LOG WORKDIR ARGS...: starts one Azurite service in its own process group (job control on
# just for this fork): then SIGINT is not ignored by the child, and a terminal Ctrl-C goes to the calling script
# only, which stops Azurite via azurite_stop. Sets _AZURITE_LAUNCHED to its PID.
_azurite_launch() {
    local bin="$1" log="$2" workdir="$3"
    shift 3
    local had_monitor=0
    [[ $- == *m* ]] && had_monitor=1
    set -m
    (cd "$workdir" && exec "$bin" "$@") </dev/null >"$log" 2>&1 &
    _AZURITE_LAUNCHED=$!
    (( had_monitor )) || set +m
}

# _azurite_await PID PORT NAME: waits up to 30 s until 127.0.0.1:PORT accepts connections while PID lives.
_azurite_await() {
    local pid="$1" port="$2" name="$3" i
    for (( i = 0; i < 150; i++ )); do
        if ! _azurite_alive "$pid"; then
            local rc=0
            wait "$pid" 2>/dev/null || rc=$?
            _azurite_err "Azurite's $name service exited during startup (exit $rc)"
            return 1
        fi
        if port_in_use "$port"; then
            return 0
        fi
        sleep 0.2
    done
    _azurite_err "Azurite's $name service did not accept connections on 127.0.0.1:$port within 30 s"
    return 1
}

# azurite_start TABLE_PORT [DATA_DIR|--in-memory] [BLOB_PORT]
# Starts azurite-table on 127.0.0.1:TABLE_PORT and azurite-blob on 127.0.0.1:BLOB_PORT (default: a free
# port) in the background (each in its own process group) and waits up to 30 s for each to accept
# connections. Data goes to DATA_DIR (logs: DATA_DIR/azurite.log, DATA_DIR/azurite-blob.log) or, with
# --in-memory (the default), nowhere (logs: temp files, removed by azurite_stop).
# Sets AZURITE_PID, AZURITE_PORT, AZURITE_LOG (the table service) and AZURITE_BLOB_PID, AZURITE_BLOB_SERVICE_PORT,
# AZURITE_BLOB_LOG (the blob service).
azurite_start() {
    local port="${1:-}" where="${2:---in-memory}" blob_port="${3:-}"
    _azurite_check_port "$port" || return 1
    if _azurite_alive "$AZURITE_PID" || _azurite_alive "$AZURITE_BLOB_PID"; then
        _azurite_err "already running (pid $AZURITE_PID, port $AZURITE_PORT); call azurite_stop first"
        return 1
    fi
    if [[ ! -x "$AZURITE_TABLE_BIN" || ! -x "$AZURITE_BLOB_BIN" ]]; then
        _azurite_err "$AZURITE_TABLE_BIN or $AZURITE_BLOB_BIN not found; run azurite_install first"
        return 1
    fi
    if port_in_use "$port"; then
        _azurite_err "127.0.0.1:$port is already in use"
        return 1
    fi
    if [[ -z $blob_port ]]; then
        blob_port="$(free_port)" || return 1
        while [[ $blob_port == "$port" ]]; do blob_port="$(free_port)" || return 1; done
    fi
    _azurite_check_port "$blob_port" || return 1
    if port_in_use "$blob_port"; then
        _azurite_err "127.0.0.1:$blob_port is already in use"
        return 1
    fi

    local -a common=(--disableTelemetry --skipApiVersionCheck --loose)
    local workdir
    if [[ $where == --in-memory ]]; then
        common+=(--inMemoryPersistence)
        AZURITE_LOG="$(mktemp "${TMPDIR:-/tmp}/azurite-table.XXXXXX")" || return 1
        AZURITE_BLOB_LOG="$(mktemp "${TMPDIR:-/tmp}/azurite-blob.XXXXXX")" || return 1
        _AZURITE_LOG_IS_TEMP=1
        workdir="$(dirname "$AZURITE_LOG")"
    else
        mkdir -p "$where" || return 1
        workdir="$(cd "$where" && pwd -P)" || return 1
        common+=(--location "$workdir")
        AZURITE_LOG="$workdir/azurite.log"
        AZURITE_BLOB_LOG="$workdir/azurite-blob.log"
        _AZURITE_LOG_IS_TEMP=0
    fi

    _azurite_launch "$AZURITE_TABLE_BIN" "$AZURITE_LOG" "$workdir" --tableHost 127.0.0.1 --tablePort "$port" "${common[@]}"
    AZURITE_PID=$_AZURITE_LAUNCHED
    AZURITE_PORT="$port"
    _azurite_launch "$AZURITE_BLOB_BIN" "$AZURITE_BLOB_LOG" "$workdir" --blobHost 127.0.0.1 --blobPort "$blob_port" "${common[@]}"
    AZURITE_BLOB_PID=$_AZURITE_LAUNCHED
    AZURITE_BLOB_SERVICE_PORT="$blob_port"

    if ! _azurite_await "$AZURITE_PID" "$port" table || ! _azurite_await "$AZURITE_BLOB_PID" "$blob_port" blob; then
        _azurite_err "logs: $AZURITE_LOG, $AZURITE_BLOB_LOG"
        _azurite_log_tail
        azurite_stop
        return 1
    fi
}

# _azurite_stop_one PID: SIGINT, up to 10 s, then SIGKILL as a last resort.
_azurite_stop_one() {
    local pid="$1"
    if _azurite_alive "$pid"; then
        echo "==> Stopping Azurite (pid $pid, SIGINT)"
        kill -INT "$pid" 2>/dev/null || true
        local i
        for (( i = 0; i < 50; i++ )); do
            _azurite_alive "$pid" || break
            sleep 0.2
        done
        if _azurite_alive "$pid"; then
            _azurite_err "Azurite (pid $pid) still running 10 s after SIGINT; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    if [[ -n $pid ]]; then
        wait "$pid" 2>/dev/null || true   # reap it if it is our child
    fi
}

# azurite_stop: stops the Azurite services started by azurite_start. No-op when none is running.
azurite_stop() {
    local table="$AZURITE_PID" blob="$AZURITE_BLOB_PID"
    AZURITE_PID=""
    AZURITE_BLOB_PID=""
    _azurite_stop_one "$table"
    _azurite_stop_one "$blob"
    if (( _AZURITE_LOG_IS_TEMP )); then
        rm -f "$AZURITE_LOG" "$AZURITE_BLOB_LOG"
        AZURITE_LOG=""
        AZURITE_BLOB_LOG=""
        _AZURITE_LOG_IS_TEMP=0
    fi
    AZURITE_PORT=""
    AZURITE_BLOB_SERVICE_PORT=""
    return 0
}
