# Full disk: the log's data_dir is a small tmpfs. When it fills, ingest answers 503
# with Retry-After (never 200 for an event it could not store, never a crash), what
# was acknowledged stays intact, and ingest recovers once space is freed.
# Needs root for the mount (CI runs as root); without it the test fails, loudly.
source "$(dirname "$0")/lib.sh"
mount_tmpfs data 4m
PORT=$(free_port)
# Space the test frees later.
head -c 1500000 /dev/urandom >data/filler

cat > pipeline.yaml <<YAML
data_dir: $WORK/data
sources:
  ingest: {type: http, address: 127.0.0.1:$PORT, fsync: always, segment_size: 256KiB}
sinks:
  out: {type: file, inputs: [ingest], path: $WORK/out}
YAML
"$SLUICE" run pipeline.yaml --summary-interval 0s >server.log 2>&1 &
server=$!
wait_for_port "$PORT" "$server" server.log
URL="http://127.0.0.1:$PORT/v1/events"

body=$(python3 -c 'import json; print(json.dumps([{"i": i, "pad": "x" * 200} for i in range(200)]))')
accepted=0
full=0
for i in $(seq 1 400); do
  code=$(curl -s -o resp.json -D headers.txt -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$body" "$URL")
  if [[ $code == 200 ]]; then
    accepted=$((accepted + 200))
  elif [[ $code == 503 ]]; then
    grep -qi '^retry-after: [0-9]' headers.txt || fail "503 without Retry-After"
    grep -q 'No space left' resp.json || fail "503 does not say why: $(cat resp.json)"
    full=1
    break
  else
    fail "unexpected status $code: $(cat resp.json)"
  fi
done
[[ $full -eq 1 ]] || fail "the 4 MiB tmpfs never filled"
kill -0 "$server" || fail "the server died when the disk filled"
pass "disk full after $accepted events: 503 with Retry-After and the reason"

rm data/filler
code=$(curl -s -o resp.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$body" "$URL")
[[ $code == 200 ]] || fail "ingest did not recover after space was freed: $code $(cat resp.json)"
accepted=$((accepted + 200))
pass "ingest recovers when space is freed"

# Everything acknowledged is in the log, readable, and reaches the sink.
for _ in $(seq 1 100); do
  [[ $(cat out/*.ndjson 2>/dev/null | wc -l) -ge $accepted ]] && break
  sleep 0.1
done
kill -TERM "$server"
wait "$server" || fail "server did not stop cleanly: $(tail -5 server.log)"
server=
stored=$("$SLUICE" log dump ingest --data-dir data | wc -l)
[[ $stored -eq $accepted ]] || fail "the log holds $stored events, $accepted were acknowledged"
[[ $(cat out/*.ndjson | wc -l) -eq $accepted ]] || fail "the sink holds $(cat out/*.ndjson | wc -l) of $accepted events"
"$SLUICE" log describe ingest --data-dir data | awk '$1 == "0" && NF >= 6 && $NF != "0" {exit 1}' || fail "corrupt batches after the full disk"
pass "all $accepted acknowledged events intact in the log and the sink"
