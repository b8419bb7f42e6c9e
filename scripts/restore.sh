#!/usr/bin/env bash
# Restores a backup that the BackupTables timer wrote into a storage account's tables (see docs/backups.md):
#
#   scripts/restore.sh --from CONTAINER[/BACKUP_ID] --to CONNECTION_STRING [--from-storage CONNECTION_STRING]
#                      [--table-prefix PREFIX] [--force]
#
# It runs `licensing backup restore` from the built CLI (building it first when it is not built): the backup is
# checked against its manifest (row counts and SHA-256 hashes) before anything is written, and an account whose
# tables already hold rows is refused unless --force. Progress goes to stdout; the exit code is the CLI's
# (0 restored, 2 a mistake on the command line, 3 refused or failed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
CONFIGURATION="${CONFIGURATION:-Release}"
cli="$ROOT/src/Licensing.Cli/bin/$CONFIGURATION/net10.0/Licensing.Cli.dll"
if [[ ! -f $cli ]]; then
    echo "==> Building the CLI (dotnet build src/Licensing.Cli -c $CONFIGURATION)" >&2
    dotnet build "$ROOT/src/Licensing.Cli" -c "$CONFIGURATION" >&2
fi
exec dotnet "$cli" backup restore "$@"
