# Several instances of one pipeline on the Kafka brokers of start_kafka, for the
# scale-out tests (sourced after lib.sh): instance I has its own data_dir ($WORK/dataI), HTTP port
# ${port[I]}, observe port ${obs[I]} and pid ${pid[I]}; all are killed when the test ends.
declare -a port obs pid
stop_instances() {
  for p in "${pid[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  cleanup_work
}
trap stop_instances EXIT

# instance_header I GROUP COMMIT_INTERVAL [LOG_SETTING]: the start of instance I's pipeline
# file (its data_dir, a Kafka log of GROUP that notices a dead instance in 6 s, its observe
# port); LOG_SETTING, `name: value`, is one more setting of its log.
instance_header() {
  port[$1]=$(free_port)
  obs[$1]=$(free_port)
  cat <<YAML
data_dir: $WORK/data$1
log:
  type: kafka
  brokers: $KAFKA_BOOTSTRAP
  group: $2
  commit_interval: $3
  request_timeout: 2s
  handover_timeout: 5s
${4:+  $4
}  properties: {log_level: "2", session.timeout.ms: "6000", heartbeat.interval.ms: "500"}
observe:
  address: 127.0.0.1:${obs[$1]}
YAML
}

# start_instance I: runs pipelineI.yaml (logging to serverI.log) until its HTTP port listens.
start_instance() {
  "$SLUICE" run "pipeline$1.yaml" --summary-interval 0s >>"server$1.log" 2>&1 &
  pid[$1]=$!
  wait_for_port "${port[$1]}" "${pid[$1]}" "server$1.log"
}

# owned I TOPIC: how many partitions of TOPIC instance I reads now (its /metrics).
owned() {
  curl -fsS "http://127.0.0.1:${obs[$1]}/metrics" 2>/dev/null |
    awk -v series="sluice_group_partitions_owned{topic=\"$2\"}" '$1 == series {print $2}'
}

# minute_windows_yaml LATENESS: the transforms and sinks of the window tests: one-minute
# windows of the source "events" per service (count, sum, min, max of .bytes) with
# LATENESS allowed, written to the file sinks "minutes" and "late".
minute_windows_yaml() {
  cat <<YAML
transforms:
  per_minute:
    type: window
    inputs: [events]
    size: 1m
    allowed_lateness: $1
    key_fields: [service]
    aggregates:
      n: count()
      bytes: sum(.bytes)
      low: min(.bytes)
      high: max(.bytes)
sinks:
  minutes: {type: file, inputs: [per_minute], path: minutes}
  late: {type: file, inputs: [per_minute.late], path: late}
YAML
}

# events_source_yaml I PARTITIONS [SETTING]: the HTTP source "events" of instance I for the
# window tests (event time in .ts, epoch milliseconds); SETTING, `name: value`, one more.
events_source_yaml() {
  cat <<YAML
sources:
  events:
    type: http
    address: 127.0.0.1:${port[$1]}
    partitions: $2
    time_field: ts
    time_format: unix_ms
YAML
  if [[ -n ${3:-} ]]; then echo "    $3"; fi
}

# post_ndjson FILE I: posts FILE to instance I's source; anything but 200 fails the test.
post_ndjson() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary "@$1" -H 'Content-Type: application/x-ndjson' \
    "http://127.0.0.1:${port[$2]}/v1/events")
  [[ $code == 200 ]] || fail "posting $1 to instance $2 answered $code"
}

# window_test_data SEED EVENTS CHUNK: events.ndjson and expected_tumbling.txt from
# window_events.py, its events but the last in files chunk.* of CHUNK lines, and
# end.ndjson: one event per service at the last event's time (ids -2, -3, ...). Event time advances per
# partition of the repartition topic, so these close every service's windows wherever
# it lives; they go last, once everything before them is in the repartition topic
# (chunks posted to different instances reach it in any order, within the lateness).
window_test_data() {
  python3 "$SLUICE_SOURCE_DIR/tests/integration/window_events.py" "$1" "$2" 40
  local last_ts s id=-2
  last_ts=$(tail -1 events.ndjson | jq .ts)
  for s in gateway users orders payments search catalog; do
    echo "{\"id\": $((id--)), \"service\": \"$s\", \"ts\": $last_ts, \"bytes\": 0}"
  done >end.ndjson
  head -n -1 events.ndjson | split -l "$3" - chunk.
}

# distinct_windows: how many (service, window) the instances' "minutes" sinks wrote.
distinct_windows() {
  cat "$WORK"/data*/minutes/*.ndjson 2>/dev/null | jq -r '[.service, .window_start] | join(" ")' | sort -u | wc -l
}

# check_minute_windows WHAT: the windows all instances wrote are those of
# expected_tumbling.txt, each with one value (a window emitted again around WHAT must
# be identical), none late; sets `reemitted` to the identical re-emissions.
check_minute_windows() {
  cat "$WORK"/data*/minutes/*.ndjson | sort >all.txt
  sort -u all.txt >windows.txt
  local conflicting
  conflicting=$(windows_with_two_values windows.txt)
  [[ -z $conflicting ]] || fail "windows emitted with different values around $1: $conflicting"
  [[ $(cat "$WORK"/data*/late/*.ndjson 2>/dev/null | wc -l) -eq 0 ]] || fail "events were counted as late"
  check_expected_windows windows.txt expected_tumbling.txt n bytes low high
  reemitted=$(($(wc -l <all.txt) - $(wc -l <windows.txt)))
}
