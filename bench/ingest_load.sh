#!/usr/bin/env bash
# End-to-end ingest load run: `sluice gen` → HTTP ingest (JSON arrays of 1000
# events) → log (fsync: interval) → blackhole, load generator on the same machine.
#   1. as fast as it goes: events/s, acknowledgement latency, server CPU, peak RSS;
#   2. at half that rate: acknowledgement latency p50/p99.
#   bench/ingest_load.sh [EVENTS]   (default 3000000; build with scripts/build release first)
#   PRERENDER=64 bench/ingest_load.sh …: the generator sends 64 batches rendered before
#   the run in turn (`sluice gen --prerender`), so its CPU hardly competes with the server.
set -euo pipefail
cd "$(dirname "$0")/.."
SLUICE=${SLUICE:-$PWD/build/release/sluice}
EVENTS=${1:-3000000}
WORK=$(mktemp -d /tmp/sluice-load-XXXXXX)
trap 'kill -9 ${server:-0} 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$WORK/load.yaml" <<YAML
data_dir: $WORK/data
sources:
  ingest: {type: http, address: 127.0.0.1:$PORT, fsync: interval, fsync_interval: 50ms, threads: ${THREADS:-4}, partitions: ${PARTITIONS:-1}}
sinks:
  out: {type: blackhole, inputs: [ingest]}
YAML

cpu_seconds() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }

run_phase() {
  local label=$1 rate=$2
  "$SLUICE" run "$WORK/load.yaml" --summary-interval 0s >"$WORK/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
  local cpu_before
  cpu_before=$(cpu_seconds "$server")
  "$SLUICE" gen --url "http://127.0.0.1:$PORT/v1/events" -n "$EVENTS" --batch-size 1000 -c 4 --rate "$rate" \
    --prerender "${PRERENDER:-0}" \
    >"$WORK/gen.out" 2>&1
  local cpu_after rss
  cpu_after=$(cpu_seconds "$server")
  rss=$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$server/status")
  kill -TERM "$server"
  wait "$server"
  rm -rf "$WORK/data"
  echo "== $label (rate ${rate}: 0 = unlimited)"
  cat "$WORK/gen.out"
  awk -v b="$cpu_before" -v a="$cpu_after" -v r="$rss" 'BEGIN {printf "server: %.2f CPU-seconds, peak RSS %.0f MiB\n", a - b, r}'
}

run_phase "maximum rate" 0
max_rate=$(awk '/events\/s/ {print int($(NF-1))}' "$WORK/gen.out")
run_phase "half of the maximum rate" $((max_rate / 2))
