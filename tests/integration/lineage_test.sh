# The lineage ledger of a running pipeline: one entry per commit, hash-chained;
# the lake sink's event counts over all entries equal the rows in the lake (read by
# DuckDB); `sluice lineage trace` walks a lake file back to its offsets and chain;
# `export --openlineage` writes (and POSTs) run events; any edit of the ledger is
# found by `verify`, and a pipeline refuses to append to a broken chain.
source "$(dirname "$0")/lib.sh"
PORT=$(free_port)
cat >pipeline.yaml <<YAML
data_dir: $WORK/data
log: {commit_interval: 200ms}
sources:
  api: {type: http, address: 127.0.0.1:$PORT}
transforms:
  ok: {type: filter, inputs: [api], condition: '.status < 500'}
sinks:
  lake: {type: parquet, inputs: [ok], path: lake, partition_by: [], max_file_age: 100ms}
  hot: {type: sqlite, inputs: [api], path: hot.db, table: requests}
YAML
start_server
for r in $(seq 1 6); do
  python3 -c "
import json
print(json.dumps([{'r': $r, 'i': i, 'status': 500 if i % 4 == 0 else 200} for i in range(100)]))" >body.json
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @body.json \
    "http://127.0.0.1:$PORT/v1/events") == 200 ]] || fail "request $r was not accepted"
  sleep 0.5  # a commit between requests: several entries
done
kill -TERM "$server"
wait "$server" || fail "the pipeline did not stop cleanly: $(tail -5 server.log)"
server=

"$SLUICE" lineage verify -c pipeline.yaml >verify.txt || fail "an untouched ledger does not verify: $(cat verify.txt)"
entries=$(wc -l <data/lineage/ledger.jsonl)
[[ $entries -ge 3 ]] || fail "only $entries ledger entries for 6 requests committed apart"
lake_events=$(jq -s '[.[].entry.sinks[] | select(.name == "lake") | .events] | add' data/lineage/ledger.jsonl)
lake_rows=$(duckdb "select count(*) as n from read_parquet('$WORK/data/lake/*.parquet')" | jq -r .n)
[[ $lake_events == 450 && $lake_rows == 450 ]] || fail "ledger says the lake got $lake_events events; it holds $lake_rows"
records=$(jq -s '[.[].entry.inputs[].records] | add' data/lineage/ledger.jsonl)
[[ $records == 600 ]] || fail "the entries cover $records input records, expected 600"
jq -e -s 'all(.[].entry.sinks[] | select(.name == "lake"); .chain == [.chain[0]] and .chain[0].name == "ok"
  and .chain[0].type == "filter" and (.chain[0].config_sha256 | length) == 64)' data/lineage/ledger.jsonl >/dev/null ||
  fail "the lake's chain is not [ok (filter, hash)]"
pass "$(cat verify.txt | cut -c1-30)…: $entries entries cover all 600 records; the lake's 450 events match its rows"

