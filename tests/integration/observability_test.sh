# The admin API of a running pipeline, checked against what was actually sent:
# /metrics passes `promtool check metrics` and its counters equal the events and
# requests sent; /api/v1/components agrees; /ready turns 503 while a sink cannot
# write (its disk is full) and 200 again once it can, with nothing lost; the
# process's own log is JSON when asked and a failing sink does not flood it; the
# metrics history in data_dir sums to the same counts and saw the sink fail.
source "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || fail "promtool is missing: run scripts/setup (Debian package prometheus)"
mount_tmpfs lake 4m

PORT=$(free_port)
ADMIN=$(free_port)
cat >pipeline.yaml <<YAML
data_dir: $WORK/data
observe:
  address: 127.0.0.1:$ADMIN
  log_format: json
  history_interval: 500ms
sources:
  api: {type: http, address: 127.0.0.1:$PORT}
transforms:
  ok:
    type: filter
    inputs: [api]
    condition: '.status < 500'
sinks:
  lake:
    type: parquet
    inputs: [ok]
    path: $WORK/lake
    partition_by: []
    max_file_size: 256KiB
    max_file_age: 200ms
  errors:
    type: blackhole
    inputs: [ok.dead_letter]
YAML
"$SLUICE" run pipeline.yaml --summary-interval 0s >server.log 2>&1 &
server=$!
wait_for_port "$PORT" "$server" server.log
wait_for_port "$ADMIN" "$server" server.log

# post N_REQUESTS EVENTS_PER_REQUEST: NDJSON bodies, 1 event in 10 with status 500.
post() {
  for r in $(seq 1 "$1"); do
    python3 -c "
import json, sys
for i in range($2):
    print(json.dumps({'request': $r, 'i': i, 'status': 500 if i % 10 == 0 else 200, 'pad': 'x' * 40}))
" >body.ndjson
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-ndjson' \
      --data-binary @body.ndjson "http://127.0.0.1:$PORT/v1/events")
    [[ $code == 200 ]] || fail "request $r answered $code"
    SENT_BYTES=$((SENT_BYTES + $(wc -c <body.ndjson)))
  done
}
SENT_BYTES=0
metric() {  # metric SERIES: the value of one exact series on /metrics (empty when absent)
  curl -s "http://127.0.0.1:$ADMIN/metrics" | awk -v s="$1" 'index($0, s " ") == 1 {print $2}'
}
component() {  # component NAME FIELD: a field of a component in /api/v1/components
  curl -s "http://127.0.0.1:$ADMIN/api/v1/components" | jq -r --arg n "$1" ".components[] | select(.name == \$n) | .$2"
}
wait_metric() {  # wait_metric SERIES VALUE: up to 20 s
  local got=
  for _ in $(seq 1 200); do
    got=$(metric "$1")
    [[ $got == "$2" ]] && return 0
    sleep 0.1
  done
  fail "$1 is '$got', expected $2"
}

post 20 50
for _ in 1 2; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"broken' \
    "http://127.0.0.1:$PORT/v1/events")
  [[ $code == 400 ]] || fail "a malformed body answered $code"
done
labels_api='component="api",kind="source",type="http"'
labels_ok='component="ok",kind="transform",type="filter"'
labels_lake='component="lake",kind="sink",type="parquet"'
wait_metric "sluice_component_events_out_total{$labels_lake}" 900
wait_metric "sluice_delivery_latency_seconds_count{topic=\"api\"}" 1000
wait_metric "sluice_log_backlog_records{group=\"sluice\",topic=\"api\",partition=\"0\"}" 0

curl -s "http://127.0.0.1:$ADMIN/metrics" >metrics.txt
promtool check metrics <metrics.txt || fail "promtool rejects /metrics: $(promtool check metrics <metrics.txt 2>&1 | head -5)"
pass "/metrics passes promtool check metrics ($(grep -c '^# TYPE' metrics.txt) families)"

expect() { [[ $(metric "$1") == "$2" ]] || fail "$1 is '$(metric "$1")', expected $2"; }
expect "sluice_component_events_out_total{$labels_api}" 1000
expect "sluice_component_events_in_total{$labels_ok}" 1000
expect "sluice_component_events_out_total{$labels_ok}" 900
expect "sluice_component_dead_lettered_total{$labels_ok}" 0
expect 'sluice_http_responses_total{server="api",code="2xx"}' 20
expect 'sluice_http_responses_total{server="api",code="4xx"}' 2
expect 'sluice_http_request_duration_seconds_count{server="api"}' 22
expect "sluice_sink_up{$labels_lake}" 1
expect 'sluice_log_end_offset{topic="api",partition="0"}' 1000
expect "sluice_component_bytes_in_total{$labels_api}" "$((SENT_BYTES + 2 * 8))"
pass "counters equal what was sent: 1000 events in 20 requests, 2 requests rejected, 100 events filtered out"

[[ $(component ok events_out) == 900 && $(component lake healthy) == true ]] ||
  fail "/api/v1/components disagrees: $(curl -s "http://127.0.0.1:$ADMIN/api/v1/components" | head -c 600)"
