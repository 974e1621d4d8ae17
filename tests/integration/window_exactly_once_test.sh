# Exactly-once window aggregates across kill -9.
#
# A fixed data set (six services, two hours of event time, in time order per
# service) is ingested once into the log. Then the same window pipeline (a 1-minute
# tumbling and a 5-minute hopping window keyed by service) reads it twice under
# different consumer groups: once without interruption, once killed with SIGKILL at
# random moments KILLS times (default 5) and restarted. Both must emit exactly the
# same windows with the same values (a window replayed after a crash may be emitted
# again, identical), and the counts and sums must equal an independent computation.
source "$(dirname "$0")/lib.sh"
KILLS=${KILLS:-5}

python3 "$SLUICE_SOURCE_DIR/tests/integration/window_events.py" 7 600000 24
split -l 5000 events.ndjson chunk.

# The source as every run defines it (its topic must not change); each run listens on
# a port picked just before it starts, so a port taken meanwhile by another test
# cannot stop it.
source_yaml() {
  echo "  events:
    type: http
    address: 127.0.0.1:$1
    partitions: 2
    key_fields: [service]
    time_field: ts
    time_format: unix_ms"
}

PORT=$(free_port)
cat > fill.yaml <<YAML
data_dir: $WORK/data
sources:
$(source_yaml "$PORT")
sinks:
  nowhere: {type: blackhole, inputs: [events]}
YAML

"$SLUICE" run fill.yaml >fill.log 2>&1 &
server=$!
wait_for_port "$PORT" "$server" fill.log
for chunk in chunk.*; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary "@$chunk" -H 'Content-Type: application/x-ndjson' \
    "http://127.0.0.1:$PORT/v1/events")
  [[ $code == 200 ]] || fail "ingesting $chunk answered $code"
done
kill -TERM "$server"
wait "$server" || fail "the fill run did not stop cleanly: $(tail -3 fill.log)"

# The window pipeline, per consumer group (its output goes to out_<group>).
write_pipeline() {
  local port
  port=$(free_port)
  cat > "win_$1.yaml" <<YAML
data_dir: $WORK/data
log:
  group: $1
  commit_interval: 20ms
  read_batch: 4KiB
sources:
$(source_yaml "$port")
transforms:
  per_minute:
    type: window
    inputs: [events]
    size: 1m
    allowed_lateness: 0s
    idle_timeout: 1s
    key_fields: [service]
    aggregates:
      n: count()
      bytes: sum(.bytes)
      low: min(.bytes)
      high: max(.bytes)
      p99_ms: p99(.latency_ms)
      users: distinct(.user)
      mean_ms: avg(.latency_ms)
      sd_ms: stddev(.latency_ms)
      first_id: first(.id)
      last_id: last(.id)
  per_5_minutes:
    type: window
    inputs: [events]
    window: hopping
    size: 5m
    slide: 1m
    allowed_lateness: 0s
    idle_timeout: 1s
    key_fields: [service]
    aggregates:
      n: count()
      bytes: sum(.bytes)
      p50_ms: p50(.latency_ms)
sinks:
  minutes: {type: file, inputs: [per_minute], path: out_$1/minutes}
  hops: {type: file, inputs: [per_5_minutes], path: out_$1/hops}
  late: {type: file, inputs: [per_minute.late, per_5_minutes.late], path: out_$1/late}
YAML
}

want_minutes=$(wc -l <expected_tumbling.txt)
want_hops=$(wc -l <expected_hopping.txt)
distinct_windows() { cat "$1"/*.ndjson 2>/dev/null | jq -r '[.service, .window_start] | join(" ")' | sort -u | wc -l; }

# Waits (bounded) until every expected window of group $1 was written, then stops it.
finish_group() {
  local group=$1 i
  for i in $(seq 1 600); do
    [[ $(distinct_windows "data/out_$group/minutes") -ge $want_minutes &&
       $(distinct_windows "data/out_$group/hops") -ge $want_hops ]] && break
    kill -0 "$server" 2>/dev/null || fail "group $group: sluice exited: $(tail -5 "$group.log")"
    sleep 0.1
  done
  kill -TERM "$server"
  wait "$server" || fail "group $group did not stop cleanly: $(tail -5 "$group.log")"
}

start_group() {
  write_pipeline "$1"
  "$SLUICE" run "win_$1.yaml" --summary-interval 0s >>"$1.log" 2>&1 &
  server=$!
}

start_group reference
finish_group reference

committed() { "$SLUICE" log offsets --data-dir data | awk -v g="$1" '$1 == g {s += $4} END {print s + 0}'; }
total=$(wc -l <events.ndjson)
progress=""
for i in $(seq 1 "$KILLS"); do
  # The whole stream takes a few hundred milliseconds to process: kill within that.
  start_group crashed
  sleep "0.$(printf %03d $((40 + RANDOM % 300)))"
  kill -9 "$server"
  wait "$server" 2>/dev/null || true
  progress+=" $(committed crashed)"
done
resumed=$(grep -c "resumed 2 stateful" crashed.log || true)
start_group crashed
finish_group crashed

for kind in minutes hops; do
  cat data/out_reference/$kind/*.ndjson | sort >ref_$kind.txt
  cat data/out_crashed/$kind/*.ndjson | sort >crash_all_$kind.txt
  sort -u crash_all_$kind.txt >crash_$kind.txt
  # Two different lines for one window would be a double count or a lost event.
  conflicting=$(windows_with_two_values crash_$kind.txt)
  [[ -z $conflicting ]] || fail "$kind: windows emitted with different values after crashes: $conflicting"
  [[ $(sort -u ref_$kind.txt | wc -l) -eq $(wc -l <ref_$kind.txt) ]] || fail "$kind: the uninterrupted run repeated a window"
  diff -q ref_$kind.txt crash_$kind.txt >/dev/null ||
    fail "$kind: the crashed run differs from the uninterrupted one: $(diff ref_$kind.txt crash_$kind.txt | head -4)"
done
[[ $(cat data/out_crashed/late/*.ndjson data/out_reference/late/*.ndjson 2>/dev/null | wc -l) -eq 0 ]] ||
  fail "events were counted as late in an in-order data set"

# Against the independent computation: counts, sums, minimum and maximum per window.
check_expected_windows ref_minutes.txt expected_tumbling.txt n bytes low high
check_expected_windows ref_hops.txt expected_hopping.txt n bytes

replayed=$(($(wc -l <crash_all_minutes.txt) - $(wc -l <crash_minutes.txt)))
pass "$KILLS kills (committed offsets at each:$progress of $total; $resumed restarts resumed from a checkpoint): $want_minutes one-minute and $want_hops hopping windows equal the uninterrupted run and the expected values; $replayed identical re-emissions"
