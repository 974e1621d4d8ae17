# Full disk under the lake: the parquet sink's directory is a small tmpfs that fills
# while files are written. Writes fail with ENOSPC, the sink retries with backoff
# (the pipeline waits; the log keeps everything), and once space is freed every
# event reaches the lake exactly once and every file reads back whole in DuckDB.
# Needs root for the mount (CI runs as root); without it the test fails, loudly.
source "$(dirname "$0")/lib.sh"
mount_tmpfs lake 4m
head -c 3400000 /dev/urandom >lake/filler  # leaves about 0.6 MiB

EVENTS=50000
cat > pipeline.yaml <<YAML
data_dir: $WORK/data
sources:
  traffic: {type: generator, rate: 25000, count: $EVENTS, seed: 9}
sinks:
  lake:
    type: parquet
    inputs: [traffic]
    path: $WORK/lake
    partition_by: []
    max_file_size: 256KiB
    max_file_age: 200ms
YAML
"$SLUICE" run pipeline.yaml --summary-interval 0s >server.log 2>&1 &
server=$!
for _ in $(seq 1 200); do
  grep -q "No space left" server.log && break
  kill -0 "$server" 2>/dev/null || fail "the pipeline ended before the disk filled: $(tail -5 server.log)"
  sleep 0.05
done
grep -q "No space left" server.log || fail "the lake's tmpfs never filled: $(tail -5 server.log)"
sleep 1
kill -0 "$server" || fail "the pipeline died when the disk filled: $(tail -5 server.log)"
pass "disk full: the sink retries, the pipeline waits"

rm lake/filler
for _ in $(seq 1 600); do
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$server" 2>/dev/null && fail "the pipeline did not finish after space was freed: $(tail -5 server.log)"
wait "$server" || fail "the pipeline failed: $(tail -5 server.log)"
server=

leftovers=$(find lake -name '.*.tmp' | wc -l)
[[ $leftovers -eq 0 ]] || fail "$leftovers temporary files left"
result=$(duckdb "select count(*) as n, count(distinct trace_id) as ids from read_parquet('$WORK/lake/**/*.parquet')")
[[ $(jq -r .n <<<"$result") -eq $EVENTS && $(jq -r .ids <<<"$result") -eq $EVENTS ]] ||
  fail "expected $EVENTS distinct events in the lake, DuckDB reads $result"
pass "space freed: all $EVENTS events in the lake exactly once, every file whole ($(find lake -name '*.parquet' | wc -l) files)"
