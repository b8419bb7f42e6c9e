#!/usr/bin/env bash
# Makes the function app read its Key Vault references again, now that the secrets exist, and waits until the
# platform reports both as resolved.
#
#   scripts/resolve-key-vault-references.sh RESOURCE_GROUP APP_NAME
#
# App Service caches a Key Vault reference it could not resolve (the app is created before ensure-secrets.sh
# creates the secrets) and reads it again only on a configuration change or after about a day: a restart is not
# enough. So this script changes one harmless app setting (KEY_VAULT_REFERENCES_REFRESHED_AT; the next template
# deployment replaces the settings and drops it), then polls the documented config-references endpoint
# (GET <app>/config/configreferences/appsettings/<name>) until Licensing__AdminApiKey and Licensing__SigningKey
# both say Resolved. It reads statuses only, never a value.
#
# REFERENCES_TIMEOUT (seconds, default 300) and REFERENCES_DELAY (seconds, default 10) tune the wait: a fresh
# Key Vault Secrets User assignment can take minutes to reach the platform (AccessToKeyVaultDenied until then).
set -euo pipefail

if [[ $# -ne 2 || -z $1 || -z $2 ]]; then
    echo "usage: $(basename "$0") RESOURCE_GROUP APP_NAME" >&2
    exit 2
fi
resource_group=$1
app_name=$2
timeout=${REFERENCES_TIMEOUT:-300}
delay=${REFERENCES_DELAY:-10}
references=(Licensing__AdminApiKey Licensing__SigningKey)
api_version=2024-04-01

app_id=$(az functionapp show --resource-group "$resource_group" --name "$app_name" --query id -o tsv)
if [[ -z $app_id ]]; then
    echo "resolve-key-vault-references: no function app $app_name in $resource_group" >&2
    exit 1
fi

echo "resolve-key-vault-references: changing a setting of $app_name so it reads its Key Vault references again"
az functionapp config appsettings set --resource-group "$resource_group" --name "$app_name" \
    --settings "KEY_VAULT_REFERENCES_REFRESHED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)" --output none

# A URL without a host is an Azure resource id: az rest prefixes the current cloud's management endpoint.
status_of() {
    az rest --method get --url "$app_id/config/configreferences/appsettings/$1?api-version=$api_version" \
        --query "properties.status" -o tsv 2>/dev/null || echo "Unreadable"
}

deadline=$((SECONDS + timeout))
while :; do
    pending=()
    for name in "${references[@]}"; do
        status=$(status_of "$name")
        if [[ $status != Resolved ]]; then
            pending+=("$name=$status")
        fi
    done
    if ((${#pending[@]} == 0)); then
        echo "resolve-key-vault-references: ${references[*]} resolved"
        exit 0
    fi
    if ((SECONDS >= deadline)); then
        echo "resolve-key-vault-references: not resolved after ${timeout} s: ${pending[*]}" >&2
        echo "  AccessToKeyVaultDenied: the app's identity lacks Key Vault Secrets User (or it has not propagated yet);" >&2
        echo "  SecretNotFound: run scripts/ensure-secrets.sh VAULT; then run this script again." >&2
        exit 1
    fi
    echo "resolve-key-vault-references: waiting for ${pending[*]}"
    sleep "$delay"
done
