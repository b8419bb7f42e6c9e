#!/usr/bin/env bash
# Runs the licensing server locally (src/Licensing.LocalHost) against Azurite.
#
#   AZURITE_TABLE_PORT  Azurite table port (default 10002). If something already
#                       listens on 127.0.0.1 there, it is reused (and left running);
#                       otherwise Azurite's table and blob services are started with
#                       their data in .local/azurite and stopped again (SIGINT) when
#                       this script exits. If one of them exits while the server
#                       runs, the script says so and stops the server (exit 1).
#   AZURITE_BLOB_PORT   Azurite blob port (default 10000), for backups.
#   PORT                HTTP port of the local host (default 7071).
#   LICENSING_LOCAL_DIR Where Azurite's data and the development signing key live
#                       (default .local in the repository).
#   Licensing__SigningKey / Licensing__SigningKeyFile
#                       If neither is set, a development ES256 key is created once at
#                       .local/signing-key.pem and Licensing__SigningKeyFile points to it.
#   Licensing__StorageConnectionString
#                       Defaults to the Azurite connection string for AZURITE_TABLE_PORT
#                       and AZURITE_BLOB_PORT.
#
# Extra arguments are passed to the program (after `dotnet run ... --`).
# Ctrl-C stops the local host first, then the Azurite this script started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=scripts/azurite.sh
. scripts/azurite.sh

PROJECT="src/Licensing.LocalHost"
LOCAL_DIR="${LICENSING_LOCAL_DIR:-$ROOT/.local}"
AZURITE_TABLE_PORT="${AZURITE_TABLE_PORT:-10002}"
AZURITE_BLOB_PORT="${AZURITE_BLOB_PORT:-10000}"
export PORT="${PORT:-7071}"

for var in AZURITE_TABLE_PORT AZURITE_BLOB_PORT PORT; do
    if [[ ! ${!var} =~ ^[0-9]+$ ]] || (( 10#${!var} < 1 || 10#${!var} > 65535 )); then
        echo "==> $var must be a TCP port number (1-65535), got '${!var}'" >&2
        exit 2
    fi
done

host_pid=""

# Stops the local host: SIGTERM to its process group (dotnet run + the app), SIGKILL after 15 s.
# shellcheck disable=SC2317  # only called from the EXIT trap
stop_host() {
    local pid="$host_pid" i
    host_pid=""
    [[ -n $pid ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        # SIGTERM, not SIGINT: .NET shuts down gracefully on it, and a SIGINT may be ignored when this
        # script itself was started in the background.
        echo "==> Stopping local host (pid $pid, SIGTERM)"
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for (( i = 0; i < 75; i++ )); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "==> Local host still running after 15 s; sending SIGKILL" >&2
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317  # only called from the EXIT trap
cleanup() {
    stop_host
    azurite_stop   # no-op unless this script started Azurite
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

echo "==> Azurite: checking install"
azurite_install

if port_in_use "$AZURITE_TABLE_PORT"; then
    echo "==> Azurite: something already listens on 127.0.0.1:$AZURITE_TABLE_PORT; reusing it (it will not be stopped by this script)"
else
    echo "==> Azurite: starting table service on 127.0.0.1:$AZURITE_TABLE_PORT and blob service on 127.0.0.1:$AZURITE_BLOB_PORT (data: $LOCAL_DIR/azurite)"
    azurite_start "$AZURITE_TABLE_PORT" "$LOCAL_DIR/azurite" "$AZURITE_BLOB_PORT"
    echo "    pid $AZURITE_PID; log: $AZURITE_LOG"
    echo "    blob pid $AZURITE_BLOB_PID; log: $AZURITE_BLOB_LOG"
fi

if [[ -z ${Licensing__SigningKey:-} && -z ${Licensing__SigningKeyFile:-} ]]; then
    key_file="$LOCAL_DIR/signing-key.pem"
    if [[ ! -s $key_file ]]; then
        echo "==> Creating development ES256 signing key: $key_file"
        mkdir -p "$LOCAL_DIR"
        (
            umask 077
            tmp="$key_file.tmp.$$"
            trap 'rm -f "$tmp"' EXIT
            openssl ecparam -name prime256v1 -genkey -noout |
                openssl pkcs8 -topk8 -nocrypt -out "$tmp"
            chmod 600 "$tmp"
            mv -f "$tmp" "$key_file"
        )
    fi
    export Licensing__SigningKeyFile="$key_file"
    echo "==> Signing key: Licensing__SigningKeyFile=$key_file"
else
    echo "==> Signing key: taken from the environment"
fi

if [[ -z ${Licensing__StorageConnectionString:-} ]]; then
    Licensing__StorageConnectionString="$(azurite_connection_string "$AZURITE_TABLE_PORT" "$AZURITE_BLOB_PORT")"
    export Licensing__StorageConnectionString
    echo "==> Storage: Azurite at http://127.0.0.1:$AZURITE_TABLE_PORT/devstoreaccount1 (tables), http://127.0.0.1:$AZURITE_BLOB_PORT/devstoreaccount1 (blobs)"
else
    echo "==> Storage: Licensing__StorageConnectionString taken from the environment"
fi

if port_in_use "$PORT"; then
    echo "==> 127.0.0.1:$PORT is already in use; set PORT to another port" >&2
    exit 1
fi

echo "==> Build: dotnet build $PROJECT -c Release"
dotnet build "$PROJECT" -c Release

echo "==> Run: dotnet run --project $PROJECT -c Release (PORT=$PORT); Ctrl-C to stop"
# Own process group (job control on just for this fork), so that Ctrl-C reaches
# this script only and cleanup stops the host before Azurite. stdin is
# /dev/null so the background process never touches the terminal.
set -m
dotnet run --project "$PROJECT" -c Release --no-build -- "$@" </dev/null &
host_pid=$!
set +m

# Wait for the host, and for the Azurite this script started: without its storage the server could only
# answer 503, so when Azurite goes the server goes too, with a line that says why.
status=0
if [[ -n $AZURITE_PID ]]; then
    ended=""
    wait -n -p ended "$host_pid" "$AZURITE_PID" "$AZURITE_BLOB_PID" || status=$?
    if [[ $ended == "$AZURITE_PID" ]]; then
        AZURITE_PID=""
        echo "==> Azurite exited (status $status) while the server was running; stopping the server. Azurite's log: $AZURITE_LOG" >&2
        exit 1
    fi
    if [[ $ended == "$AZURITE_BLOB_PID" ]]; then
        AZURITE_BLOB_PID=""
        echo "==> Azurite's blob service exited (status $status) while the server was running; stopping the server. Its log: $AZURITE_BLOB_LOG" >&2
        exit 1
    fi
else
    wait "$host_pid" || status=$?
fi
host_pid=""
echo "==> Local host exited (status $status)"
exit "$status"
