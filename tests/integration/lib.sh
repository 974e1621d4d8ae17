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

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for_port PORT [PID [LOG]]: waits up to 10 s until something accepts connections
# on PORT; fails at once, showing LOG, if the process PID has exited meanwhile.
wait_for_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    if [[ -n ${2:-} ]] && ! kill -0 "$2" 2>/dev/null; then
      fail "the server exited before listening on port $1: $(tail -5 "${3:-/dev/null}" 2>/dev/null)"
    fi
    sleep 0.05
  done
  fail "nothing listens on port $1 after 10 s"
}

# duckdb SQL...: runs SQL in DuckDB (tools/, installed by scripts/setup), one JSON
# object per result row. DuckDB is the independent reader of sluice's Parquet files;
# without it the test fails, it does not skip.
duckdb() {
  [[ -d $SLUICE_SOURCE_DIR/tools/node_modules/@duckdb/node-api ]] ||
    fail "DuckDB is not installed in tools/node_modules: run scripts/setup"
  node "$SLUICE_SOURCE_DIR/tools/duckdb-query.mjs" "$@"
}
