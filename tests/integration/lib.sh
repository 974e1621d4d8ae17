# Shared helpers for integration tests (sourced). Each test runs in its own temp dir
# and fails loudly: `fail MESSAGE` exits non-zero with the message.
set -euo pipefail
: "${SLUICE:?SLUICE must point at the sluice binary}"
: "${SLUICE_SOURCE_DIR:?SLUICE_SOURCE_DIR must point at the source tree}"
WORK=$(mktemp -d /tmp/sluice-it-XXXXXX)
# A test that fails while its pipeline runs must not leave it running: the server
# (see start_server) and the collector (start_collector) are killed with the work
# directory.
cleanup_work() {
  if [[ -n ${server:-} ]]; then kill -9 "$server" 2>/dev/null || true; fi
  if [[ -n ${collector:-} ]]; then kill -9 "$collector" 2>/dev/null || true; fi
  if [[ -n ${kafka:-} ]]; then { kill -9 "$kafka" && wait "$kafka"; } 2>/dev/null || true; fi
  if [[ -n ${SLUICE_KEEP_WORK:-} ]]; then
    echo "kept $WORK" >&2  # for a look at the logs of a failed test
  else
    rm -rf "$WORK"
  fi
}
trap cleanup_work EXIT
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

# start_server [PIPELINE]: runs `sluice run` (default pipeline.yaml) in the background,
# appending to server.log, and waits until it listens on $PORT. Sets $server.
start_server() {
  "$SLUICE" run "${1:-pipeline.yaml}" --summary-interval 0s >>server.log 2>&1 &
  server=$!
  wait_for_port "$PORT" "$server" server.log
}

# kill_loop KILLS MIN_TENTHS SPREAD_TENTHS: KILLS times, after a random pause of
# MIN_TENTHS to MIN_TENTHS + SPREAD_TENTHS - 1 tenths of a second, kills the server
# with SIGKILL and starts it again.
kill_loop() {
  for _ in $(seq 1 "$1"); do
    sleep "0.$((RANDOM % $3 + $2))"
    kill -9 "$server"
    wait "$server" 2>/dev/null || true
    start_server
  done
}

# wait_caught_up [PARTITIONS]: waits up to 30 s until the pipeline's committed offsets
# reach the end of every partition of the data_dir's log (and, with PARTITIONS, that
# many partitions exist); fails otherwise. LOG_FLAGS (default --data-dir data) says
# which log: `-c pipeline.yaml` for a pipeline on Kafka.
wait_caught_up() {
  local lag=-1 parts=0 flags=(${LOG_FLAGS:---data-dir data})
  for _ in $(seq 1 300); do
    lag=$("$SLUICE" log offsets "${flags[@]}" | awk 'NR > 1 {s += $6} END {print s + 0}')
    parts=$("$SLUICE" log offsets "${flags[@]}" | awk 'NR > 1' | wc -l)
    [[ $lag -eq 0 && $parts -ge ${1:-0} ]] && return 0
    sleep 0.1
  done
  fail "the pipeline did not catch up: lag $lag over $parts partitions"
}

# check_acknowledged_written FILES...: every event `sluice gen --ack-log acks.txt` got
# a 200 for is among the NDJSON lines of FILES (by .id), and every line is whole JSON;
# fails otherwise. Sets $acked and $duplicates (lines written more than once).
check_acknowledged_written() {
  acked=$(awk '{n += $2 - $1 + 1} END {print n + 0}' acks.txt)
  [[ $acked -gt 1000 ]] || fail "too few acknowledged events ($acked); gen: $(cat gen.err)"
  cat "$@" | jq -c '.id' >ids.txt || fail "a corrupted line in the sink output"
  awk '{for (i = $1; i <= $2; i++) print i}' acks.txt | LC_ALL=C sort >acked_ids.txt
  LC_ALL=C sort -u ids.txt >written_ids.txt
  local missing
  missing=$(LC_ALL=C comm -23 acked_ids.txt written_ids.txt | wc -l)
  duplicates=$(($(wc -l <ids.txt) - $(wc -l <written_ids.txt)))
  [[ $missing -eq 0 ]] || fail "$missing acknowledged events are missing, e.g. $(LC_ALL=C comm -23 acked_ids.txt written_ids.txt | head -3 | tr '\n' ' ')"
}

