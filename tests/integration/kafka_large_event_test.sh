# An event larger than a Kafka log's records may be (the producer's message.max.bytes):
# the HTTP source answers 413 with what was refused, counts it, and the requests
# around it are stored as usual.
source "$(dirname "$0")/lib.sh"
PORT=$(free_port)
OBS=$(free_port)
start_kafka --topic ingest:1

cat > pipeline.yaml <<YAML
data_dir: $WORK/data
log:
  type: kafka
  brokers: $KAFKA_BOOTSTRAP
  group: large-events
  commit_interval: 100ms
  properties: {log_level: "2", message.max.bytes: "1000"}
observe:
  address: 127.0.0.1:$OBS
sources:
  ingest: {type: http, address: 127.0.0.1:$PORT}
sinks:
  out: {type: file, inputs: [ingest], path: out}
YAML
start_server
url="http://127.0.0.1:$PORT/v1/events"
post() { curl -sS -o "$1.body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @- "$url"; }

[[ $(echo '{"n":1}' | post small1) == 200 ]] || fail "a small event was refused: $(cat small1.body)"
big=$(printf '{"n":2,"pad":"%02000d"}' 0)
code=$(echo "$big" | post big)
[[ $code == 413 ]] || fail "an event over message.max.bytes got $code, not 413: $(cat big.body)"
grep -q "message.max.bytes" big.body || fail "the 413 does not say what was refused: $(cat big.body)"
[[ $(echo '{"n":3}' | post small2) == 200 ]] || fail "the event after the large one was refused: $(cat small2.body)"

for _ in $(seq 1 100); do
  [[ $(count_lines data/out) -ge 2 ]] && break
  sleep 0.1
done
errors=$(curl -fsS "http://127.0.0.1:$OBS/metrics" |
  awk '$1 ~ /^sluice_component_errors_total\{component="ingest"/ {print $2}')
[[ ${errors:-0} -ge 1 ]] || fail "the refused event is not counted as an error of ingest (${errors:-none})"
kill -TERM "$server"
wait "$server" || fail "the pipeline did not stop cleanly: $(tail -5 server.log)"
[[ $(cat data/out/*.ndjson | jq -c '.n' | sort | tr '\n' ' ') == "1 3 " ]] ||
  fail "the sink holds $(cat data/out/*.ndjson | jq -c '.n' | tr '\n' ' '), not events 1 and 3"
pass "an event over the Kafka log's message.max.bytes answered 413; the events around it stored"
