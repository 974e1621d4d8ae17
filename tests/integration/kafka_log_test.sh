# The pipeline on Kafka: the crash-loop promise with `log: {type: kafka}`.
#
# Brokers from librdkafka's mock cluster (three of them). `sluice run` ingests over
# HTTP into Kafka and from there into a file sink while `sluice gen` posts numbered
# events. Meanwhile the pipeline is killed with SIGKILL and restarted, a broker is
# taken down and brought back, and produce and commit requests fail on purpose. At
# the end every event answered 200 must be in the sink, intact; duplicates are
# counted and reported. Then `sluice log` reads the Kafka topic and the group's lag.
# KILLS (default 10) sets how many restarts.
source "$(dirname "$0")/lib.sh"
KILLS=${KILLS:-10}
PORT=$(free_port)
start_kafka --topic ingest:3

cat > pipeline.yaml <<YAML
data_dir: $WORK/data
log:
  type: kafka
  brokers: $KAFKA_BOOTSTRAP
  group: kafka-crash-loop
  commit_interval: 100ms
  request_timeout: 2s
  properties: {log_level: "2"}
sources:
  ingest:
    type: http
    address: 127.0.0.1:$PORT
    partitions: 3
    key_fields: [service]
sinks:
  out: {type: file, inputs: [ingest], path: out, max_file_size: 1MiB}
YAML

start_server
"$SLUICE" gen --url "http://127.0.0.1:$PORT/v1/events" --rate 2500 --count 10000000 --batch-size 50 -c 4 \
  --timeout 5s --id-field id --ack-log acks.txt >gen.out 2>gen.err &
gen=$!
kill_loop "$KILLS" 2 5
# A broker off the network: the partitions it leads refuse appends (503) until it is back.
kafka_command "leader ingest 0 2"
sleep 0.5
kafka_command "down 2"
sleep 5
kafka_command "up 2"
kill_loop 2 3 3
# Failed requests the clients must retry: produce, then offset commits.
kafka_command "fail 0 10 NOT_LEADER_FOR_PARTITION"
kafka_command "fail 8 5 COORDINATOR_NOT_AVAILABLE"
sleep 1.5
kill -INT "$gen"
wait "$gen" || true

LOG_FLAGS="-c pipeline.yaml" wait_caught_up 3
kill -TERM "$server"
wait "$server" || fail "the last run did not stop cleanly: $(tail -5 server.log)"

# The mock brokers keep ~5 MB per partition and drop older records, committed or not
# (as Kafka's retention does): the load stays far below that, and a dropped record
# would make the check below blame sluice for what the brokers deleted.
expect_exit 0 "$SLUICE" log describe ingest -c pipeline.yaml
awk '$1 ~ /^[0-9]+$/ && $2 != 0 {bad = 1} END {exit bad}' out ||
  fail "the mock brokers dropped records (start offsets above 0): lower the load. $(cat out)"
# Every line must be a whole JSON event holding an acknowledged id, or a duplicate.
check_acknowledged_written data/out/*.ndjson
grep -q "503" gen.err gen.out || grep -qi "unavailable\|retry" server.log ||
  fail "the broker outage refused no append: the fault was not exercised; gen: $(cat gen.out) $(tail -3 gen.err) server: $(tail -3 server.log)"

# sluice log reads the pipeline's Kafka topic and the group's offsets: three partitions
# whose end offsets cover every acknowledged record.
expect_exit 0 "$SLUICE" log topics -c pipeline.yaml
grep -q "^ingest  *3 " out || fail "sluice log topics: $(cat out)"
expect_exit 0 "$SLUICE" log describe ingest -c pipeline.yaml
grep -qE '^2 +[0-9]+ +[0-9]+ +- +- +0$' out || fail "sluice log describe (sizes unknown to Kafka print -): $(cat out)"
expect_exit 0 "$SLUICE" log offsets -c pipeline.yaml
[[ $(grep -c "^kafka-crash-loop  *ingest " out) -eq 3 ]] || fail "sluice log offsets: $(cat out)"
records=$(awk 'NR > 1 {s += $5} END {print s + 0}' out)
[[ $records -ge $acked ]] || fail "Kafka's end offsets add up to $records, fewer than the $acked acknowledged: $(cat out)"
expect_exit 0 "$SLUICE" log dump ingest -c pipeline.yaml -p 1 -n 2
[[ $(wc -l <out) -eq 2 ]] && jq -e '.event.id' <(head -1 out) >/dev/null || fail "sluice log dump: $(cat out)"
pass "$KILLS+2 kills, a broker outage and failed requests: all $acked acknowledged events written; $duplicates duplicates (replays)"
