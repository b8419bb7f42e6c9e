# shellcheck shell=bash
# What the console's browser tests need, installed when missing (as scripts/azurite.sh installs Azurite):
#   browser_install   Debian's chromium (apt-get; as root, or with sudo when it is there) and the pinned
#                     axe-core (npm ci in tools/axe).
# Exports LICENSING_TEST_CHROMIUM, the browser the tests launch (Playwright drives it; it downloads no browser).
# Source this file from bash; it defines functions only and does not change shell options.

BROWSER_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BROWSER_AXE_DIR="$BROWSER_REPO_ROOT/tools/axe"

_browser_err() { printf 'browser: %s\n' "$*" >&2; }

browser_install() {
    local chromium
    chromium="$(command -v chromium || true)"
    if [[ -z $chromium ]]; then
        local sudo=()
        if (( EUID != 0 )); then
            if command -v sudo >/dev/null 2>&1; then
                sudo=(sudo)
            else
                _browser_err "chromium is missing and this user cannot install it: run 'apt-get install chromium' as root"
                return 1
            fi
        fi
        if ! command -v apt-get >/dev/null 2>&1; then
            _browser_err "chromium is missing and there is no apt-get here: install Chromium and put 'chromium' on PATH"
            return 1
        fi
        echo "==> Installing chromium (apt-get)"
        local out rc=0
        out="$(mktemp "${TMPDIR:-/tmp}/chromium-apt.XXXXXX")" || return 1
        { "${sudo[@]}" apt-get update && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y chromium; } >"$out" 2>&1 || rc=$?
        if (( rc != 0 )); then
            _browser_err "'apt-get install chromium' failed (exit $rc):"
            tail -n 20 "$out" >&2
            rm -f "$out"
            return "$rc"
        fi
        rm -f "$out"
        chromium="$(command -v chromium || true)"
        if [[ -z $chromium ]]; then
            _browser_err "apt-get installed chromium but 'chromium' is not on PATH"
            return 1
        fi
    fi
    export LICENSING_TEST_CHROMIUM="$chromium"

    if [[ ! -f "$BROWSER_AXE_DIR/node_modules/axe-core/axe.min.js" ]]; then
        if ! command -v npm >/dev/null 2>&1; then
            _browser_err "npm not found; install Node.js (20+) and npm to get axe-core"
            return 1
        fi
        echo "==> Installing axe-core (npm ci in tools/axe)"
        (cd "$BROWSER_AXE_DIR" && npm ci --no-audit --no-fund --loglevel=error) >&2 || {
            _browser_err "'npm ci' in tools/axe failed"
            return 1
        }
    fi
}
