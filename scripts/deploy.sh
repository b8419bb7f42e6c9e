#!/usr/bin/env bash
# Deploys the licensing server to Azure in one command: infrastructure (infra/main.bicep with
# infra/main.bicepparam), the two Key Vault secrets (only if missing), the app's Key Vault references read again
# and resolved, then the app itself.
#
#   scripts/deploy.sh RESOURCE_GROUP LOCATION        e.g. scripts/deploy.sh rg-licensing westeurope
#
# Needs: az (logged in: az login), dotnet (the SDK of global.json), openssl, curl, and zip or python3.
# Every step is idempotent, so re-running updates the deployment in place: the resource group and the
# template are applied again, existing secrets are kept, the app package is replaced.
#
# Nothing is changed before all checks pass (arguments, az, login, location, tools).
set -euo pipefail

usage() {
    echo "usage: $(basename "$0") RESOURCE_GROUP LOCATION" >&2
    echo "  e.g. $(basename "$0") rg-licensing westeurope" >&2
    echo "  valid locations: az account list-locations --query '[].name' -o tsv" >&2
}

die() {
    echo "deploy.sh: $*" >&2
    exit 1
}

if [[ $# -ne 2 ]]; then
    usage
    exit 2
fi
resource_group=$1
location=$2

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$script_dir/.." && pwd -P)"

# --- Checks (read only) ---------------------------------------------------------------------------------

if ! command -v az >/dev/null 2>&1; then
    die "the Azure CLI (az) is not on PATH: install it (https://aka.ms/installazurecli), then run az login"
fi

if ! az account show --output none >/dev/null 2>&1; then
    die "not logged in: run az login"
fi

# Location names are lowercase letters and digits (westeurope, eastus2); anything else cannot be one, and must
# not reach the JMESPath query below.
unknown_location() {
    die "unknown location '$location': list the valid names with: az account list-locations --query '[].name' -o tsv"
}
if [[ ! $location =~ ^[a-z0-9]+$ ]]; then
    unknown_location
fi
known=$(az account list-locations --query "[?name=='$location'].name" -o tsv 2>/dev/null) || known=""
if [[ $known != "$location" ]]; then
    unknown_location
fi

if ! command -v dotnet >/dev/null 2>&1; then
    die "the .NET SDK (dotnet) is not on PATH: it builds the app (see global.json for the version)"
fi
for tool in curl openssl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        die "'$tool' is not on PATH"
    fi
done
if command -v zip >/dev/null 2>&1; then
    zipper=zip
elif command -v python3 >/dev/null 2>&1; then
    zipper=python3
else
    die "neither zip nor python3 is on PATH: one is needed to package the app"
fi

# Flex Consumption runs in a subset of regions. Only a warning: the list comes from a newer az command.
if flex=$(az functionapp list-flexconsumption-locations --query "[].name" -o tsv 2>/dev/null) && [[ -n $flex ]]; then
    if ! tr -d ' ' <<<"$flex" | tr '[:upper:]' '[:lower:]' | grep -qx -- "$location"; then
        echo "deploy.sh: warning: '$location' is not in az functionapp list-flexconsumption-locations;" \
            "the deployment will fail if Flex Consumption is not offered there" >&2
    fi
fi

# --- Deployment -----------------------------------------------------------------------------------------

workdir=""
cleanup() {
    if [[ -n $workdir ]]; then
        rm -rf -- "$workdir"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
workdir=$(mktemp -d "${TMPDIR:-/tmp}/licensing-deploy.XXXXXX")

echo "==> Resource group $resource_group ($location)"
az group create --name "$resource_group" --location "$location" --output none

# Whoever deploys gets Key Vault Secrets Officer on the vault so ensure-secrets.sh can create the secrets. The role
# assignment must state what the principal is: a user (az login) or a service principal (az login
# --service-principal, as in CI); a mismatch fails the deployment (UnmatchedPrincipalType).
parameters=(location="$location")
account_type=$(az account show --query user.type -o tsv 2>/dev/null) || account_type=""
if [[ $account_type == servicePrincipal ]]; then
    app_id=$(az account show --query user.name -o tsv)
    deployer=$(az ad sp show --id "$app_id" --query id -o tsv 2>/dev/null) || deployer=""
    deployer_type=ServicePrincipal
else
    deployer=$(az ad signed-in-user show --query id -o tsv 2>/dev/null) || deployer=""
    deployer_type=User
fi
if [[ -n $deployer ]]; then
    parameters+=(deployerPrincipalId="$deployer" deployerPrincipalType="$deployer_type")
    echo "    deployer: $deployer_type $deployer (gets Key Vault Secrets Officer on the vault)"
else
    echo "deploy.sh: note: the deploying principal's object id could not be read; it needs Key Vault Secrets Officer on the vault some other way" >&2
fi

# The vault's name is fixed per resource group, and purge protection keeps a deleted vault's name for 90 days: a
# redeployment after deleting the resource group would fail on it. Recover such a vault instead (its secrets too,
# which ensure-secrets.sh then keeps). To start with a new vault, set AZURE_KEY_VAULT_SALT instead.
if [[ -z ${AZURE_KEY_VAULT_SALT:-} ]]; then
    if deleted=$(az keyvault list-deleted --resource-type vault --query "[].[name, properties.vaultId]" -o tsv 2>/dev/null); then
        while IFS=$'\t' read -r name vault_id; do
            if [[ -n $name && ${vault_id,,} == */resourcegroups/${resource_group,,}/providers/microsoft.keyvault/vaults/* ]]; then
                echo "==> Recovering the deleted Key Vault $name of resource group $resource_group (soft delete)"
                az keyvault recover --name "$name" --output none
            fi
        done <<<"$deleted"
    else
        echo "deploy.sh: note: could not list deleted Key Vaults; if the deployment fails on the vault's name, see the README (Deploying again)" >&2
    fi
fi

deployment=licensing
echo "==> Infrastructure (infra/main.bicep)"
az deployment group create \
    --resource-group "$resource_group" \
    --name "$deployment" \
    --template-file "$root/infra/main.bicep" \
    --parameters "$root/infra/main.bicepparam" \
    --parameters "${parameters[@]}" \
    --output none

output() {
    az deployment group show --resource-group "$resource_group" --name "$deployment" \
        --query "properties.outputs.$1.value" -o tsv
}
app_name=$(output functionAppName)
app_url=$(output functionAppUrl)
vault=$(output keyVaultName)
if [[ -z $app_name || -z $app_url || -z $vault ]]; then
    die "the deployment '$deployment' returned no functionAppName, functionAppUrl or keyVaultName output"
fi

echo "==> Secrets in Key Vault $vault (created only if missing)"
"$script_dir/ensure-secrets.sh" "$vault"

# The app was created before the secrets existed: make it read its references again and wait until both resolve.
echo "==> Key Vault references of $app_name"
"$script_dir/resolve-key-vault-references.sh" "$resource_group" "$app_name"

echo "==> Build (dotnet publish -c Release)"
dotnet publish "$root/src/Licensing.Functions" -c Release -o "$workdir/publish" --nologo
package=$workdir/app.zip
if [[ $zipper == zip ]]; then
    (cd "$workdir/publish" && zip -qr "$package" .)
else
    (cd "$workdir/publish" && python3 -m zipfile -c "$package" .)
fi

# The first upload can be refused until the app identity's new storage roles propagate (Flex Consumption answers
# the storage 403 as BlobUploadFailedException): retry with backoff, 190 s of waiting over six attempts.
echo "==> Deploy the package to $app_name"
delays=(10 20 40 60 60)
attempt=0
while :; do
    attempt=$((attempt + 1))
    if az functionapp deployment source config-zip --resource-group "$resource_group" --name "$app_name" \
        --src "$package" --output none; then
        break
    fi
    if ((attempt > ${#delays[@]})); then
        die "the package could not be deployed to $app_name after $attempt attempts; re-running this script is safe"
    fi
    delay=${delays[attempt - 1]}
    echo "deploy.sh: deployment attempt $attempt failed (new role assignments can take minutes to reach storage); retrying in $delay s" >&2
    sleep "$delay"
done

echo "==> Waiting for $app_url/v1/license/keys (up to 3 minutes)"
healthy=false
deadline=$((SECONDS + 180))
while ((SECONDS < deadline)); do
    if curl -fsS --max-time 10 -o /dev/null "$app_url/v1/license/keys" 2>/dev/null; then
        healthy=true
        break
    fi
    sleep 5
done

echo
echo "Licensing server: $app_url"
echo "Admin API key:    az keyvault secret show --vault-name $vault --name licensing-admin-api-key --query value -o tsv"
if [[ $healthy != true ]]; then
    echo >&2
    echo "deploy.sh: $app_url/v1/license/keys did not answer within 3 minutes." >&2
    echo "  A missing or malformed setting stops the app with a message naming it: see the app's traces in" >&2
    echo "  Application Insights (portal: $app_name > Log stream, or the Application Insights resource > Logs)." >&2
    echo "  Re-running this script is safe; scripts/smoke.sh $app_url ADMIN_KEY checks every call once the API answers." >&2
    exit 1
fi
echo "The API answers: done. Check it end to end: scripts/smoke.sh $app_url \"\$(az keyvault secret show --vault-name $vault --name licensing-admin-api-key --query value -o tsv)\""
