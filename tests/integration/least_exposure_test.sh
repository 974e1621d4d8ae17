# Least exposure end to end.
#
# 1. The demo governs its PII: after a run of examples/demo.yaml, no raw email, phone
#    or card number is in any file it wrote — Parquet read back through DuckDB,
#    SQLite tables dumped, the log segments and checkpoints (encrypted at rest) and
#    everything else as bytes — except under data/quarantine (the one sink cleared
#    for raw PII) and data/keys. The same scan finds them in an ungoverned run, so
#    it is known to look in the right places. Its log, checkpoints, lineage ledger
#    and audit log are encrypted; the ledgers still verify and read with its keys.
# 2. At run time a sink refuses an event in which the detectors find a value above
#    what it accepts: it goes to <sink>.rejected with the reason, never into the sink.
# 3. `sluice validate` refuses the demo's leaking variant before any data moves.
source "$(dirname "$0")/lib.sh"

# scan DIR: prints every raw email, phone or card number of the generator's traffic
# found in DIR's files, one per line, prefixed by the file.
scan() {
  local dir=$1 file
  while IFS= read -r -d '' file; do
    case $file in
      */keys/* | */quarantine/*) continue ;;
      *.parquet) duckdb "select * from read_parquet('$file')" ;;
      *.db) sqlite3 "$file" .dump ;;
      *) cat "$file" ;;
    esac >"$WORK/scan.txt" 2>/dev/null || fail "cannot read $file"
    grep -a -o -E '[A-Za-z0-9._%+-]+@mail\.example\.net|\+62 8[0-9]{2}-[0-9]{4}-[0-9]{4}|\+1 555-[0-9]{3}-[0-9]{4}' \
      "$WORK/scan.txt" | sed "s|^|$file: |" || true
    # Card numbers: 16 digits that pass the Luhn check, not inside a longer hex or digit run
    # nor the decimals of a number (0.4119999999999777).
    grep -a -o -E '(^|[^0-9A-Za-z_.-])4[0-9]{15}($|[^0-9A-Za-z_-])' "$WORK/scan.txt" | tr -cd '0-9\n' |
      python3 -c '
import sys
for n in sys.stdin.read().split():
    d = [int(c) for c in n][::-1]
    if sum(x if i % 2 == 0 else (2 * x - 9 if x > 4 else 2 * x) for i, x in enumerate(d)) % 10 == 0:
        print(n)' | sed "s|^|$file: |" || true
  done < <(find "$dir" -type f -print0)
}

# 1. The demo, at a quick rate for a few seconds once it is ready (a loaded machine
#    may take a while to start it), stopped with SIGINT (it drains and closes its files).
export SLUICE_DATA_DIR=$WORK/demo DEMO_RATE=3000 DEMO_SERVICES=$SLUICE_SOURCE_DIR/examples/services.csv
ADMIN_PORT=$(free_port)
export SLUICE_ADMIN_ADDRESS=127.0.0.1:$ADMIN_PORT
"$SLUICE" run "$SLUICE_SOURCE_DIR/examples/demo.yaml" --summary-interval 0s >demo.log 2>&1 &
server=$!
wait_for_port "$ADMIN_PORT" "$server" demo.log
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$ADMIN_PORT/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
# Until the lake took events (under a loaded run the first ones can take a while to
# pass the whole graph), then a few seconds more.
lake_events() {
  curl -fsS "http://127.0.0.1:$ADMIN_PORT/metrics" 2>/dev/null |
    awk '$1 ~ /^sluice_component_events_in_total\{component="lake",/ {print int($2)}'
}
for _ in $(seq 1 600); do
  [[ $(lake_events) -gt 0 ]] && break
  sleep 0.1
done
[[ $(lake_events) -gt 0 ]] || fail "the demo's lake took no event in a minute: $(tail -5 demo.log)"
sleep 4
kill -INT "$server"
set +e
wait "$server"
code=$?
set -e
server=
[[ $code == 0 ]] || fail "the demo failed ($code): $(tail -5 demo.log)"
lake_files=$(find demo/lake -name '*.parquet' | wc -l)
[[ $lake_files -ge 1 ]] || fail "the demo wrote no lake file: $(tail -5 demo.log)"
tokens=$(duckdb "select count(*) as n from read_parquet('$WORK/demo/lake/**/*.parquet') where email like 'tok_k1_%'" | jq -r .n)
[[ $tokens -gt 1000 ]] || fail "the lake holds $tokens tokenized emails; the demo governs nothing?"
[[ $(head -c 4 demo/_checkpoints/sluice.checkpoint) == SLCE ]] || fail "the demo's checkpoint is not encrypted"
[[ $(stat -c %a demo/keys/govern.keys demo/keys/log.keys demo/keys | tr '\n' ' ') == "600 600 700 " ]] ||
  fail "the keys made on the first run are not private: $(stat -c '%a %n' demo/keys demo/keys/*)"
grep -q '"entry":"sealed:k1:' demo/lineage/ledger.jsonl || fail "the demo's lineage ledger is not encrypted"
! grep -q '"sinks"' demo/lineage/ledger.jsonl || fail "a lineage entry is in the clear"
"$SLUICE" lineage verify -c "$SLUICE_SOURCE_DIR/examples/demo.yaml" >verify.txt || fail "the sealed ledger does not verify: $(cat verify.txt)"
"$SLUICE" lineage trace -c "$SLUICE_SOURCE_DIR/examples/demo.yaml" lake >trace.txt || fail "cannot trace the lake through the sealed ledger"
grep -q "sink lake wrote" trace.txt || fail "trace of the sealed ledger: $(head -3 trace.txt)"
expect_exit 3 "$SLUICE" lineage trace --data-dir demo lake
grep -q 'encrypted with key "k1"' "$WORK/err" || fail "without the key, trace says: $(cat "$WORK/err")"
grep -q '"entry":"sealed:k1:' demo/audit/ledger.jsonl || fail "the demo's audit log is not encrypted"
"$SLUICE" audit show -c "$SLUICE_SOURCE_DIR/examples/demo.yaml" --event pipeline_started >audit.txt ||
  fail "cannot read the sealed audit log: $(cat audit.txt)"
jq -e '.config_sha256' audit.txt >/dev/null || fail "the audit entry read back is not the start entry: $(cat audit.txt)"
leaks=$(scan demo)
[[ -z $leaks ]] || fail "raw PII in what the demo wrote: $(echo "$leaks" | head -5)"
pass "no raw email, phone or card number in $(find demo -type f | wc -l) files the demo wrote ($tokens tokenized emails in $lake_files lake files)"

# The scan finds raw values when they are there: the same traffic ungoverned, log not encrypted.
cat >raw.yaml <<YAML
data_dir: $WORK/raw
sources:
  traffic: {type: generator, rate: 0, count: 2000, seed: 42}
sinks:
  lake: {type: parquet, inputs: [traffic], path: lake}
  table: {type: sqlite, inputs: [traffic], path: raw.db, table: requests}
YAML
"$SLUICE" run raw.yaml --summary-interval 0s >raw.log 2>&1 || fail "the ungoverned run failed: $(tail -5 raw.log)"
scan raw >raw_found
for where in raw.db .parquet log/traffic; do
  grep -q "$where.*@mail\.example\.net" raw_found || fail "the scan misses raw emails in $where"
  grep -qE "$where[^:]*: 4[0-9]{15}$" raw_found || fail "the scan misses raw card numbers in $where"
done
pass "the same scan finds raw values in an ungoverned run ($(wc -l <raw_found) found in Parquet, SQLite and the log)"

# 2. The run-time guard: a free-form field no schema declares carries an email.
PORT=$(free_port)
cat >guard.yaml <<YAML
data_dir: $WORK/guard
sources:
  api: {type: http, address: 127.0.0.1:$PORT}
sinks:
  events: {type: file, inputs: [api], path: events, accepts: [public, internal]}
  quarantine: {type: file, inputs: [events.rejected], path: quarantine, accepts: restricted}
YAML
start_server guard.yaml
answer=$(curl -s -X POST -H "Content-Type: application/x-ndjson" --data-binary @- "http://127.0.0.1:$PORT/v1/events" <<'NDJSON'
{"id": 1, "note": "all good", "client": "10.0.0.7"}
{"id": 2, "note": "siti.rahma@mail.example.net"}
{"id": 3, "payload": {"cards": ["4111 1111 1111 1111"]}}
{"id": 4, "count": 12}
NDJSON
)
[[ $answer == *'"accepted":4'* ]] || fail "ingest answered: $answer"
for _ in $(seq 100); do
  [[ $(count_lines guard/events) == 2 && $(count_lines guard/quarantine) == 2 ]] && break
  sleep 0.1
done
kill -TERM "$server"
wait "$server" || fail "the pipeline did not stop cleanly: $(tail -5 server.log)"
server=
[[ $(cat guard/events/*.ndjson | jq -c .id | tr '\n' ' ') == "1 4 " ]] ||
  fail "the sink wrote events $(cat guard/events/*.ndjson | jq -c .id | tr '\n' ' '), expected 1 and 4"
cat guard/quarantine/*.ndjson >refused
[[ $(jq -r .reason refused | head -1) == "field .note holds an email value (confidential), above what the sink accepts" ]] ||
  fail "the reason is $(jq -r .reason refused | head -1)"
jq -e 'select(.event.id == 3) | .reason | contains(".payload.cards holds a payment_card value (restricted)")' refused >/dev/null ||
  fail "the card in a nested array was not named: $(cat refused)"
[[ $(jq -r .component refused | sort -u) == events ]] || fail "the refusals do not name the sink"
grep -q "refused an event: field .note" server.log || fail "the refusal is not logged"
pass "at run time the sink refused the 2 events holding an email and a card number, with their field and class"

# 3. The leaking variant of the demo is refused before any data moves.
cd "$SLUICE_SOURCE_DIR"
expect_exit 1 "$SLUICE" validate examples/demo_leaking_emails.yaml
grep -v "problems found" "$WORK/err" >"$WORK/leak.txt"
diff "$WORK/leak.txt" tests/data/examples/demo_leaking_emails.expected >/dev/null ||
  fail "sluice validate says otherwise than expected: $(diff "$WORK/leak.txt" tests/data/examples/demo_leaking_emails.expected | head -8)"
pass "sluice validate refuses the leaking demo: $(head -1 "$WORK/leak.txt" | cut -c1-120)"
