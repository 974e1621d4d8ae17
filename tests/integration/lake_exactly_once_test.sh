# Exactly once into the lake: kill -9 while Parquet files are written.
#
# `sluice run` ingests numbered events over HTTP into a parquet sink that closes
# small files often; the server is killed with SIGKILL at random moments and
# restarted. Afterwards DuckDB — an independent reader — reads every file: each
# acknowledged event is in the lake exactly once (a replay after a crash must skip
# what committed files already hold), no file is half-written, and no temporary
# file is visible to a reader. KILLS (default 10) sets how many times.
source "$(dirname "$0")/lib.sh"
KILLS=${KILLS:-10}
PORT=$(free_port)

cat > pipeline.yaml <<YAML
data_dir: $WORK/data
log:
  commit_interval: 100ms
sources:
  ingest:
    type: http
    address: 127.0.0.1:$PORT
    partitions: 2
    key_fields: [service]
transforms:
  clean:
    type: remap
    inputs: [ingest]
    delete: [card_number]
  # Two paths to the lake: it must still see each offset once, in order.
  errors: {type: filter, inputs: [clean], condition: .status >= 500}
  others: {type: filter, inputs: [clean], condition: .status < 500}
sinks:
  lake:
    type: parquet
    inputs: [errors, others]
    path: lake
    partition_by: ["date=%Y-%m-%d", .service]
    max_file_size: 96KiB
    max_file_age: 300ms
    row_group_size: 32KiB
YAML

start_server
"$SLUICE" gen --url "http://127.0.0.1:$PORT/v1/events" --rate 8000 --count 10000000 --batch-size 50 -c 2 \
  --timeout 2s --id-field id --ack-log acks.txt >gen.out 2>gen.err &
gen=$!
kill_loop "$KILLS" 3 6
sleep 0.5
kill -INT "$gen"
wait "$gen" || true

# Let the pipeline drain, then stop it cleanly: its open files are committed.
wait_caught_up 2
kill -TERM "$server"
wait "$server" || fail "the last run did not stop cleanly: $(tail -5 server.log)"

acked=$(awk '{n += $2 - $1 + 1} END {print n + 0}' acks.txt)
[[ $acked -gt 1000 ]] || fail "too few acknowledged events ($acked); gen: $(cat gen.err)"
files=$(find data/lake -name '*.parquet' | wc -l)
[[ $files -gt 20 ]] || fail "only $files lake files: the test did not exercise file rotation"
leftovers=$(find data/lake -name '.*.tmp' | wc -l)
[[ $leftovers -eq 0 ]] || fail "$leftovers temporary files left after a clean stop"

lake="read_parquet('$WORK/data/lake/**/*.parquet', hive_partitioning = true)"
duckdb "copy (select id from $lake order by id) to '$WORK/lake_ids.csv' (header false)" >/dev/null
summary=$(duckdb "select count(*) as n, count(distinct id) as ids, count(*) filter (where service is null) as no_service from $lake")
rows=$(jq -r .n <<<"$summary")
distinct=$(jq -r .ids <<<"$summary")
[[ $(jq -r .no_service <<<"$summary") -eq 0 ]] || fail "rows without their hive partition value: $summary"
[[ $rows -eq $distinct ]] || fail "$((rows - distinct)) events are in the lake more than once ($summary)"

awk '{for (i = $1; i <= $2; i++) print i}' acks.txt | LC_ALL=C sort >acked_ids.txt
LC_ALL=C sort lake_ids.csv >written_ids.txt
missing=$(LC_ALL=C comm -23 acked_ids.txt written_ids.txt | wc -l)
[[ $missing -eq 0 ]] || fail "$missing acknowledged events are missing from the lake, e.g. $(LC_ALL=C comm -23 acked_ids.txt written_ids.txt | head -3 | tr '\n' ' ')"
skipped=$(grep -c "removed .* left by an earlier run" server.log || true)
pass "$KILLS kills: all $acked acknowledged events in the lake exactly once ($rows rows in $files files); $skipped leftover temporary files removed"
