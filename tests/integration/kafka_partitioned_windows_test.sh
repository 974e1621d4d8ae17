# Windows on Kafka split across three instances, one killed with SIGKILL mid-stream.
#
# The window reads a repartition topic keyed by its key (service): the graph before it
# runs wherever the group puts the source's partitions and appends to that topic; each
# of its partitions has its own window state, checkpointed to the same partition of
# the changelog topic. The source is not keyed, so every service's events are spread
# over all four source partitions and only the repartition brings them together.
# Events are posted in chunks to the instances in turn; half-way an instance that runs
# windows is killed. The instances that take its partitions must restore each one from
# its checkpoint, and the windows written by all instances together must equal those
# of one instance alone: each window with its exact count, sum, minimum and maximum
# (a window re-emitted after the kill must be identical), none late — no event lost,
# none counted twice although the killed instance's upstream work is replayed.
#
# With CHAIN_DEDUP=1 (kafka_chained_state_test.sh) a dedup by .id comes before the
# window, each split by its own key through its own repartition topic, and the first
# chunk is posted twice: the window must read the dedup's output exactly once too,
# also when the dedup's partitions are replayed after the kill.
#
# With DISRUPTION=lost (kafka_lost_share_test.sh) no instance is killed: half-way the
# brokers answer a heartbeat with UNKNOWN_MEMBER_ID, so the group takes the share of
# an instance that is still running, as after a freeze or a network cut. That instance
# must let its share go without committing or checkpointing it (the share is "lost",
# not revoked) and rejoin; the windows must come out the same.
source "$(dirname "$0")/lib.sh"
source "$SLUICE_SOURCE_DIR/tests/integration/instances.sh"
CHAIN_DEDUP=${CHAIN_DEDUP:-0}
DISRUPTION=${DISRUPTION:-kill}
repartition=windows.per_minute.repartition
split_topics=(events "$repartition")
# The mock brokers cannot create topics: those sluice would create are made up front.
topics=(--topic events:4 --topic "$repartition:4" --topic windows.per_minute.changelog:4)
if [[ $CHAIN_DEDUP == 1 ]]; then
  topics+=(--topic windows.unique.repartition:4 --topic windows.unique.changelog:4)
  split_topics+=(windows.unique.repartition)
fi
start_kafka "${topics[@]}"

window_test_data 23 40000 1000

for i in 1 2 3; do
  instance_header $i windows 1s >pipeline$i.yaml
  events_source_yaml $i 4 >>pipeline$i.yaml
  if [[ $CHAIN_DEDUP == 1 ]]; then
    minute_windows_yaml 30m | sed -e 's/^transforms:$/transforms:\n  unique: {type: dedup, inputs: [events], key_fields: [id], window: 1d}/' \
      -e 's/    inputs: \[events\]/    inputs: [unique]/' >>pipeline$i.yaml
  else
    minute_windows_yaml 30m >>pipeline$i.yaml
  fi
  start_instance $i
done

# Settled: every partition of each split topic has exactly one owner among the live instances.
settled() {
  local i t n total
  for t in "${split_topics[@]}"; do
    total=0
    for i in "$@"; do
      n=$(owned "$i" "$t")
      total=$((total + ${n:-0}))
    done
    [[ $total == 4 ]] || return 1
  done
}
wait_settled() {
  for _ in $(seq 1 600); do
    settled "$@" && return 0
    sleep 0.1
  done
  fail "partitions not split among instances $* within 60 s: $(for i in "$@"; do for t in "${split_topics[@]}"; do echo -n "$i $t: $(owned "$i" "$t"); "; done; done)"
}
wait_settled 1 2 3
runners=0 victim=""
for i in 1 2 3; do
  n=$(owned "$i" "$repartition")
  if [[ ${n:-0} -gt 0 ]]; then
    runners=$((runners + 1))
    victim=$i
  fi
done
[[ $runners -ge 2 ]] || fail "the window's partitions are not split: only $runners instance(s) run them"

