#!/usr/bin/env bash
# Creates the licensing server's two Key Vault secrets if they are missing; never overwrites one.
#
#   scripts/ensure-secrets.sh VAULT_NAME
#
#   licensing-admin-api-key  the first admin API key: lk_admin_ + 64 hex digits (openssl rand -hex 32)
#   licensing-signing-key    the ES256 signing key: a P-256 private key as PKCS#8 PEM
#
# The app reads both through Key Vault references (Licensing__AdminApiKey, Licensing__SigningKey). A secret
# that already exists is left alone, so re-running is safe and the signing key (which every issued token and
# license document depends on) is never rotated by accident. Secret values are never printed: they are
# generated into a private temporary directory (umask 077), handed to az with --file, and removed on exit.
#
# The caller needs Key Vault Secrets Officer on the vault (infra/main.bicep grants it to deployerPrincipalId).
# A fresh role assignment can take a minute or two to reach Key Vault: every call is retried while the vault
# answers anything but a clear "found" or "not found". ENSURE_SECRETS_ATTEMPTS (default 12) and
# ENSURE_SECRETS_DELAY (seconds, default 15) tune that.
set -euo pipefail

usage() {
    echo "usage: $(basename "$0") VAULT_NAME" >&2
}

if [[ $# -ne 1 || -z $1 ]]; then
    usage
    exit 2
fi
vault=$1

for tool in az openssl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "ensure-secrets: '$tool' is not on PATH" >&2
        exit 1
    fi
done

attempts=${ENSURE_SECRETS_ATTEMPTS:-12}
delay=${ENSURE_SECRETS_DELAY:-15}

workdir=""
cleanup() {
    if [[ -n $workdir ]]; then
        rm -rf -- "$workdir"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

umask 077
workdir=$(mktemp -d "${TMPDIR:-/tmp}/ensure-secrets.XXXXXX")

# Prints "present" or "absent". Anything else the vault answers (no permission yet, DNS of a new vault not yet
# resolvable, throttling) is retried, and is an error once the attempts are used up: a secret is only ever
# created after the vault said it does not exist.
secret_state() {
    local name=$1 attempt err
    for ((attempt = 1; attempt <= attempts; attempt++)); do
        # Only the secret's id is selected, and even that is discarded: the value never reaches the terminal.
        if err=$(az keyvault secret show --vault-name "$vault" --name "$name" --query id --output tsv 2>&1 >/dev/null); then
            echo present
            return 0
        fi
        case $err in
            *SecretNotFound* | *"was not found in this key vault"*)
                echo absent
                return 0
                ;;
            *) ;; # anything else: retry below
        esac
        echo "ensure-secrets: cannot read $name in $vault yet (attempt $attempt/$attempts): ${err%%$'\n'*}" >&2
        if ((attempt < attempts)); then
            sleep "$delay"
        fi
    done
    echo "ensure-secrets: giving up on $name in $vault; do you have Key Vault Secrets Officer on it?" >&2
    return 1
}

# Sets NAME from FILE (never on the command line, where other users could see it in the process list).
set_secret() {
    local name=$1 file=$2 content_type=$3 attempt err
    for ((attempt = 1; attempt <= attempts; attempt++)); do
        # --output none: az would otherwise print the new secret, value included.
        if err=$(az keyvault secret set --vault-name "$vault" --name "$name" --file "$file" \
            --content-type "$content_type" --output none 2>&1); then
            return 0
        fi
        case $err in
            *ObjectIsDeletedButRecoverable* | *"deleted but recoverable"*)
                echo "ensure-secrets: $name is deleted but recoverable in $vault (soft delete)." >&2
                echo "  Recover it (keeps the old value): az keyvault secret recover --vault-name $vault --name $name" >&2
                echo "  then run this script again." >&2
                return 1
                ;;
            *) ;; # anything else: retry below
        esac
        echo "ensure-secrets: cannot set $name in $vault yet (attempt $attempt/$attempts): ${err%%$'\n'*}" >&2
        if ((attempt < attempts)); then
            sleep "$delay"
        fi
    done
    echo "ensure-secrets: giving up on setting $name in $vault" >&2
    return 1
}

ensure_admin_api_key() {
    local name=licensing-admin-api-key state
    state=$(secret_state "$name")
    if [[ $state == present ]]; then
        echo "ensure-secrets: $name exists in $vault; left unchanged"
        return 0
    fi
    local file=$workdir/admin-api-key random
    random=$(openssl rand -hex 32)
    if [[ ! $random =~ ^[0-9a-f]{64}$ ]]; then
        echo "ensure-secrets: openssl rand -hex 32 gave no 64 hex digits" >&2
        return 1
    fi
    printf 'lk_admin_%s' "$random" >"$file"
    set_secret "$name" "$file" text/plain
    rm -f -- "$file"
    echo "ensure-secrets: created $name in $vault"
}

ensure_signing_key() {
    local name=licensing-signing-key state
    state=$(secret_state "$name")
    if [[ $state == present ]]; then
        echo "ensure-secrets: $name exists in $vault; left unchanged"
        return 0
    fi
    local file=$workdir/signing-key.pem
    openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt >"$file"
    if ! openssl pkey -in "$file" -noout 2>/dev/null; then
        echo "ensure-secrets: openssl did not produce a readable PEM key" >&2
        return 1
    fi
    set_secret "$name" "$file" application/x-pem-file
    rm -f -- "$file"
    echo "ensure-secrets: created $name in $vault"
}

ensure_admin_api_key
ensure_signing_key
