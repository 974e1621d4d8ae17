# TLS where sluice serves and verification where it connects: the admin address
# with observe.tls_cert answers HTTPS to a client that trusts its certificate and
# is refused by one that does not (curl, sluice top); the trace exporter verifies
# its collector: the right CA gets spans through, a wrong one gets them refused
# (counted as failed) while ingest goes on.
source "$(dirname "$0")/lib.sh"
make_cert admin
make_cert collector
make_cert stranger
start_collector collector.pem collector.key

PORT=$(free_port)
ADMIN=$(free_port)
pipeline() {  # pipeline TRACE_CA
  cat >pipeline.yaml <<YAML
data_dir: $WORK/data
observe:
  address: 127.0.0.1:$ADMIN
  tls_cert: $WORK/admin.pem
  tls_key: $WORK/admin.key
  trace_endpoint: https://127.0.0.1:$COLLECTOR/v1/traces
  trace_sampling: 1
  trace_ca_file: $WORK/$1
sources:
  api: {type: http, address: 127.0.0.1:$PORT}
sinks:
  out: {type: blackhole, inputs: [api]}
YAML
}
post() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '[{"a":1}]' \
    "http://127.0.0.1:$PORT/v1/events") == 200 ]] || fail "ingest did not answer 200"
}
metric() {
  curl -s --cacert admin.pem "https://127.0.0.1:$ADMIN/metrics" | awk -v s="$1" 'index($0, s " ") == 1 {print $2}'
}

pipeline collector.pem
start_server
[[ $(curl -s -o /dev/null -w '%{http_code}' --cacert admin.pem "https://127.0.0.1:$ADMIN/metrics") == 200 ]] ||
  fail "the admin API does not answer HTTPS to a client trusting its certificate"
[[ $(curl -s -o /dev/null -w '%{http_code}' --cacert admin.pem "https://127.0.0.1:$ADMIN/") == 200 ]] ||
  fail "the dashboard is not served over HTTPS"
set +e
curl -s -o /dev/null "https://127.0.0.1:$ADMIN/metrics"
untrusted=$?
curl -s -o /dev/null --cacert stranger.pem "https://127.0.0.1:$ADMIN/metrics"
wrong=$?
plain=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/metrics")
set -e
[[ $untrusted == 60 && $wrong == 60 ]] || fail "a client that does not trust the certificate got through ($untrusted, $wrong)"
[[ $plain != 200 ]] || fail "plain HTTP was answered on the TLS admin address"
pass "admin API over HTTPS: trusted client 200; untrusted and wrongly trusting clients refused (curl 60); plain HTTP not answered"

"$SLUICE" top -c pipeline.yaml --ca-file admin.pem --once --interval 200ms >top.txt || fail "sluice top over HTTPS failed"
grep -q '^out ' top.txt || fail "sluice top shows no components: $(cat top.txt)"
expect_exit 3 "$SLUICE" top -c pipeline.yaml --once --interval 200ms
grep -qi "certificate" "$WORK/err" || fail "sluice top without the CA does not say why: $(cat "$WORK/err")"
pass "sluice top verifies the admin certificate: works with --ca-file, refuses without"

post
for _ in $(seq 1 100); do [[ -s spans.jsonl ]] && break; sleep 0.1; done
[[ -s spans.jsonl ]] || fail "no span reached the HTTPS collector: $(grep traces server.log | tail -2)"
pass "spans reach an HTTPS collector verified with trace_ca_file"
kill -TERM "$server"
wait "$server" || fail "the pipeline did not stop cleanly"

pipeline stranger.pem  # the collector's certificate is not signed by this one
: >spans.jsonl
start_server
post
for _ in $(seq 1 50); do [[ $(metric 'sluice_trace_spans_total{result="failed"}') -ge 1 ]] 2>/dev/null && break; sleep 0.1; done
[[ $(metric 'sluice_trace_spans_total{result="failed"}') -ge 1 ]] || fail "exports to an unverified collector were not refused"
[[ ! -s spans.jsonl ]] || fail "spans were sent to a collector whose certificate did not verify"
post
pass "a collector whose certificate does not verify gets no span (counted as failed); ingest still 200"
kill -TERM "$server"
wait "$server" || fail "the pipeline did not stop cleanly"