chunks=(chunk.*)
half=$((${#chunks[@]} / 2))
live=(1 2 3)
k=0
for c in "${chunks[@]:0:$half}"; do post_ndjson "$c" "${live[k++ % 3]}"; sleep 0.05; done
# Repeats for the dedup to drop (to another instance than the first time).
if [[ $CHAIN_DEDUP == 1 ]]; then post_ndjson "${chunks[0]}" "${live[1]}"; fi
# live_sum AWK: the sum over the live instances of what AWK prints from each one's /metrics.
live_sum() {
  local i n total=0
  for i in "${live[@]}"; do
    n=$(curl -fsS "http://127.0.0.1:${obs[i]}/metrics" | awk "$1")
    total=$((total + ${n:-0}))
  done
  echo "$total"
}
# lost_shares: shares the instances let go as lost (taken while they did not answer).
lost_shares() { live_sum '$1 == "sluice_group_handovers_total{result=\"lost\"}" {print $2}'; }
if [[ $DISRUPTION == lost ]]; then
  # Mid-stream: the next heartbeat (12) of any member is refused as if its session had
  # expired; that member holds open windows and upstream work not yet committed.
  kafka_command "fail 12 1 UNKNOWN_MEMBER_ID"
  for _ in $(seq 1 300); do
    [[ $(lost_shares) -ge 1 ]] && break
    sleep 0.1
  done
  [[ $(lost_shares) -ge 1 ]] || fail "no instance reported its share lost within 30 s: $(grep -h 'lost' server*.log | tail -3)"
  victim=$(grep -l "lost .* partition(s) to another instance" server*.log | head -1)
  victim=${victim//[!0-9]/}
  for c in "${chunks[@]:$half}"; do post_ndjson "$c" "${live[k++ % 3]}"; sleep 0.05; done
else
  # Mid-stream: the victim holds open windows and has upstream work not yet committed.
  kill -9 "${pid[victim]}"
  wait "${pid[victim]}" 2>/dev/null || true
  live=()
  for i in 1 2 3; do [[ $i == "$victim" ]] || live+=("$i"); done
  for c in "${chunks[@]:$half}"; do post_ndjson "$c" "${live[k++ % 2]}"; sleep 0.05; done
fi
wait_settled "${live[@]}"
# Everything posted is in the window's repartition topic once the group committed every
# topic before it (the source's, and the dedup's with CHAIN_DEDUP=1): only then may the
# end events go, or they could overtake events still waiting in the dedup's topic.
upstream_topics=(events)
if [[ $CHAIN_DEDUP == 1 ]]; then upstream_topics+=(windows.unique.repartition); fi
# topic_backlog I TOPIC: the group's uncommitted records of TOPIC (instance I's /metrics),
# "none" while it reports none.
topic_backlog() {
  curl -fsS "http://127.0.0.1:${obs[$1]}/metrics" |
    awk -v t="$2" '$1 ~ /^sluice_log_backlog_records\{group="windows",/ && index($1, "topic=\"" t "\"") {n += $2; seen = 1} END {print seen ? n : "none"}'
}
for t in "${upstream_topics[@]}"; do
  for _ in $(seq 1 600); do
    [[ $(topic_backlog "${live[0]}" "$t") == 0 ]] && break
    sleep 0.1
  done
  [[ $(topic_backlog "${live[0]}" "$t") == 0 ]] || fail "the group did not commit all of $t within 60 s"
done
# The lateness allowed (30 m) exceeds the data's span: every window is still open, and
# the instances' state_entries gauges, each the sum over the partitions it holds, add
# up to all of them once the windows have read everything.
want=$(wc -l <expected_tumbling.txt)
open_windows() { live_sum '$1 ~ /^sluice_component_state_entries\{component="per_minute",/ {print $2}'; }
for _ in $(seq 1 600); do
  [[ $(open_windows) == "$want" ]] && break
  sleep 0.1
done
[[ $(open_windows) == "$want" ]] || fail "the instances report $(open_windows) open windows, not the $want there are"
post_ndjson end.ndjson "${live[0]}"
grep -h "from a checkpoint)" server*.log | grep -qv "(0 from a checkpoint)" ||
  fail "no instance restored a partition's window state from its checkpoint: $(grep -h 'restored the state' server*.log | tail -3)"

for _ in $(seq 1 900); do
  [[ $(distinct_windows) -ge $want ]] && break
  sleep 0.1
done
# Every record appended to the repartition topic beyond one per posted event is a
# replay of the killed instance's uncommitted upstream work (how many depends on when
# the kill fell between two commits; it may be none).
posted=$(($(wc -l <events.ndjson) - 1 + $(wc -l <end.ndjson)))
appended=$(curl -fsS "http://127.0.0.1:${obs[${live[0]}]}/metrics" |
  awk -v t="$repartition" '$1 ~ /^sluice_log_end_offset\{/ && index($1, "topic=\"" t "\"") {n += $2} END {print n + 0}')
duplicates=$((appended - posted))
replays=0
for i in "${live[@]}"; do
  n=$(curl -fsS "http://127.0.0.1:${obs[i]}/metrics" |
    awk '$1 ~ /^sluice_component_already_written_total\{component="per_minute",/ {print $2}')
  replays=$((replays + ${n:-0}))
  kill -TERM "${pid[i]}"
  wait "${pid[i]}" || fail "instance $i did not stop cleanly: $(tail -5 server$i.log)"
done

check_minute_windows "the $DISRUPTION"
# Each of those the windows must have recognised (a partition moved between the live
# instances may recognise some again).
[[ $duplicates -ge 0 ]] || fail "the repartition topic holds $appended records of $posted posted events"
[[ $replays -ge $duplicates ]] ||
  fail "the windows recognised $replays of the $duplicates replayed records in the repartition topic"
[[ $DISRUPTION == kill ]] && what="killed" || what="lost its share"
pass "windows split over $runners instances, instance $victim $what mid-stream: all $want one-minute windows exact; $duplicates records replayed into the repartition topic, $replays recognised; $reemitted identical re-emissions"
