#!/usr/bin/env bash
# What observability costs: HTTP ingest end to end (as bench/ingest_load.sh, as fast
# as it goes) with everything off, against everything on: the admin API scraped every
# second (/metrics and /api/v1/components — far more often than Prometheus' usual
# 15 s), the metrics history every 10 s, and traces of TRACE_SAMPLING (default 0.01)
# of the requests exported to a collector (tests/integration/otlp_receiver.py).
# Runs alternate, ROUNDS pairs (default 5), so drift on a shared machine hits both.
#   bench/observe_overhead.sh [EVENTS] [ROUNDS]
# BASELINE=path/to/sluice runs the "off" side with another binary (e.g. a build
# from before the instrumentation), to include the cost of the counters and
# histograms themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
SLUICE=${SLUICE:-$PWD/build/release/sluice}
BASELINE=${BASELINE:-$SLUICE}
EVENTS=${1:-1500000}
ROUNDS=${2:-5}
TRACE_SAMPLING=${TRACE_SAMPLING:-0.01}
WORK=$(mktemp -d /tmp/sluice-overhead-XXXXXX)
trap 'kill -9 ${server:-0} ${scraper:-0} ${collector:-0} 2>/dev/null; rm -rf "$WORK"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
python3 tests/integration/otlp_receiver.py "$WORK/collector.port" "$WORK/spans.jsonl" "$WORK/down" 3600 &
collector=$!
for _ in $(seq 1 100); do [[ -s $WORK/collector.port ]] && break; sleep 0.05; done
COLLECTOR=$(cat "$WORK/collector.port")

# run BINARY ADMIN(on|off): prints events/s achieved by the load generator.
run() {
  local port admin observe=""
  port=$(free_port)
  admin=$(free_port)
  # Off is off: no history either (a build from before it knows no such option).
  "$1" components --markdown | grep -q history_interval && observe="observe: {history_interval: 0s}"
  [[ $2 == on ]] && observe="observe: {address: 127.0.0.1:$admin, history_interval: 10s,
    trace_endpoint: http://127.0.0.1:$COLLECTOR/v1/traces, trace_sampling: $TRACE_SAMPLING}"
  cat >"$WORK/load.yaml" <<YAML
data_dir: $WORK/data
$observe
sources:
  ingest: {type: http, address: 127.0.0.1:$port, fsync: interval, fsync_interval: 50ms, threads: 4}
sinks:
  out: {type: blackhole, inputs: [ingest]}
YAML
  "$1" run "$WORK/load.yaml" --summary-interval 0s >"$WORK/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
  scraper=0
  if [[ $2 == on ]]; then
    (while sleep 1; do
      curl -s -o /dev/null "http://127.0.0.1:$admin/metrics"
      curl -s -o /dev/null "http://127.0.0.1:$admin/api/v1/components"
    done) &
    scraper=$!
  fi
  "$1" gen --url "http://127.0.0.1:$port/v1/events" -n "$EVENTS" --batch-size 1000 -c 4 >"$WORK/gen.out" 2>&1
  [[ $scraper != 0 ]] && kill "$scraper" && wait "$scraper" 2>/dev/null || true
  kill -TERM "$server"
  wait "$server"
  rm -rf "$WORK/data"
  awk '/events\/s/ {print int($(NF-1))}' "$WORK/gen.out"
}

off=() on=()
for r in $(seq 1 "$ROUNDS"); do
  off+=("$(run "$BASELINE" off)")
  on+=("$(run "$SLUICE" on)")
  echo "round $r: off ${off[-1]} events/s, on ${on[-1]} events/s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
m_off=$(median "${off[@]}")
m_on=$(median "${on[@]}")
awk -v a="$m_off" -v b="$m_on" 'BEGIN {printf "median: off %d events/s, on %d events/s, ratio on/off %.3f\n", a, b, b / a}'
echo "spans the collector received: $(wc -l <"$WORK/spans.jsonl" 2>/dev/null || echo 0)"
