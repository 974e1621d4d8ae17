# Crash loop: an acknowledged event is never lost.
#
# `sluice run` ingests over HTTP into a file sink while `sluice gen` posts numbered
# events; the server is killed with SIGKILL at random moments and restarted each
# time. At the end every event that was answered 200 must be in the sink, intact.
# Duplicates (replayed after a crash) are allowed, counted and reported.
# KILLS (default 20) sets how many times; scripts/soak runs it with many more.
source "$(dirname "$0")/lib.sh"
KILLS=${KILLS:-20}
PORT=$(free_port)

cat > pipeline.yaml <<YAML
data_dir: $WORK/data
log:
  commit_interval: 100ms
sources:
  ingest:
    type: http
    address: 127.0.0.1:$PORT
    partitions: 3
    key_fields: [service]
    fsync: ${FSYNC:-interval}
    segment_size: 256KiB
sinks:
  out: {type: file, inputs: [ingest], path: out, max_file_size: 1MiB}
YAML

start_server
"$SLUICE" gen --url "http://127.0.0.1:$PORT/v1/events" --rate 15000 --count 10000000 --batch-size 50 -c 4 \
  --timeout 2s --id-field id --ack-log acks.txt >gen.out 2>gen.err &
gen=$!
kill_loop "$KILLS" 2 5
sleep 0.5
kill -INT "$gen"
wait "$gen" || true

# Let the pipeline catch up: the group's committed offsets reach the end of every partition.
wait_caught_up 3
kill -TERM "$server"
wait "$server" || fail "the last run did not stop cleanly: $(tail -5 server.log)"

# Every line must be a whole JSON event holding an acknowledged id, or a duplicate.
check_acknowledged_written data/out/*.ndjson
recovered=$(grep -c "cut .* bytes of torn" server.log || true)
pass "$KILLS kills: all $acked acknowledged events written; $duplicates duplicates (replays), $recovered torn tails cut"