edges=$(curl -s "http://127.0.0.1:$ADMIN/api/v1/components" | jq -c '[.edges[] | "\(.from).\(.port)>\(.to)"]')
[[ $edges == '["api.>ok","ok.>lake","ok.dead_letter>errors"]' ]] || fail "graph edges are $edges"
[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/ready") == 200 ]] || fail "/ready is not 200"
[[ $(curl -s "http://127.0.0.1:$ADMIN/health" | jq -r .status) == ok ]] || fail "/health is not ok"
pass "/api/v1/components matches, with the graph; /ready and /health are 200"

"$SLUICE" top -c pipeline.yaml --once --interval 500ms >top.txt || fail "sluice top failed"
grep -Eq '^lake +sink +parquet .* ok$' top.txt || fail "sluice top does not show the healthy lake: $(cat top.txt)"
grep -Eq '^sluice/api +0 ' top.txt || fail "sluice top does not show the backlog: $(cat top.txt)"
pass "sluice top shows every component, the backlog and delivery latency"

# The lake's disk fills: the sink fails and retries, the pipeline is not ready.
head -c 4194304 /dev/zero >lake/filler 2>/dev/null || true
post 40 500
ready=
for _ in $(seq 1 200); do
  ready=$(curl -s -o ready.json -w '%{http_code}' "http://127.0.0.1:$ADMIN/ready")
  [[ $ready == 503 ]] && break
  sleep 0.1
done
[[ $ready == 503 ]] || fail "/ready stayed $ready with the lake's disk full"
jq -e '.checks.sinks.lake.ok == false and (.checks.sinks.lake.error | test("No space|space"))' ready.json >/dev/null ||
  fail "/ready does not name the failing sink: $(cat ready.json)"
expect "sluice_sink_up{$labels_lake}" 0
"$SLUICE" top -a "127.0.0.1:$ADMIN" --once --interval 200ms | grep -q 'FAILING .*No space' ||
  fail "sluice top does not show the failing sink"
sleep 3  # the sink keeps retrying: the log must not fill with the same warning
pass "disk full: /ready is 503 and names the sink ($(jq -r .checks.sinks.lake.error ready.json | head -c 80))"

rm lake/filler
wait_metric "sluice_component_events_out_total{$labels_lake}" $((900 + 40 * 450))
for _ in $(seq 1 200); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/ready") == 200 ]] && break
  sleep 0.1
done
[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/ready") == 200 ]] || fail "/ready did not recover"
pass "space freed: /ready is 200 again and the lake took every event"

kill -TERM "$server"
wait "$server" || fail "the pipeline did not stop cleanly: $(tail -5 server.log)"
server=
expect_exit 3 "$SLUICE" top -a "127.0.0.1:$ADMIN" --once
rows=$(duckdb "select count(*) as n from read_parquet('$WORK/lake/**/*.parquet')" | jq -r .n)
[[ $rows -eq $((900 + 40 * 450)) ]] || fail "the lake holds $rows rows, expected $((900 + 40 * 450))"

# The metrics history: per-interval rows that sum to what was sent, the failure included.
history() { "$SLUICE" query -c pipeline.yaml -f csv "$1" | tail -n +2 | tr -d "\r"; }  # CSV lines end in CRLF
[[ $(history "select sum(events_out) from metrics.component_metrics where component = 'api'") == 21000 ]] ||
  fail "history: the source's events sum to $(history "select sum(events_out) from component_metrics where component = 'api'")"
[[ $(history "select sum(events_out) from component_metrics where component = 'lake'") == $((900 + 40 * 450)) ]] ||
  fail "history: the lake's events do not sum to what it wrote"
[[ $(history "select count(*) from component_metrics where component = 'lake' and healthy = 0 and errors > 0") -ge 1 ]] ||
  fail "history: no interval shows the lake failing"
# Every 500 ms, and one last, shorter record when the pipeline stopped.
[[ $(history "select min(interval_s) > 0.3 and max(interval_s) < 5 from pipeline_metrics
              where time < (select max(time) from pipeline_metrics)") == 1 ]] ||
  fail "history: intervals are not about 500ms: $(history "select group_concat(interval_s) from pipeline_metrics")"
[[ $(history "select sum(delivered) from pipeline_metrics") == 21000 ]] ||
  fail "history: $(history "select sum(delivered) from pipeline_metrics") events delivered, expected 21000"
pass "metrics history: $(history "select count(*) from pipeline_metrics") records summing to every event and showing the failure"

# Every line of sluice's own log is a JSON object; the failing sink's warnings were held back.
while IFS= read -r line; do
  jq -e 'has("time") and has("level") and has("message")' <<<"$line" >/dev/null || fail "not a JSON log line: $line"
done <server.log
failures=$(grep -c 'write failed\|flush failed\|close failed' server.log || true)
[[ $failures -le 6 ]] || fail "$failures failure lines in 3+ s of a failing sink: the log was flooded"
pass "the log is JSON, $(wc -l <server.log) lines; $failures lines for the failing sink"
