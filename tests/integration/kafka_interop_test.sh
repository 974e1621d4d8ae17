# Kafka in and out, checked by an outside client: kcat produces JSON messages (with
# keys, headers and a few that are not JSON) to a topic; a pipeline consumes it with
# the kafka source, writes a file and produces to a second topic with the kafka
# sink; kcat reads that topic back. The pipeline is killed with SIGKILL mid-way and
# restarted: every message must arrive in both outputs, bad ones counted and
# skipped, keys and headers as configured. Then, on a pipeline whose log is Kafka:
# the sources take the log's brokers, ndjson and raw values, start: earliest
# rereads after a restart while start: committed does not, a number as key, and a
# source that would consume its own log topic is refused.
source "$(dirname "$0")/lib.sh"
command -v kcat >/dev/null || fail "kcat is not installed: run scripts/setup"
N=20000
start_kafka --topic orders:3 --topic shipped:2

# N orders, keyed by customer.
python3 - "$N" >orders.txt <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(f"c{i % 50}|" + json.dumps({"id": i, "customer": f"c{i % 50}", "amount": i % 997 / 10}))
PY
# Half of them before the first run, the rest while it is down: the kill then always
# leaves part of the topic to the restarted run, however fast the first one reads.
produce_orders() {
  kcat -P -b "$KAFKA_BOOTSTRAP" -t orders -K '|' -H origin=kcat -l "$1" 2>kcat.err ||
    fail "kcat could not produce: $(cat kcat.err)"
}
head -n $((N / 2)) orders.txt >first_half.txt
tail -n +$((N / 2 + 1)) orders.txt >second_half.txt
produce_orders first_half.txt

PORT=$(free_port)
cat > pipeline.yaml <<YAML
data_dir: $WORK/data
log:
  commit_interval: 100ms
observe:
  address: 127.0.0.1:$PORT
sources:
  orders:
    type: kafka
    brokers: $KAFKA_BOOTSTRAP
    topics: [orders]
    group: interop
    metadata_field: ._kafka
    max_batch: 500
    instance_id: interop-1
    properties: {log_level: "3"}
sinks:
  copy: {type: file, inputs: [orders], path: copy}
  shipped:
    type: kafka
    inputs: [orders]
    brokers: $KAFKA_BOOTSTRAP
    topic: shipped
    key: .customer
    headers: {order: .id, origin: ._kafka.headers.origin}
    compression: zstd
    properties: {log_level: "3"}
YAML
expect_exit 0 "$SLUICE" validate pipeline.yaml

start_server
# Killed once it has taken part of the first half (or all of it), then restarted to finish.
for _ in $(seq 1 100); do
  [[ $(count_lines data/copy) -gt 2000 ]] && break
  sleep 0.05
