#!/usr/bin/env bash
# What an operator runs after a deployment: every client call once, end to end, on throwaway data.
#
#   scripts/smoke.sh URL ADMIN_KEY        e.g. scripts/smoke.sh https://func-licensing-abc.azurewebsites.net "$key"
#
# Reads the JWKS; creates a throwaway floating license, node-locked license and client API key; drives
# request -> heartbeat -> info -> release on the first and activate -> validate -> deactivate on the second,
# verifying each seat token's ES256 signature against the JWKS; then deletes all three (also when a step fails).
# Prints one line per step and exits non-zero at the first step that fails. Keys and tokens are never printed.
#
# Needs: bash, curl, jq, openssl, xxd.
set -euo pipefail

if [[ $# -ne 2 || -z $1 || -z $2 ]]; then
    echo "usage: $(basename "$0") URL ADMIN_KEY" >&2
    exit 2
fi
base=${1%/}
admin_key=$2
for tool in curl jq openssl xxd; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "smoke: '$tool' is not on PATH" >&2
        exit 2
    fi
done

umask 077
workdir=$(mktemp -d "${TMPDIR:-/tmp}/licensing-smoke.XXXXXX")
created_licenses=()
created_key=""

# Deletes what this run created; its own failures are reported, not fatal.
cleanup() {
    local id
    for id in "${created_licenses[@]}"; do
        call DELETE "v1/admin/licenses/$id" "$admin_key" ""
        if [[ $status == 204 ]]; then
            echo "smoke: ok    cleanup: deleted license $id"
        else
            echo "smoke: WARN  cleanup: license $id not deleted (HTTP $status)" >&2
        fi
    done
    if [[ -n $created_key ]]; then
        call DELETE "v1/admin/api-keys/$created_key" "$admin_key" ""
        if [[ $status == 204 ]]; then
            echo "smoke: ok    cleanup: deleted client API key $created_key"
        else
            echo "smoke: WARN  cleanup: client API key $created_key not deleted (HTTP $status)" >&2
        fi
    fi
    rm -rf -- "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

status=""
reply=""
# call METHOD ROUTE KEY BODY: sets status and reply (the body). Key and body go through files, never on argv.
call() {
    local method=$1 route=$2 key=$3 body=$4 headers=$workdir/headers
    local args=(-sS --max-time 30 -X "$method" -o "$workdir/body" -w '%{http_code}')
    if [[ -n $key ]]; then
        printf 'x-api-key: %s\n' "$key" >"$headers"
        args+=(-H "@$headers")
    fi
    if [[ -n $body ]]; then
        printf '%s' "$body" >"$workdir/request"
        args+=(-H 'content-type: application/json' --data-binary "@$workdir/request")
    fi
    status=$(curl "${args[@]}" "$base/$route") || status=000
    reply=$(cat "$workdir/body" 2>/dev/null) || reply=""
}

fail() {
    echo "smoke: FAIL  $1" >&2
    exit 1
}

ok() {
    echo "smoke: ok    $1"
}

# expect STEP STATUS JSON JQ_FILTER: the answer had STATUS and the filter holds on its body.
expect() {
    local step=$1 want=$2 json=$3 filter=$4
    if [[ $status != "$want" ]]; then
        fail "$step: HTTP $status, expected $want: $(jq -c '{code, detail, deniedReason}' <<<"$json" 2>/dev/null || echo "$json" | head -c 300)"
    fi
    if ! jq -e "$filter" >/dev/null 2>&1 <<<"$json"; then
        fail "$step: the answer does not satisfy $filter: $(jq -c 'del(.licenseToken)' <<<"$json" 2>/dev/null | head -c 300)"
    fi
}

b64url_to_bin() {
    local s=${1//-/+}
    s=${s//_//}
    case $((${#s} % 4)) in
        2) s+="==" ;;
        3) s+="=" ;;
        *) ;;
    esac
    base64 -d <<<"$s"
}

# A DER INTEGER from a big-endian unsigned hex number: no leading zero bytes, one 00 if the high bit is set.
der_integer() {
    local hex=$1
    while [[ ${#hex} -gt 2 && ${hex:0:2} == 00 ]]; do
        hex=${hex:2}
    done
    if (( 16#${hex:0:1} >= 8 )); then
        hex=00$hex
    fi
    printf '02%02x%s' $((${#hex} / 2)) "$hex"
}

# verify_token STEP TOKEN: the compact JWS verifies with the JWKS key its header names (ES256, P-256).
verify_token() {
    local step=$1 token=$2 header kid jwk x y sig r s seq
    IFS=. read -r header _ sig <<<"$token"
    kid=$(b64url_to_bin "$header" | jq -r '.kid')
    jwk=$(jq -c --arg kid "$kid" '.keys[] | select(.kid == $kid)' <<<"$jwks")
    [[ -n $jwk ]] || fail "$step: no key '$kid' in the JWKS"
    [[ $(b64url_to_bin "$header" | jq -r '.alg') == ES256 ]] || fail "$step: the token is not ES256"
    x=$(b64url_to_bin "$(jq -r '.x' <<<"$jwk")" | xxd -p -c 256)
    y=$(b64url_to_bin "$(jq -r '.y' <<<"$jwk")" | xxd -p -c 256)
    # SubjectPublicKeyInfo of an uncompressed P-256 point.
    echo "3059301306072a8648ce3d020106082a8648ce3d030107034200" "04$x$y" | tr -d ' ' | xxd -r -p >"$workdir/key.der"
    sig=$(b64url_to_bin "$sig" | xxd -p -c 256)
    [[ ${#sig} == 128 ]] || fail "$step: the signature is not 64 bytes"
    r=$(der_integer "${sig:0:64}")
    s=$(der_integer "${sig:64:64}")
    seq=$r$s
    printf '30%02x%s' $((${#seq} / 2)) "$seq" | xxd -r -p >"$workdir/sig.der"
    printf '%s' "${token%.*}" >"$workdir/signed"
    openssl dgst -sha256 -verify "$workdir/key.der" -keyform DER -signature "$workdir/sig.der" "$workdir/signed" >/dev/null 2>&1 ||
        fail "$step: the token's signature does not verify with the JWKS"
}

run_id=$(date -u +%Y%m%d%H%M%S)-$$
machine=smoke-$run_id

call GET v1/license/keys "" ""

jwks=$reply
expect "keys" 200 "$jwks" '.keys | length >= 1'
ok "keys: the JWKS has $(jq '.keys | length' <<<"$jwks") signing key(s)"

body=$(jq -nc --arg name "smoke test $run_id" '{licensingMode: 2, maxClientCount: 1, customerName: $name, heartbeatInterval: {seconds: 60, nanos: 0}}')
call POST v1/admin/licenses "$admin_key" "$body"
floating=$reply
expect "create floating license" 201 "$floating" '.licenseId and .userKey'
created_licenses+=("$(jq -r .licenseId <<<"$floating")")
ok "create floating license ${created_licenses[0]}"

body=$(jq -nc --arg name "smoke test $run_id" '{licensingMode: 1, maxClientCount: 1, customerName: $name}')
call POST v1/admin/licenses "$admin_key" "$body"
node=$reply
expect "create node-locked license" 201 "$node" '.licenseId and .userKey'
created_licenses+=("$(jq -r .licenseId <<<"$node")")
ok "create node-locked license ${created_licenses[1]}"

call POST v1/admin/api-keys "$admin_key" "$(jq -nc --arg name "smoke-$run_id" '{name: $name, scope: "client"}')"

key_answer=$reply
expect "create client API key" 201 "$key_answer" '.id and .key'
created_key=$(jq -r .id <<<"$key_answer")
client_key=$(jq -r .key <<<"$key_answer")
ok "create client API key $created_key"

floating_user_key=$(jq -r .userKey <<<"$floating")
node_user_key=$(jq -r .userKey <<<"$node")
seat=$(jq -nc --arg u "$floating_user_key" --arg m "$machine" '{userKey: $u, machineId: $m}')

call POST v1/license/request "$client_key" "$seat"

answer=$reply
expect "request" 200 "$answer" '.granted == true and (.licenseToken | length > 0)'
lease_token=$(jq -r .licenseToken <<<"$answer")
verify_token "request" "$lease_token"
ok "request: seat granted, token verified with the JWKS"

by_token=$(jq -nc --arg t "$lease_token" --arg m "$machine" '{licenseToken: $t, machineId: $m}')
call POST v1/license/heartbeat "$client_key" "$by_token"
answer=$reply
expect "heartbeat" 200 "$answer" '.active == true'
ok "heartbeat: lease kept"

call POST v1/license/info "$client_key" "$seat"

answer=$reply
expect "info" 200 "$answer" ".licenseId == \"${created_licenses[0]}\" and .activeClientCount == 1"
ok "info: 1 of $(jq .maxClientCount <<<"$answer") seat(s) in use"

call POST v1/license/release "$client_key" "$by_token"

answer=$reply
expect "release" 200 "$answer" '.activeClientCount == 0'
ok "release: seat freed"

activation=$(jq -nc --arg u "$node_user_key" --arg m "$machine" '{userKey: $u, machineId: $m}')
call POST v1/license/activate "$client_key" "$activation"
answer=$reply
expect "activate" 200 "$answer" '.success == true and (.licenseToken | length > 0)'
verify_token "activate" "$(jq -r .licenseToken <<<"$answer")"
ok "activate: machine activated, token verified with the JWKS"

call POST v1/license/validate "$client_key" "$activation"

answer=$reply
expect "validate" 200 "$answer" '.success == true'
ok "validate: activation valid"

call POST v1/license/deactivate "$client_key" "$activation"

answer=$reply
expect "deactivate" 200 "$answer" '.activeClientCount == 0'
ok "deactivate: machine deactivated"

trap - EXIT
cleanup
echo "smoke: passed"
