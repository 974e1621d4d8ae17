# Shared helpers for integration tests (sourced). Each test runs in its own temp dir
# and fails loudly: `fail MESSAGE` exits non-zero with the message.
set -euo pipefail
: "${SLUICE:?SLUICE must point at the sluice binary}"
: "${SLUICE_SOURCE_DIR:?SLUICE_SOURCE_DIR must point at the source tree}"
WORK=$(mktemp -d /tmp/sluice-it-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
pass() { echo "ok - $*"; }

# expect_exit CODE COMMAND...: runs COMMAND, fails unless it exits with CODE.
expect_exit() {
  local want=$1
  shift
  set +e
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  set -e
  [[ $got -eq $want ]] || fail "'$*' exited $got, expected $want; stderr: $(head -c 2000 "$WORK/err")"
}

# Counts lines of all NDJSON files in a directory.
count_lines() { cat "$1"/*.ndjson 2>/dev/null | wc -l | tr -d ' '; }
