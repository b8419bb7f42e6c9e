#!/usr/bin/env bash
# Deploys the licensing server to Azure in one command: infrastructure (infra/main.bicep with
# infra/main.bicepparam), the two Key Vault secrets (only if missing), then the app itself.
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

# The signed-in user gets Key Vault Secrets Officer on the vault so ensure-secrets.sh can create the secrets.
# A service principal has no signed-in user: then it needs that role some other way.
deployer=$(az ad signed-in-user show --query id -o tsv 2>/dev/null) || deployer=""
parameters=(location="$location")
if [[ -n $deployer ]]; then
    parameters+=(deployerPrincipalId="$deployer")
else
    echo "deploy.sh: note: no signed-in user (service principal?); it needs Key Vault Secrets Officer on the vault" >&2
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

echo "==> Build (dotnet publish -c Release)"
dotnet publish "$root/src/Licensing.Functions" -c Release -o "$workdir/publish" --nologo
package=$workdir/app.zip
if [[ $zipper == zip ]]; then
    (cd "$workdir/publish" && zip -qr "$package" .)
else
    (cd "$workdir/publish" && python3 -m zipfile -c "$package" .)
fi

echo "==> Deploy the package to $app_name"
for attempt in 1 2 3; do
    if az functionapp deployment source config-zip --resource-group "$resource_group" --name "$app_name" \
        --src "$package" --output none; then
        break
    fi
    if ((attempt == 3)); then
        die "the package could not be deployed to $app_name"
    fi
    echo "deploy.sh: deployment attempt $attempt failed; retrying in 20 s" >&2
    sleep 20
done

# A restart makes the app read its Key Vault references again, now that both secrets exist.
echo "==> Restart $app_name"
az functionapp restart --resource-group "$resource_group" --name "$app_name" --output none

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
    echo "  Key Vault references can take a few minutes after the role assignments; re-running this script is safe." >&2
    exit 1
fi
echo "The API answers: done."
