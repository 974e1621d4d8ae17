# HTTPS ingest and encryption at rest through a pipeline file: events posted over
# TLS land in an AES-256-GCM encrypted topic; `sluice log dump` reads them back only
# with the key, and the segment files do not contain them in clear.
source "$(dirname "$0")/lib.sh"
PORT=$(free_port)
make_cert server
printf 'k1 %s\n' "$(openssl rand -hex 32)" >log.keys
chmod 600 log.keys
cat > pipeline.yaml <<YAML
data_dir: $WORK/data
log:
  key_file: $WORK/log.keys
sources:
  ingest:
    type: http
    address: 127.0.0.1:$PORT
    tls_cert: $WORK/server.pem
    tls_key: $WORK/server.key
    encryption_key: k1
    compression: zstd
sinks:
  out: {type: file, inputs: [ingest], path: $WORK/sinkout}
YAML
"$SLUICE" run pipeline.yaml --summary-interval 0s >server.log 2>&1 &
server=$!
wait_for_port "$PORT" "$server" server.log

code=$(curl -s -o resp.json -w '%{http_code}' --cacert server.pem -H 'Content-Type: application/json' \
  --data-binary '[{"secret":"tangerine-42"},{"secret":"tangerine-43"}]' "https://127.0.0.1:$PORT/v1/events")
[[ $code == 200 ]] || fail "HTTPS post answered $code: $(cat resp.json) $(tail -3 server.log)"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary '{}' \
  "http://127.0.0.1:$PORT/v1/events" || true)
[[ $code != 200 ]] || fail "plain HTTP was accepted on a TLS port"
pass "HTTPS ingest answers 200; plain HTTP on the TLS port is refused"

kill -TERM "$server"
wait "$server" || fail "server did not stop cleanly: $(tail -5 server.log)"
! grep -rq tangerine data/log || fail "an encrypted topic holds the events in clear"
expect_exit 0 "$SLUICE" log dump ingest --data-dir data --key-file log.keys
[[ $(grep -c tangerine "$WORK/out") -eq 2 ]] || fail "dump with the key: $(cat "$WORK/out")"
expect_exit 3 "$SLUICE" log dump ingest --data-dir data
grep -q 'key "k1"' "$WORK/err" || fail "dump without the key does not name it: $(cat "$WORK/err")"
expect_exit 0 "$SLUICE" log dump ingest -c pipeline.yaml
[[ $(grep -c tangerine "$WORK/out") -eq 2 ]] || fail "dump with the pipeline file's keys: $(cat "$WORK/out")"
SLUICE_LOG_KEYS="k1:$(awk '{print $2}' log.keys)" expect_exit 0 "$SLUICE" log dump ingest --data-dir data
[[ $(grep -c tangerine "$WORK/out") -eq 2 ]] || fail "dump with the key from \$SLUICE_LOG_KEYS: $(cat "$WORK/out")"
printf 'k1 %s\n' "$(openssl rand -hex 32)" >wrong.keys
chmod 600 wrong.keys
expect_exit 3 "$SLUICE" log dump ingest --data-dir data --key-file wrong.keys
grep -q 'does not authenticate' "$WORK/err" || fail "a wrong key is not reported: $(cat "$WORK/err")"
[[ $(cat sinkout/*.ndjson | grep -c tangerine) -eq 2 ]] || fail "the sink did not get the decrypted events"
pass "encrypted at rest; readable only with the right key (file or variable); a missing or wrong key is a clear error"
