# sluice query and sluice replay from the command line: output formats, errors with
# their exit codes, and the demo writing its three tiers.
source "$(dirname "$0")/lib.sh"

cat > pipeline.yaml <<YAML
data_dir: $WORK/data
sources:
  traffic: {type: generator, rate: 0, count: 3000, seed: 8, start_time: "2026-11-24T10:00:00Z"}
transforms:
  per_minute:
    type: window
    inputs: [traffic]
    size: 1s
    key_fields: [service]
    aggregates: {requests: count()}
sinks:
  warehouse: {type: sqlite, inputs: [traffic], path: warehouse.db, table: requests}
  hot:
    type: sqlite
    inputs: [per_minute]
    path: hot.db
    table: seconds
    mode: upsert
    key_columns: [window_start, service]
  lake: {type: parquet, inputs: [traffic], path: lake}
YAML
expect_exit 0 "$SLUICE" run pipeline.yaml --summary-interval 0s

expect_exit 0 "$SLUICE" query -c pipeline.yaml "select count(*) as n, count(distinct trace_id) as ids from requests"
grep -Eq '^ *3000 \| +3000$' out || fail "warehouse count: $(cat out)"
expect_exit 0 "$SLUICE" query -c pipeline.yaml \
  "select window_start, service, requests from hot.seconds order by window_start, service limit 2"
cat > want.txt <<'TXT'
window_start                | service | requests
----------------------------+---------+---------
2026-11-24T10:00:00.000000Z | auth    |      116
2026-11-24T10:00:00.000000Z | gateway |      184
(2 rows)
TXT
diff want.txt out || fail "table output differs"
# The window counts in the hot store add up to the events in the warehouse.
expect_exit 0 "$SLUICE" query -c pipeline.yaml -f csv \
  "select (select sum(requests) from seconds) = (select count(*) from requests) as equal, 'a,b \"c\"' as quoted"
[[ $(cat out) == $'equal,quoted\r\n1,"a,b ""c"""\r' ]] || fail "csv output: $(cat -A out)"
expect_exit 0 "$SLUICE" query --db data/hot.db -f json "select service, requests, null as empty from seconds order by window_start, service limit 1"
jq -e '.[0] == {"service": "auth", "requests": 116, "empty": null}' out >/dev/null || fail "json output: $(cat out)"
pass "query: table, csv and json output over the attached databases"

expect_exit 2 "$SLUICE" query -c pipeline.yaml "select * from no_such_table"
grep -q "no such table: no_such_table" err || fail "bad query message: $(cat err)"
expect_exit 3 "$SLUICE" query --db missing.db "select 1"
grep -q "missing.db does not exist" err || fail "missing database message: $(cat err)"
expect_exit 2 "$SLUICE" query --db data/hot.db "delete from seconds"
grep -q "only reads" err || fail "a write through query must be refused: $(cat err)"
pass "query: errors name the problem (bad SQL 2, missing database 3, writes refused)"

# Replay refuses a damaged file before appending anything.
mkdir bad
first=$(find data/lake -name '*.parquet' | head -1)
head -c 5000 "$first" >bad/cut.parquet
cp "$first" bad/whole.parquet
expect_exit 3 "$SLUICE" replay --from bad --to t --data-dir replayed
grep -q "cut.parquet.*incomplete" err || fail "replay of a cut file: $(cat err)"
[[ ! -d replayed/log/t ]] || fail "replay appended before finding the damaged file"
expect_exit 3 "$SLUICE" replay --from nowhere --to t --data-dir replayed
grep -q "nowhere is neither" err || fail "replay of a missing path: $(cat err)"
expect_exit 0 "$SLUICE" replay --from data/lake --to t --data-dir replayed --partitions 3 --key-field .service
grep -q "replayed 3000 events from" out || fail "replay summary: $(cat out)"
expect_exit 0 "$SLUICE" log topics --data-dir replayed
grep -Eq '^t +3 +3000 ' out || fail "replayed topic: $(cat out)"
pass "replay: damaged or missing input refused up front; a lake into a partitioned topic"

# The demo writes its tiers.
SLUICE_DATA_DIR=$WORK/demo SLUICE_ADMIN_ADDRESS=127.0.0.1:0 DEMO_RATE=5000 DEMO_SERVICES=$SLUICE_SOURCE_DIR/examples/services.csv "$SLUICE" run "$SLUICE_SOURCE_DIR/examples/demo.yaml" --summary-interval 0s \
  >demo.log 2>&1 &
demo=$!
sleep 4
kill -TERM $demo
wait $demo || fail "the demo did not stop cleanly: $(tail -5 demo.log)"
expect_exit 0 env SLUICE_DATA_DIR=$WORK/demo DEMO_SERVICES=$SLUICE_SOURCE_DIR/examples/services.csv "$SLUICE" query -c "$SLUICE_SOURCE_DIR/examples/demo.yaml" -f json \
  "select count(*) as n, (select count(*) from pragma_table_info('requests')
                          where name in ('email', 'phone', 'client.ip', 'card_number')) as personal from requests"
[[ $(jq '.[0].n' out) -gt 1000 && $(jq '.[0].personal' out) -eq 0 ]] || fail "demo warehouse: $(cat out)"
lake=$(duckdb "select count(*) as n from read_parquet('$WORK/demo/lake/**/*.parquet',
               hive_partitioning = true, union_by_name = true)")
[[ $(jq -r .n <<<"$lake") -eq $(jq '.[0].n' out) ]] || fail "demo lake and warehouse disagree: $lake vs $(cat out)"
pass "demo: lake and warehouse hold the same events, the warehouse without personal data"

# Without --db or --config: every database of ./data, by file name.
expect_exit 0 "$SLUICE" query "select (select count(*) from warehouse.requests) as events, (select count(*) from hot.seconds) > 0 as windows" -f json
jq -e '.[0] == {"events": 3000, "windows": 1}' out >/dev/null || fail "query over ./data: $(cat out)"
expect_exit 2 "$SLUICE" query --data-dir nowhere "select 1"
grep -q "no database" err || fail "query without databases: $(cat err)"
pass "query: a bare query opens the databases of ./data"