# mount_tmpfs DIR SIZE: a tmpfs of SIZE (e.g. 4m) on $WORK/DIR, unmounted when the test
# ends (the trap also kills $server). Needs root, as CI runs; fails loudly otherwise.
mount_tmpfs() {
  [[ $(id -u) -eq 0 ]] || fail "this test mounts a tmpfs and must run as root"
  mkdir -p "$WORK/$1"
  mount -t tmpfs -o "size=$2" tmpfs "$WORK/$1" || fail "cannot mount a tmpfs on $WORK/$1"
  TMPFS_MOUNTS+=("$WORK/$1")
  trap cleanup_mounts EXIT
}
TMPFS_MOUNTS=()
cleanup_mounts() {
  if [[ -n ${server:-} ]]; then kill -9 "$server" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  for m in "${TMPFS_MOUNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -rf "$WORK"
}

# make_cert NAME: a self-signed certificate for 127.0.0.1, NAME.pem and NAME.key.
make_cert() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1 || fail "openssl cannot make a test certificate"
}

# start_collector [CERT KEY]: the stand-in OpenTelemetry collector (otlp_receiver.py)
# on a free port (HTTPS with CERT and KEY), every span it receives a line of
# spans.jsonl; while the file collector.down exists it answers 503. Sets $collector
# (its pid) and $COLLECTOR (its port); it stops by itself after 120 s.
start_collector() {
  python3 "$SLUICE_SOURCE_DIR/tests/integration/otlp_receiver.py" collector.port spans.jsonl collector.down 120 "$@" &
  collector=$!
  for _ in $(seq 1 100); do [[ -s collector.port ]] && break; sleep 0.05; done
  [[ -s collector.port ]] || fail "the stand-in collector did not start"
  COLLECTOR=$(cat collector.port)
}

# start_kafka [--topic NAME:PARTITIONS]...: Kafka brokers on loopback (librdkafka's mock
# cluster, tests/support/kafka_mock_main.cpp) for the rest of the test. Sets $kafka and
# $KAFKA_BOOTSTRAP; kafka_command LINE sends it a command (topic, down, up, fail, leader).
start_kafka() {
  : "${KAFKA_MOCK:?KAFKA_MOCK must point at the kafka_mock_cluster helper}"
  mkfifo "$WORK/kafka.ctl"
  exec 7<>"$WORK/kafka.ctl"  # read-write: the helper never sees the end of its input
  "$KAFKA_MOCK" --bootstrap-file "$WORK/kafka.bootstrap" "$@" <&7 >>"$WORK/kafka.log" 2>&1 &
  kafka=$!
  for _ in $(seq 1 100); do
    [[ -s $WORK/kafka.bootstrap ]] && break
    kill -0 "$kafka" 2>/dev/null || fail "the Kafka mock cluster did not start: $(tail -5 "$WORK/kafka.log")"
    sleep 0.05
  done
  KAFKA_BOOTSTRAP=$(cat "$WORK/kafka.bootstrap") || fail "the Kafka mock cluster printed no address"
}
kafka_command() {
  local before
  before=$(grep -c -E '^(ok|error)' "$WORK/kafka.log" || true)
  echo "$1" >&7
  for _ in $(seq 1 100); do
    [[ $(grep -c -E '^(ok|error)' "$WORK/kafka.log" || true) -gt $before ]] && break
    sleep 0.05
  done
  local answer
  answer=$(grep -E '^(ok|error)' "$WORK/kafka.log" | tail -1)
  [[ $answer == ok ]] || fail "kafka mock: '$1': ${answer:-no answer}"
}

# windows_with_two_values FILE: up to three windows (service and start) that appear in
# FILE's distinct lines with different values — a double count or a lost event.
windows_with_two_values() { jq -r '[.service, .window_start] | join(" ")' "$1" | sort | uniq -d | head -3; }

# check_expected_windows FILE EXPECTED FIELD...: the windows in FILE (JSON lines) hold,
# field by field, the values that EXPECTED (written by window_events.py) gives them;
# fails otherwise, naming the first differences.
check_expected_windows() {
  local file=$1 expected=$2 program='"\(.service) \(.window_start | sub("Z$"; "") | strptime("%Y-%m-%dT%H:%M:%S") | mktime * 1000000)'
  shift 2
  for field in "$@"; do program+=" \\(.$field)"; done
  jq -r "$program\"" "$file" | sort >"$file.got"
  sort "$expected" >"$file.want"
  diff -q "$file.want" "$file.got" >/dev/null ||
    fail "the windows of $file differ from $expected: $(diff "$file.want" "$file.got" | head -4)"
}
