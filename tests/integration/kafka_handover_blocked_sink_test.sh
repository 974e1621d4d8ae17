# A handover while a sink takes no writes. Instance 1 runs windows (split by key
# through their repartition topic) and a SQLite sink of every raw event; another
# process holds that database locked, so the sink retries, its queue fills and the
# pipeline thread waits behind it. Then instance 2 joins the group. Instance 1 must
# let its partitions go within handover_timeout (5 s) — without a last checkpoint of
# its windows, so the next owner continues from the one before — instead of holding
# the whole group's rebalance until the database is free. Once it is: every event
# answered 200 is in some instance's SQLite table, and the windows both instances
# wrote are exactly those of one instance, none late.
source "$(dirname "$0")/lib.sh"
source "$SLUICE_SOURCE_DIR/tests/integration/instances.sh"
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed: run scripts/setup"
start_kafka --topic events:2 --topic blocked.per_minute.repartition:2 --topic blocked.per_minute.changelog:2

window_test_data 5 20000 500
chunks=(chunk.*)

for i in 1 2; do
  instance_header $i blocked 500ms >pipeline$i.yaml
  events_source_yaml $i 2 >>pipeline$i.yaml
  minute_windows_yaml 30m >>pipeline$i.yaml
  echo '  raw: {type: sqlite, inputs: [events], path: raw.db, time_column: ""}' >>pipeline$i.yaml
done

metric() {  # metric I SERIES_PREFIX: the sum of the series of instance I starting so
  curl -fsS "http://127.0.0.1:${obs[$1]}/metrics" 2>/dev/null |
    awk -v p="$2" 'index($1, p) == 1 {n += $2} END {print n + 0}'
}
rows() { sqlite3 "data$1/raw.db" 'select count(*) from raw' 2>/dev/null || echo 0; }

start_instance 1
for _ in $(seq 1 600); do
  [[ $(metric 1 sluice_group_partitions_owned) == 4 ]] && break
  sleep 0.1
done
[[ $(metric 1 sluice_group_partitions_owned) == 4 ]] || fail "instance 1 does not read its 4 partitions"
post_ndjson "${chunks[0]}" 1
for _ in $(seq 1 300); do
  [[ $(rows 1) -ge 500 ]] && break
  sleep 0.1
done
[[ $(rows 1) -ge 500 ]] || fail "the SQLite sink wrote $(rows 1) of the first 500 events"

# The database locked by another process: every write of the sink fails (busy).
mkfifo lock.in
sqlite3 data1/raw.db <lock.in >lock.out 2>&1 &
locker=$!
exec 7>lock.in
printf '.timeout 20000\nBEGIN EXCLUSIVE;\nSELECT %s;\n' "'locked'" >&7
for _ in $(seq 1 300); do
  grep -q locked lock.out && break
  sleep 0.1
done
grep -q locked lock.out || fail "could not lock the database: $(cat lock.out)"
# Full: the sink holds all it may queue (16 batches) and the pipeline thread waits
# for room. How many chunks that takes depends on how many of them the reader finds
# in one fetch, so chunks go one at a time until it is full, keeping some for later.
queued() { metric 1 'sluice_sink_queued_batches{component="raw"'; }
next=1
for _ in $(seq 1 300); do
  [[ $(queued) -ge 16 ]] && break
  if ((next < ${#chunks[@]} - 8)); then
    post_ndjson "${chunks[next]}" 1
    next=$((next + 1))
  fi
  sleep 0.1
done
[[ $(queued) -ge 16 ]] || fail "the blocked sink's queue did not fill: $(queued) batches after $((next - 1)) chunks"
# Two more, so the pipeline thread holds a batch the full queue has no room for.
post_ndjson "${chunks[next]}" 1
post_ndjson "${chunks[next + 1]}" 1
next=$((next + 2))
sleep 1

start_instance 2
# Bounded: the rebalance itself takes the mock brokers a few seconds, the handover 5 s.
for _ in $(seq 1 400); do
  [[ $(metric 2 sluice_group_partitions_owned) -gt 0 ]] && break
  sleep 0.1
done
[[ $(metric 2 sluice_group_partitions_owned) -gt 0 ]] ||
  fail "instance 2 got no partition in 40 s: instance 1 held the rebalance: $(tail -3 server1.log)"
grep -q 'the pipeline is held up' server1.log ||
  fail "instance 1 did not say why it let go without a checkpoint: $(grep -i handing server1.log | tail -3)"
# The handover ended while the database was still locked, after its timeout.
started=$(grep -m1 'log: handing over' server1.log | cut -d' ' -f1)
ended=$(grep -m1 -E 'handing over [0-9]+ partition\(s\): not everything|handed over [0-9]+ partition' server1.log | cut -d' ' -f1)
[[ -n $started && -n $ended ]] || fail "instance 1 did not finish its handover: $(grep -i handing server1.log | tail -3)"
took_ms=$(( ($(date -d "$ended" +%s%N) - $(date -d "$started" +%s%N)) / 1000000 ))
[[ $took_ms -le 15000 ]] || fail "instance 1's handover took $took_ms ms with a 5 s handover_timeout"
k=0
for c in "${chunks[@]:next}"; do post_ndjson "$c" $((k++ % 2 + 1)); done

# The database free again: instance 1 writes what it held and goes on.
printf 'COMMIT;\n.quit\n' >&7
exec 7>&-
wait "$locker" || true
backlog() {
  local i n=0
  for i in 1 2; do n=$((n + $(metric $i 'sluice_log_backlog_records{group="blocked",topic="events"'))); done
  echo $((n / 2))  # both instances report every partition
}
for _ in $(seq 1 900); do
  [[ $(backlog) == 0 && $(queued) == 0 ]] && break
  sleep 0.1
done
[[ $(backlog) == 0 ]] || fail "the source's topic was not consumed within 90 s: $(backlog) records left: $(
  for i in 1 2; do curl -fsS "http://127.0.0.1:${obs[i]}/metrics" | grep -E '^sluice_(log_backlog_records|group_partitions_owned|sink_queued)' | tr '\n' ' '; done)"
post_ndjson end.ndjson 1
want=$(wc -l <expected_tumbling.txt)
for _ in $(seq 1 900); do
  [[ $(distinct_windows) -ge $want ]] && break
  sleep 0.1
done
for i in 1 2; do
  kill -TERM "${pid[i]}"
  wait "${pid[i]}" || fail "instance $i did not stop cleanly: $(tail -5 server$i.log)"
done

# Every event answered 200 in some instance's table; re-reads counted, not lost.
head -n -1 events.ndjson | jq -r .id | sort -u >posted_ids.txt
for i in 1 2; do sqlite3 "data$i/raw.db" 'select id from raw where id >= 0'; done | sort >stored_ids.txt
missing=$(comm -23 posted_ids.txt <(sort -u stored_ids.txt) | wc -l)
[[ $missing -eq 0 ]] || fail "$missing acknowledged events are in no SQLite table"
duplicates=$(($(wc -l <stored_ids.txt) - $(sort -u stored_ids.txt | wc -l)))

check_minute_windows "the handover"
pass "a handover while a sink was locked took $took_ms ms (timeout 5 s); all ${#chunks[@]} chunks stored ($duplicates re-read), all $want windows exact"