done
kill -9 "$server"
wait "$server" 2>/dev/null || true
taken=$(count_lines data/copy)
[[ $taken -gt 0 ]] || fail "the pipeline took nothing before it was killed: $(tail -5 server.log)"
produce_orders second_half.txt
# Three values that are not JSON objects, after everything the first run could have committed.
printf '%s\n' 'bad|not json' 'bad|[1, 2]' 'bad|{"id": ' >bad.txt
kcat -P -b "$KAFKA_BOOTSTRAP" -t orders -K '|' -l bad.txt 2>kcat.err || fail "kcat could not produce: $(cat kcat.err)"
start_server
for _ in $(seq 1 300); do
  [[ $(cat data/copy/*.ndjson | jq -r '.id' | sort -u | wc -l) -ge $N ]] && grep -q '(skipped' server.log && break
  sleep 0.1
done
metrics=$(curl -fsS "http://127.0.0.1:$PORT/metrics")
kill -TERM "$server"
wait "$server" || fail "the pipeline did not stop cleanly: $(tail -5 server.log)"

# The file: every order once or more, with Kafka's metadata.
cat data/copy/*.ndjson | jq -r '.id' | LC_ALL=C sort -u >copied_ids.txt
[[ $(wc -l <copied_ids.txt) -eq $N ]] || fail "the file holds $(wc -l <copied_ids.txt) distinct orders of $N: $(grep -v '^%' server.log | tail -20)"
first=$(cat data/copy/*.ndjson | jq -c 'select(.id == 7) | ._kafka | {topic, key, headers}' | head -1)
[[ $first == '{"topic":"orders","key":"c7","headers":{"origin":"kcat"}}' ]] || fail "metadata of order 7: $first"
cat data/copy/*.ndjson | jq -e 'select(._kafka.offset == null or ._kafka.partition == null)' >/dev/null &&
  fail "an event without its partition or offset"
grep -q 'topic orders partition [0-9] offset [0-9]*: .*(skipped' server.log ||
  fail "no warning names the bad messages: $(grep -i skipped server.log | head -3)"
counter() { echo "$metrics" | awk -v name="$1" '$1 ~ "^" name "\\{.*component=\"orders\"" {print int($2)}'; }
[[ $(counter sluice_component_errors_total) -ge 3 ]] || fail "the bad messages were not counted: $(echo "$metrics" | grep '"orders"' | head -8)"
[[ $(($(counter sluice_component_events_in_total) - $(counter sluice_component_events_out_total))) -eq 3 ]] ||
  fail "messages in minus events out is not the 3 bad ones: $(echo "$metrics" | grep '"orders"' | head -8)"

# The second topic, read by kcat: every order, keyed by customer, with both headers.
kcat -C -b "$KAFKA_BOOTSTRAP" -t shipped -o beginning -e -q -f '%k|%h|%s\n' >shipped.txt 2>kcat.err ||
  fail "kcat could not consume: $(cat kcat.err)"
cut -d'|' -f3- shipped.txt | jq -r '.id' | LC_ALL=C sort -u >shipped_ids.txt
missing=$(LC_ALL=C comm -23 copied_ids.txt shipped_ids.txt | wc -l)
[[ $missing -eq 0 ]] || fail "$missing orders never reached the shipped topic"
line=$(grep '"id": *42,\|"id":42,' shipped.txt | head -1)
[[ $line == 'c42|order=42,origin=kcat|'* ]] || fail "key and headers of order 42: $line"
duplicates=$(($(wc -l <shipped.txt) - N))
pass "kcat → kafka source → file + kafka sink → kcat: $N orders through a kill -9; 3 bad messages skipped; $duplicates duplicates"

# On a Kafka log: brokers from the log, ndjson and raw values, start, a number as key.
for t in lines texts lines_in texts_in numbered; do kafka_command "topic $t 1"; done
# Ten messages of three NDJSON lines each, separated by '|' for kcat.
python3 -c '
import json, sys
sys.stdout.write("|".join("\n".join(json.dumps({"n": m * 3 + i}) for i in range(3)) for m in range(10)))' >lines.txt
kcat -P -b "$KAFKA_BOOTSTRAP" -t lines -D '|' -l lines.txt 2>>kcat.err || fail "kcat could not produce: $(cat kcat.err)"
printf '%s\n' 'GET /a 200' 'GET /b 404' 'POST /c 201' 'GET /d 200' 'GET /e 500' |
  kcat -P -b "$KAFKA_BOOTSTRAP" -t texts -l /dev/stdin 2>>kcat.err || fail "kcat could not produce: $(cat kcat.err)"
cat > on_kafka.yaml <<YAML
data_dir: $WORK/on_kafka
log:
  type: kafka
  brokers: $KAFKA_BOOTSTRAP
  commit_interval: 100ms
  properties: {log_level: "3"}
sources:
  lines_in: {type: kafka, topics: [lines], format: ndjson, start: earliest}
  texts_in: {type: kafka, topics: [texts], format: raw, raw_field: .text}
sinks:
  copy: {type: file, inputs: [lines_in, texts_in], path: copy}
  numbered: {type: kafka, inputs: [lines_in], topic: numbered, key: .n}
YAML
run_until() {  # LINES: runs on_kafka.yaml until its file sink holds LINES lines, then stops it cleanly
  "$SLUICE" run on_kafka.yaml --summary-interval 0s >>on_kafka.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do
    [[ $(count_lines on_kafka/copy) -ge $1 ]] && break
    sleep 0.1
  done
  sleep 1  # nothing more may arrive
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || fail "on_kafka.yaml did not stop cleanly: $(grep -v '^%' on_kafka.log | tail -5)"
}
run_until 35
run_until 65
[[ $(cat on_kafka/copy/*.ndjson | jq -r 'select(.n != null) | .n' | wc -l) -eq 60 ]] ||
  fail "start: earliest did not reread the 30 ndjson events after the restart: $(count_lines on_kafka/copy) lines"
[[ $(cat on_kafka/copy/*.ndjson | jq -r 'select(.text != null) | .text' | sort -u | wc -l) -eq 5 &&
  $(count_lines on_kafka/copy) -eq 65 ]] || fail "the raw values: $(grep text on_kafka/copy/*.ndjson | head -3)"
keys=$(kcat -C -b "$KAFKA_BOOTSTRAP" -t numbered -o beginning -e -q -f '%k\n' | sort -n -u | tr '\n' ' ')
[[ $keys == "$(seq 0 29 | tr '\n' ' ')" ]] || fail "keys from .n: $keys"

# A source may not append to a log topic it consumes on the log's own cluster.
cat > loop.yaml <<YAML
data_dir: $WORK/loop
log:
  type: kafka
  brokers: $KAFKA_BOOTSTRAP
sources:
  lines: {type: kafka, topics: [lines]}
sinks:
  out: {type: blackhole, inputs: [lines]}
YAML
set +e
"$SLUICE" run loop.yaml --summary-interval 0s >loop.out 2>&1
code=$?
set -e
[[ $code -ne 0 ]] && grep -q 'its events would come back to it' loop.out ||
  fail "a source consuming its own log topic was not refused ($code): $(grep -v '^%' loop.out | tail -3)"
pass "on a Kafka log: ndjson and raw values, start earliest vs committed, numeric keys; a self-feeding source refused"