file=$(ls data/lake/*.parquet | head -1)
"$SLUICE" lineage trace -c pipeline.yaml "$file" >trace.txt || fail "trace of $file failed"
range=$(basename "$file" .parquet | awk -F- '{printf "%d-%d", $(NF-1), $NF}')
grep -q "holds api/0 offsets $range" trace.txt || fail "trace does not give the file's offsets ($range): $(cat trace.txt)"
grep -q "through ok (filter, config " trace.txt || fail "trace does not show the chain: $(cat trace.txt)"
grep -q "^entry [0-9]* at .*sink lake wrote" trace.txt || fail "trace lists no commit: $(cat trace.txt)"
"$SLUICE" lineage trace -c pipeline.yaml "$WORK/data/hot.db#requests" | grep -q "sink hot wrote" ||
  fail "trace of the table finds nothing"
pass "trace: $(basename "$file") → api/0 offsets $range through ok (filter)"

# From an event id: request 3's event 5 is record 205 of api/0; the lake file named
# for it and the commits covering it are listed. An id nobody sent is an error.
"$SLUICE" lineage trace -c pipeline.yaml --event-id 5 --id-field i >event.txt || fail "trace --event-id failed"
[[ $(grep -c "^event .i = 5: source api, api/0 offset" event.txt) == 6 ]] ||
  fail "trace --event-id finds $(grep -c '^event' event.txt) records with i = 5, expected 6: $(head -5 event.txt)"
grep -q "^event .i = 5: source api, api/0 offset 205," event.txt || fail "request 3's event 5 is not at offset 205"
lake_file=$(sed -n '/offset 205,/,/^event/p' event.txt | grep -o 'in lake file .*' | head -1)
[[ -n $lake_file ]] || fail "no lake file named for offset 205: $(cat event.txt)"
first=$(basename "${lake_file#in lake file }" .parquet | awk -F- '{print $(NF-1)+0}')
last=$(basename "${lake_file#in lake file }" .parquet | awk -F- '{print $NF+0}')
[[ $first -le 205 && 205 -le $last ]] || fail "$lake_file does not cover offset 205"
[[ $(duckdb "select count(*) as n from read_parquet('${lake_file#in lake file }') where r = 3 and i = 5" | jq -r .n) == 1 ]] ||
  fail "the lake file trace names does not hold request 3's event 5"
sed -n '/offset 205,/,/^event/p' event.txt | grep -q "sink hot wrote" || fail "the hot table's commit is not listed"
expect_exit 3 "$SLUICE" lineage trace -c pipeline.yaml --event-id 999 --id-field i
grep -q "no event with .i = 999 among the 600 records" "$WORK/err" || fail "an unknown id says: $(cat "$WORK/err")"
pass "trace --event-id: 6 records with i = 5; offset 205 in $(basename "${lake_file#in lake file }") and the hot table's commit"

"$SLUICE" lineage export --openlineage -c pipeline.yaml openlineage.ndjson 2>export.err || fail "export failed"
[[ $(wc -l <openlineage.ndjson) == $((2 * entries)) ]] || fail "$(wc -l <openlineage.ndjson) run events for $entries entries x 2 sinks"
jq -e -s 'all(.[]; .eventType == "COMPLETE" and (.run.runId | test("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"))
  and .job.namespace == "sluice" and (.inputs | length) == 1 and .inputs[0].name == "api"
  and (.outputs[0].outputFacets.outputStatistics.rowCount | type) == "number")' openlineage.ndjson >/dev/null ||
  fail "the OpenLineage events are not well formed: $(head -c 600 openlineage.ndjson)"
[[ $(jq -s '[.[] | select(.job.name | endswith(".lake")) | .outputs[0].outputFacets.outputStatistics.rowCount] | add' openlineage.ndjson) == 450 ]] ||
  fail "the lake's row counts in OpenLineage do not add up to 450"
# POSTed to an HTTP endpoint: a small receiver counts what arrives.
python3 - >receiver.port <<'PY' &
import http.server, json, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with open("received.ndjson", "a") as f: f.write(json.dumps(body) + "\n")
        self.send_response(201); self.send_header("Content-Length", "0"); self.end_headers()
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
threading.Timer(30, s.shutdown).start()
s.serve_forever()
PY
receiver=$!
for _ in $(seq 1 50); do [[ -s receiver.port ]] && break; sleep 0.1; done
"$SLUICE" lineage export --openlineage -c pipeline.yaml "http://127.0.0.1:$(cat receiver.port)/api/v1/lineage" 2>>export.err ||
  fail "export to HTTP failed: $(cat export.err)"
kill "$receiver" 2>/dev/null || true
[[ $(wc -l <received.ndjson) == $((2 * entries)) ]] || fail "the endpoint received $(wc -l <received.ndjson) events"
pass "OpenLineage: $((2 * entries)) run events written and POSTed, row counts adding up"

# Tampering: an edited count is found, names its entry, and stops the pipeline from appending.
cp data/lineage/ledger.jsonl ledger.orig
sed -i '2s/"events":\([0-9]*\)/"events":9\1/' data/lineage/ledger.jsonl
expect_exit 3 "$SLUICE" lineage verify -c pipeline.yaml
grep -q "BROKEN at entry 2" "$WORK/out" || fail "verify does not name entry 2: $(cat "$WORK/out")"
expect_exit 3 "$SLUICE" run pipeline.yaml --summary-interval 0s
grep -q "entry 2" "$WORK/err" || fail "the pipeline does not say why it refuses: $(tail -3 "$WORK/err")"
cp ledger.orig data/lineage/ledger.jsonl
sed -i '1d' data/lineage/ledger.jsonl
expect_exit 3 "$SLUICE" lineage verify -c pipeline.yaml
grep -q "BROKEN at entry 1" "$WORK/out" || fail "a deleted first entry is not found: $(cat "$WORK/out")"
pass "an edited or deleted entry is found by verify and blocks further appends"
