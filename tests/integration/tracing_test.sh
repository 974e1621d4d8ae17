# Traces over OTLP/HTTP JSON, checked by a stand-in collector (otlp_receiver.py):
# a request with a sampled traceparent arrives as one trace — ingest request →
# append → transform → sink writes — with the caller's span as parent and times
# that nest; an unsampled traceparent sends nothing; new traces are sampled at the
# ratio; a collector that is down costs counted, failed exports and no event.
source "$(dirname "$0")/lib.sh"

start_collector

PORT=$(free_port)
ADMIN=$(free_port)
pipeline() {  # pipeline SAMPLING
  cat >pipeline.yaml <<YAML
data_dir: $WORK/data
observe:
  address: 127.0.0.1:$ADMIN
  trace_endpoint: http://127.0.0.1:$COLLECTOR/v1/traces
  trace_sampling: $1
sources:
  api: {type: http, address: 127.0.0.1:$PORT}
transforms:
  ok: {type: filter, inputs: [api], condition: '.status < 500'}
sinks:
  kept: {type: file, inputs: [ok], path: kept}
  everything: {type: file, inputs: [api], path: everything}
YAML
}
post() {  # post BODY [HEADER]: fails unless 200
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' ${2:+-H "$2"} -d "$1" \
    "http://127.0.0.1:$PORT/v1/events")
  [[ $code == 200 ]] || fail "POST answered $code"
}
metric() { curl -s "http://127.0.0.1:$ADMIN/metrics" | awk -v s="$1" 'index($0, s " ") == 1 {print $2}'; }
spans_of() { [[ -f spans.jsonl ]] && jq -c --arg t "$1" 'select(.span.traceId == $t)' spans.jsonl | wc -l || echo 0; }
wait_spans() {  # wait_spans TRACE_ID COUNT: up to 10 s
  for _ in $(seq 1 100); do
    [[ $(spans_of "$1") -ge $2 ]] && return 0
    sleep 0.1
  done
  fail "trace $1 has $(spans_of "$1") spans at the collector, expected $2"
}

# 1. Sampling 0: only callers' sampled traceparents are traced.
pipeline 0
start_server
TRACE=4bf92f3577b34da6a3ce929d0e0e4736
CALLER=00f067aa0ba902b7
post '[{"status":200,"n":1},{"status":500,"n":2},{"status":201,"n":3}]' "traceparent: 00-$TRACE-$CALLER-01"
wait_spans "$TRACE" 5  # first alone, so its batches hold only its events
post '[{"status":200}]' "traceparent: 00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-$CALLER-00"
post '[{"status":200}]'
sleep 2  # two export periods: anything else would have arrived by now
python3 - "$TRACE" "$CALLER" <<'PY' || fail "the trace's structure is wrong (above)"
import json, sys
trace, caller = sys.argv[1], sys.argv[2]
lines = [json.loads(l) for l in open("spans.jsonl")]
traces = {l["span"]["traceId"] for l in lines}
assert traces == {trace}, f"spans of other traces arrived (unsampled or without traceparent): {traces - {trace}}"
spans = {l["span"]["name"]: l["span"] for l in lines}
assert len(spans) == len(lines) == 5, f"expected 5 spans, got {[l['span']['name'] for l in lines]}"
attrs = lambda s: {a["key"]: list(a["value"].values())[0] for a in s["attributes"]}
req, append = spans["POST /v1/events"], spans["append api"]
ok, kept, every = spans["transform ok"], spans["sink kept write"], spans["sink everything write"]
# The parent chain: caller → request → append → transform → sink, and append → the unfiltered sink.
for child, parent in [(req, caller), (append, req["spanId"]), (ok, append["spanId"]), (kept, ok["spanId"]),
                      (every, append["spanId"])]:
    assert child.get("parentSpanId") == parent, f"{child['name']}: parent {child.get('parentSpanId')}, expected {parent}"
