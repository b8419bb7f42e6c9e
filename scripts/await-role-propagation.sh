#!/usr/bin/env bash
# Waits until the function app's identity has held its storage roles long enough to have propagated, so that
# the first package upload is not refused (Flex Consumption answers a storage 403 as BlobUploadFailedException
# while the identity's Storage Blob Data Owner assignment is still reaching the storage account).
#
#   scripts/await-role-propagation.sh RESOURCE_GROUP STORAGE_ACCOUNT APP_PRINCIPAL_ID
#
# The azd predeploy hook runs it (azd deploys the package once, with no retry). It reads the creation time of the
# identity's role assignments on the storage account and sleeps until ROLE_PROPAGATION_SECONDS (default 300) have
# passed since the newest; on a later `azd deploy` they are old and it returns at once. scripts/deploy.sh instead
# retries the upload with backoff.
set -euo pipefail

if [[ $# -ne 3 || -z $1 || -z $2 || -z $3 ]]; then
    echo "usage: $(basename "$0") RESOURCE_GROUP STORAGE_ACCOUNT APP_PRINCIPAL_ID" >&2
    exit 2
fi
resource_group=$1
storage=$2
principal=$3
settle=${ROLE_PROPAGATION_SECONDS:-300}

scope=$(az storage account show --resource-group "$resource_group" --name "$storage" --query id -o tsv)
newest=$(az role assignment list --assignee "$principal" --scope "$scope" --query "max([].createdOn)" -o tsv 2>/dev/null) || newest=""
if [[ -z $newest ]]; then
    echo "await-role-propagation: no role assignment of $principal on $storage found yet; waiting ${settle} s" >&2
    sleep "$settle"
    exit 0
fi

created=$(date -u -d "$newest" +%s)
wait_for=$((created + settle - $(date -u +%s)))
if ((wait_for > 0)); then
    echo "await-role-propagation: the app's storage roles were assigned at $newest; waiting ${wait_for} s for them to propagate"
    sleep "$wait_for"
fi
echo "await-role-propagation: the app's storage roles are at least ${settle} s old"
