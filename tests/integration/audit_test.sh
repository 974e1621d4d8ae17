# The audit log through the binary: each `sluice run` records its configuration
# and names the components changed since the previous start; a govern key change
# is a key rotation; `sluice detokenize` is recorded before it reveals anything
# (and reveals nothing where it cannot record); refused API keys are counted; and
# `sluice audit verify` finds an edited entry.
source "$(dirname "$0")/lib.sh"
printf 'k1 %s\nk2 %s\n' "$(openssl rand -hex 32)" "$(openssl rand -hex 32)" >govern.keys
chmod 600 govern.keys
PORT=$(free_port)
pipeline() {  # pipeline KEY_ID CONDITION
  cat >pipeline.yaml <<YAML
data_dir: $WORK/data
sources:
  api: {type: http, address: 127.0.0.1:$PORT, api_keys: [good-key]}
transforms:
  ok: {type: filter, inputs: [api], condition: '$2'}
  governed: {type: govern, inputs: [ok], key_file: $WORK/govern.keys, key_id: $1, fields: {phone: encrypt}}
sinks:
  out: {type: file, inputs: [governed], path: out}
YAML
}
run_once() {  # starts, sends, stops
  start_server
  code() { curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "$@" \
    -d '[{"status":200,"phone":"0812-3456-7890"}]' "http://127.0.0.1:$PORT/v1/events"; }
  [[ $(code -H 'X-API-Key: good-key') == 200 ]] || fail "the good key was refused"
  for _ in 1 2 3; do [[ $(code -H 'X-API-Key: stolen') == 403 ]] || fail "a bad key was not refused"; done
  [[ $(code) == 401 ]] || fail "no key was not 401"
  kill -TERM "$server"
  wait "$server" || fail "the pipeline did not stop cleanly: $(tail -5 server.log)"
  server=
}
audit() { "$SLUICE" audit show -c pipeline.yaml --event "$1"; }

pipeline k1 '.status < 500'
run_once
pipeline k2 '.status < 400'
run_once
[[ $(audit pipeline_started | wc -l) == 2 ]] || fail "two runs, $(audit pipeline_started | wc -l) pipeline_started entries"
audit pipeline_started | tail -1 | jq -e '.config_changed == true and .changed == ["governed", "ok"]
  and .govern_keys.governed == "k2" and (.actor.user | length) > 0 and .actor.pid > 0' >/dev/null ||
  fail "the second start does not name what changed: $(audit pipeline_started | tail -1)"
audit key_rotated | jq -e '.transform == "governed" and .from_key == "k1" and .to_key == "k2"' >/dev/null ||
  fail "no key rotation recorded: $(audit key_rotated)"
[[ $(audit requests_rejected | jq -s '[.[].forbidden] | add') == 6 && $(audit requests_rejected | jq -s '[.[].unauthorized] | add') == 2 ]] ||
  fail "refused requests: $(audit requests_rejected)"
pass "starts record config and changed components [governed, ok]; k1 → k2 is a rotation; 6 bad and 2 missing keys counted"

enc=$(cat data/out/*.ndjson | jq -r .phone | head -1)
"$SLUICE" detokenize -c pipeline.yaml --key-file govern.keys "$enc" "tok_k1_abc" >plain.txt 2>detok.err && fail "detokenize of a token should exit 3"
[[ $(head -1 plain.txt) == 0812-3456-7890 ]] || fail "detokenize gave $(head -1 plain.txt)"
audit detokenize | jq -e '.values == 2 and .decrypted == 1 and .failed == 1 and .key_ids == ["k1"]' >/dev/null ||
  fail "the detokenize entry is wrong: $(audit detokenize)"
expect_exit 2 "$SLUICE" detokenize --data-dir "$WORK/nowhere" --key-file govern.keys "$enc"
[[ ! -s "$WORK/out" ]] || fail "detokenize revealed a value it could not audit: $(cat "$WORK/out")"
pass "detokenize is recorded (2 values, 1 decrypted, key k1) and reveals nothing where it cannot be"

"$SLUICE" audit verify -c pipeline.yaml >verify.txt || fail "the audit log does not verify: $(cat verify.txt)"
sed -i '1s/"forbidden":[0-9]*/"forbidden":0/; 1s/"config_changed":false/"config_changed":true/' data/audit/ledger.jsonl
expect_exit 3 "$SLUICE" audit verify -c pipeline.yaml
grep -q "BROKEN at entry 1" "$WORK/out" || fail "an edited audit entry is not found: $(cat "$WORK/out")"
pass "$(cut -c1-40 verify.txt)…; an edited entry is found"
