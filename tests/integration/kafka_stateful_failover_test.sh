# Windows on Kafka with three instances in active/standby (log: stateful:
# active_standby): one runs them, two stand by, and the active one is killed with
# SIGKILL mid-stream.
#
# The pipeline does not split its partitions: the instance the
# group gives the one partition of "<group>.checkpoints" is active, reads every
# partition and checkpoints its window state into that topic; the others keep
# ingesting and stand by. Events (six services, twenty minutes of event time, in
# order) are posted in chunks to a standby while the active computes 1-minute windows;
# half-way the active is killed. Another instance must take over from the last
# checkpoint in Kafka, and the windows written by all instances together must be
# exactly the expected ones: each window once with its exact count, sum, minimum and
# maximum (a window re-emitted after the takeover must be identical), none late.
source "$(dirname "$0")/lib.sh"
source "$SLUICE_SOURCE_DIR/tests/integration/instances.sh"
start_kafka --topic events:2 --topic windows.checkpoints:1

python3 "$SLUICE_SOURCE_DIR/tests/integration/window_events.py" 11 60000 40
split -l 1000 events.ndjson chunk.

for i in 1 2 3; do
  instance_header $i windows 100ms 'stateful: active_standby' >pipeline$i.yaml
  events_source_yaml $i 2 'key_fields: [service]' >>pipeline$i.yaml
  minute_windows_yaml 0s >>pipeline$i.yaml
  start_instance $i
done

# active: the instance that reads both partitions, once one does and the others none.
active_instance() {
  local i found
  for _ in $(seq 1 600); do
    found=""
    local shares=""
    for i in 1 2 3; do
      kill -0 "${pid[i]}" 2>/dev/null || continue
      shares+="$(owned "$i" events) "
      [[ $(owned "$i" events) == 2 ]] && found=$i
    done
    if [[ -n $found && $(echo "$shares" | tr ' ' '\n' | grep -c '^2$') -eq 1 ]]; then
      echo "$found"
      return 0
    fi
    sleep 0.1
  done
  fail "no single active instance within 60 s: $(grep -h 'active:\|standing by' server*.log | tail -5)"
}

active=$(active_instance)
ingest=$((active % 3 + 1))  # a standby takes the events
chunks=(chunk.*)
half=$((${#chunks[@]} / 2))
for c in "${chunks[@]:0:$half}"; do post_ndjson "$c" "$ingest"; sleep 0.05; done
# Mid-stream: the active instance holds open windows of every service.
kill -9 "${pid[active]}"
wait "${pid[active]}" 2>/dev/null || true
for c in "${chunks[@]:$half}"; do post_ndjson "$c" "$ingest"; sleep 0.05; done
successor=$(active_instance)
[[ $successor != "$active" ]] || fail "the killed instance is still active"
grep -q "resumed 1 stateful transform(s) from checkpoint" "server$successor.log" ||
  fail "instance $successor took over without the checkpoint: $(grep -h 'active:\|resumed' server$successor.log | tail -3)"

want=$(wc -l <expected_tumbling.txt)
for _ in $(seq 1 600); do
  [[ $(distinct_windows) -ge $want ]] && break
  sleep 0.1
done
for i in 1 2 3; do
  [[ $i == "$active" ]] && continue
  kill -TERM "${pid[i]}"
  wait "${pid[i]}" || fail "instance $i did not stop cleanly: $(tail -5 server$i.log)"
done

check_minute_windows "the takeover"
pass "active instance $active killed mid-stream, instance $successor took over from the checkpoint in Kafka: all $want one-minute windows exact; $reemitted identical re-emissions"
