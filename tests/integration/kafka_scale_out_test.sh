# Scale-out on Kafka: three instances of one pipeline share the partitions of its topic.
#
# Brokers from librdkafka's mock cluster; a topic of 6 partitions. Each instance has
# its own data_dir, HTTP port and file sink, and a `sluice gen` posting numbered
# events to it (disjoint numbers). The instances join one after the other and must
# end up reading two partitions each, disjoint. Then a rebalance is started (one
# instance stops and leaves the group) and, while the others hand their partitions
# over, one of them is killed with SIGKILL: the survivor must take every partition
# once the brokers time the dead one out. Both come back and the shares split again.
# At the end every event answered 200 by any instance must be in some instance's
# sink, intact; duplicates (what a killed instance had read but not committed) are
# counted and reported.
source "$(dirname "$0")/lib.sh"
source "$SLUICE_SOURCE_DIR/tests/integration/instances.sh"
declare -a gen
stop_all() {
  for p in "${gen[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  stop_instances
}
trap stop_all EXIT
start_kafka --topic ingest:6

for i in 1 2 3; do
  instance_header $i scale-out 200ms >pipeline$i.yaml
  cat >>pipeline$i.yaml <<YAML
sources:
  ingest:
    type: http
    address: 127.0.0.1:${port[i]}
    partitions: 6
sinks:
  out: {type: file, inputs: [ingest], path: out, max_file_size: 1MiB}
YAML
done

start_gen() {
  "$SLUICE" gen --url "http://127.0.0.1:${port[$1]}/v1/events" --rate 250 --count 10000000 --batch-size 20 -c 2 \
    --timeout 5s --id-field id --id-start $(($1 * 100000000)) --ack-log "acks$1.txt" >"gen$1.out" 2>"gen$1.err" &
  gen[$1]=$!
}
# wait_shares "I:N ...": waits up to 90 s until instance I reads N partitions, for each
# pair, and that stays so for 2 s (the group may rebalance again right after).
wait_shares() {
  local pair ok steady=0
  for _ in $(seq 1 900); do
    ok=1
    for pair in $1; do
      [[ $(owned "${pair%%:*}" ingest) == "${pair##*:}" ]] || ok=0
    done
    if [[ $ok -eq 1 ]]; then steady=$((steady + 1)); else steady=0; fi
    [[ $steady -ge 20 ]] && return 0
    sleep 0.1
  done
  local now=""
  for pair in $1; do now+=" ${pair%%:*}:$(owned "${pair%%:*}" ingest)"; done
  fail "the partitions were not shared as $1 within 90 s (now$now); $(grep -h 'now reads\|handing\|handed' server*.log | tail -6)"
}
# The partitions instance I was given last, as "ingest/0 ingest/3".
last_share() { grep 'info log: this instance now reads' "server$1.log" | tail -1 | sed 's/.*now reads //'; }

start_instance 1
start_gen 1
wait_shares "1:6"
start_instance 2
start_gen 2
start_instance 3
start_gen 3
wait_shares "1:2 2:2 3:2"
shares=$(for i in 1 2 3; do last_share $i; done | tr ' ' '\n' | grep . | sort)
[[ $(echo "$shares" | wc -l) -eq 6 && $(echo "$shares" | sort -u | wc -l) -eq 6 ]] ||
  fail "the three shares are not 6 distinct partitions: $(echo $shares)"

# A rebalance: instance 3 leaves. While instance 2 hands its partitions over, kill it.
handovers=$(grep -c 'handing over' server2.log || true)
kill -TERM "${pid[3]}"
# Instance 3 leaves the group once it has drained and committed: slow under sanitizers.
for _ in $(seq 1 600); do
  [[ $(grep -c 'handing over' server2.log || true) -gt $handovers ]] && break
  sleep 0.05
done
[[ $(grep -c 'handing over' server2.log || true) -gt $handovers ]] ||
  fail "instance 2 was not asked to hand over after instance 3 left: $(tail -5 server2.log)"
kill -9 "${pid[2]}"
wait "${pid[3]}" || fail "instance 3 did not stop cleanly: $(tail -5 server3.log)"
wait "${pid[2]}" 2>/dev/null || true
# The brokers time instance 2 out (6 s); then instance 1 reads everything.
wait_shares "1:6"

start_instance 2
start_instance 3
wait_shares "1:2 2:2 3:2"
sleep 2
for i in 1 2 3; do kill -INT "${gen[i]}"; done
for i in 1 2 3; do wait "${gen[i]}" || true; done

LOG_FLAGS="-c pipeline1.yaml" wait_caught_up 6
metrics=$(curl -fsS "http://127.0.0.1:${obs[1]}/metrics")
for i in 1 2 3; do kill -TERM "${pid[i]}"; done
for i in 1 2 3; do wait "${pid[i]}" || fail "instance $i did not stop cleanly: $(tail -5 server$i.log)"; done

# The mock brokers drop records past ~5 MB per partition; none may have been dropped.
expect_exit 0 "$SLUICE" log describe ingest -c pipeline1.yaml
awk '$1 ~ /^[0-9]+$/ && $2 != 0 {bad = 1} END {exit bad}' out ||
  fail "the mock brokers dropped records (start offsets above 0): lower the load. $(cat out)"
cat acks1.txt acks2.txt acks3.txt >acks.txt
check_acknowledged_written data1/out/*.ndjson data2/out/*.ndjson data3/out/*.ndjson
for i in 1 2 3; do
  [[ $(count_lines "data$i/out") -gt 0 ]] || fail "instance $i wrote nothing: it never read a partition"
done
complete=$(echo "$metrics" | awk '$1 == "sluice_group_handovers_total{result=\"complete\"}" {print int($2)}')
[[ ${complete:-0} -ge 1 ]] ||
  fail "instance 1 counted no complete handover: $(echo "$metrics" | grep sluice_group)"
grep -q 'handed over .* everything read from them committed' server1.log ||
  fail "instance 1 logged no handover: $(grep -i 'hand' server1.log | tail -3)"
pass "3 instances shared 6 partitions (2 each, disjoint); one killed -9 during a rebalance: all $acked acknowledged events written; $duplicates duplicates (replays)"