assert len({s["spanId"] for s in spans.values()} | {caller}) == 6, "span ids are not unique"
assert req["kind"] == 2 and all(s["kind"] == 1 for s in (append, ok, kept, every)), "kinds: server, then internal"
t = lambda s, k: int(s[k + "TimeUnixNano"])
for s in spans.values():
    assert t(s, "start") <= t(s, "end"), f"{s['name']} ends before it starts"
    assert s["status"]["code"] == 1, f"{s['name']}: status {s['status']}"
assert t(req, "start") <= t(append, "start") and t(append, "end") <= t(req, "end"), "the append is not inside the request"
assert t(ok, "start") >= t(append, "end") and t(kept, "start") >= t(ok, "end"), "stages are not in order"
a = attrs(req)
assert a["http.response.status_code"] == "200" and a["sluice.events_accepted"] == "3" and a["url.path"] == "/v1/events", a
assert attrs(append)["sluice.events"] == "3" and attrs(append)["sluice.topic"] == "api", attrs(append)
assert attrs(ok)["sluice.events_in"] == "3" and attrs(ok)["sluice.type"] == "filter", attrs(ok)
assert attrs(kept)["sluice.events"] == "2" and attrs(every)["sluice.events"] == "3", (attrs(kept), attrs(every))
resource = lines[0]["resource"]
assert resource["service.name"] == {"stringValue": "sluice"}, resource
assert resource["sluice.pipeline"] == {"stringValue": "pipeline.yaml"}, resource
print("ok - one trace of 5 spans: request (child of the caller) > append > transform > sink writes, in order")
PY
pass "a sampled traceparent is continued; an unsampled one and one without are not traced at sampling 0"
exported=$(metric 'sluice_trace_spans_total{result="exported"}')
[[ $exported == 5 ]] || fail "sluice_trace_spans_total{result=\"exported\"} is '$exported', expected 5"

# 2. The collector is down: exports fail and are counted; ingest does not notice.
touch collector.down
post '[{"status":200}]' "traceparent: 00-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-$CALLER-01"
for _ in $(seq 1 50); do [[ $(metric 'sluice_trace_spans_total{result="failed"}') -ge 4 ]] && break; sleep 0.1; done
[[ $(metric 'sluice_trace_spans_total{result="failed"}') -ge 4 ]] ||
  fail "failed exports are not counted: $(curl -s "http://127.0.0.1:$ADMIN/metrics" | grep trace_spans)"
rm collector.down
post '[{"status":200}]' "traceparent: 00-cccccccccccccccccccccccccccccccc-$CALLER-01"
wait_spans cccccccccccccccccccccccccccccccc 4
pass "a collector that is down: spans counted as failed, every request still 200; back up: exported again"
kill -TERM "$server"
wait "$server" || fail "the pipeline did not stop cleanly: $(tail -5 server.log)"
held=$(cat data/everything/*.ndjson | wc -l)
[[ $held == 7 ]] || fail "the sink holds $held events, expected all 7 sent"

# 3. New traces are sampled at the ratio: 25% of 200 requests (binomial sd 6).
: >spans.jsonl
pipeline 0.25
start_server
for i in $(seq 1 200); do post "[{\"status\":200,\"i\":$i}]"; done
sleep 2
kill -TERM "$server"
wait "$server" || fail "the pipeline did not stop cleanly: $(tail -5 server.log)"
requests=$(jq -c 'select(.span.name == "POST /v1/events")' spans.jsonl | wc -l)
roots=$(jq -c 'select(.span.name == "POST /v1/events" and (.span | has("parentSpanId") | not))' spans.jsonl | wc -l)
[[ $requests -ge 25 && $requests -le 75 ]] || fail "$requests of 200 requests were traced at sampling 0.25"
[[ $roots == "$requests" ]] || fail "a request without traceparent must start a root span"
traces=$(jq -r '.span.traceId' spans.jsonl | sort -u | wc -l)
[[ $traces == "$requests" ]] || fail "$traces trace ids for $requests traced requests"
# Every sampled request is followed through every stage: 5 spans per trace.
short=$(jq -r '.span.traceId' spans.jsonl | sort | uniq -c | awk '$1 != 5' | head -3)
[[ -z $short ]] || fail "traces without all 5 spans (count, trace id): $short"
pass "sampling 0.25: $requests of 200 requests traced, each its own root trace with all 5 spans"
