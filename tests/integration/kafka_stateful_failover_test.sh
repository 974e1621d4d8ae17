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
  cat >>pipeline$i.yaml <<YAML
sources:
  events:
    type: http
    address: 127.0.0.1:${port[i]}
    partitions: 2
    key_fields: [service]
    time_field: ts
    time_format: unix_ms
YAML
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
post() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary "@$1" -H 'Content-Type: application/x-ndjson' \
    "http://127.0.0.1:${port[$2]}/v1/events")
  [[ $code == 200 ]] || fail "posting $1 to instance $2 answered $code"
}

active=$(active_instance)
ingest=$((active % 3 + 1))  # a standby takes the events
chunks=(chunk.*)
half=$((${#chunks[@]} / 2))
for c in "${chunks[@]:0:$half}"; do post "$c" "$ingest"; sleep 0.05; done
# Mid-stream: the active instance holds open windows of every service.
kill -9 "${pid[active]}"
wait "${pid[active]}" 2>/dev/null || true
for c in "${chunks[@]:$half}"; do post "$c" "$ingest"; sleep 0.05; done
successor=$(active_instance)
[[ $successor != "$active" ]] || fail "the killed instance is still active"
grep -q "resumed 1 stateful transform(s) from checkpoint" "server$successor.log" ||
  fail "instance $successor took over without the checkpoint: $(grep -h 'active:\|resumed' server$successor.log | tail -3)"

want=$(wc -l <expected_tumbling.txt)
distinct() { cat data*/minutes/*.ndjson 2>/dev/null | jq -r '[.service, .window_start] | join(" ")' | sort -u | wc -l; }
for _ in $(seq 1 600); do
  [[ $(distinct) -ge $want ]] && break
  sleep 0.1
done
for i in 1 2 3; do
  [[ $i == "$active" ]] && continue
  kill -TERM "${pid[i]}"
  wait "${pid[i]}" || fail "instance $i did not stop cleanly: $(tail -5 server$i.log)"
done

cat data*/minutes/*.ndjson | sort >all.txt
sort -u all.txt >windows.txt
conflicting=$(windows_with_two_values windows.txt)
[[ -z $conflicting ]] || fail "windows emitted with different values around the takeover: $conflicting"
[[ $(cat data*/late/*.ndjson 2>/dev/null | wc -l) -eq 0 ]] || fail "events were counted as late in an in-order data set"
check_expected_windows windows.txt expected_tumbling.txt n bytes low high
replayed=$(($(wc -l <all.txt) - $(wc -l <windows.txt)))
pass "active instance $active killed mid-stream, instance $successor took over from the checkpoint in Kafka: all $want one-minute windows exact; $replayed identical re-emissions"
