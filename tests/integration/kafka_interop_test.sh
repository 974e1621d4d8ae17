# Kafka in and out, checked by an outside client: kcat produces JSON messages (with
# keys, headers and a few that are not JSON) to a topic; a pipeline consumes it with
# the kafka source, writes a file and produces to a second topic with the kafka
# sink; kcat reads that topic back. The pipeline is killed with SIGKILL mid-way and
# restarted: every message must arrive in both outputs, bad ones counted and
# skipped, keys and headers as configured.
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
kcat -P -b "$KAFKA_BOOTSTRAP" -t orders -K '|' -H origin=kcat -l orders.txt 2>kcat.err || fail "kcat could not produce: $(cat kcat.err)"

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
# Killed once it has taken part of the topic, then restarted to finish.
for _ in $(seq 1 100); do
  [[ $(count_lines data/copy) -gt 2000 ]] && break
  sleep 0.05
done
kill -9 "$server"
wait "$server" 2>/dev/null || true
taken=$(count_lines data/copy)
[[ $taken -lt $N ]] || fail "the pipeline took every message before it was killed ($taken): the kill tested nothing"
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
