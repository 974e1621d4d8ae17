# Hostile HTTP: malformed and truncated bodies, wrong types, oversized bodies, slow
# clients and thousands of concurrent connections get the right answers, and the
# server stays alive and correct afterwards. A second source checks API keys and
# on_invalid: accept_valid.
source "$(dirname "$0")/lib.sh"
PORT=$(free_port)
PORT2=$(free_port)
PORT3=$(free_port)
cat > pipeline.yaml <<YAML
data_dir: $WORK/data
sources:
  ingest:
    type: http
    address: 127.0.0.1:$PORT
    max_body_size: 64KiB
    header_timeout: 1s
    body_timeout: 1s
    idle_timeout: 2s
    max_connections: 4000
    time_field: ts
  lenient:
    type: http
    address: 127.0.0.1:$PORT2
    api_keys: [k-one, k-two]
    on_invalid: accept_valid
  # The connection limit, with a header timeout long enough that the connections held
  # to reach it are still open when the limit is tested, however slow the machine.
  crowded:
    type: http
    address: 127.0.0.1:$PORT3
    header_timeout: 60s
    max_connections: 300
sinks:
  out: {type: file, inputs: [ingest, lenient, crowded], path: $WORK/out}
YAML
# Started with a soft limit of 1024 descriptors: holding 4000+ connections below
# proves sluice raises it to the hard limit.
(ulimit -Sn 1024 && exec "$SLUICE" run pipeline.yaml --summary-interval 0s) >server.log 2>&1 &
server=$!
trap 'kill -9 $server 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for_port "$PORT" "$server" server.log
URL="http://127.0.0.1:$PORT/v1/events"

# post STATUS ARGS...: one request with curl; fails unless the status is STATUS.
post() {
  local want=$1
  shift
  local got
  got=$(curl -s -o body.json -w '%{http_code}' --max-time 10 "$@")
  [[ $got == "$want" ]] || fail "curl $* answered $got, expected $want: $(head -c 300 body.json)"
}
J=(-H 'Content-Type: application/json')

post 200 "${J[@]}" --data-binary '[{"n":1},{"n":2}]' "$URL"
jq -e '.accepted == 2' body.json >/dev/null || fail "200 without the accepted count"
post 200 "${J[@]}" --data-binary '{"ts":"2026-11-24T17:00:00+07:00","n":"timed"}' "$URL"
post 400 "${J[@]}" --data-binary '[{"ts":"yesterday"},{"ts":1795514400}]' "$URL"
jq -e '.accepted == 0 and .errors[0].index == 0 and (.errors[0].error | test("time field .ts"))' body.json >/dev/null ||
  fail "an unreadable time field is not reported: $(cat body.json)"
post 400 "${J[@]}" --data-binary '{"n": 3' "$URL"
post 400 -H 'Content-Type: application/x-ndjson' --data-binary $'{"n":4}\n{"n":\n{"n":6}' "$URL"
jq -e '.accepted == 0 and .rejected == 1 and (.errors[0].error | test("line 2"))' body.json >/dev/null ||
  fail "400 report does not name the bad line: $(cat body.json)"
post 400 "${J[@]}" --data-binary '[{"n":1},' "$URL"
post 400 "${J[@]}" --data-binary $'\xff\xfe{"n":1}' "$URL"
post 400 "${J[@]}" --data-binary '[1, 2]' "$URL"
post 415 -H 'Content-Type: text/csv' --data-binary 'a,b' "$URL"
post 415 "${J[@]}" -H 'Content-Encoding: br' --data-binary '{}' "$URL"
post 400 "${J[@]}" -H 'Content-Encoding: gzip' --data-binary 'not gzip' "$URL"
echo '[{"n":"gzipped"}]' | gzip >ok.gz
post 200 "${J[@]}" -H 'Content-Encoding: gzip' --data-binary @ok.gz "$URL"
echo '{"n":"zstd"}' | zstd -q >ok.zst
post 200 "${J[@]}" -H 'Content-Encoding: zstd' --data-binary @ok.zst "$URL"
post 405 "$URL"
post 404 "${J[@]}" --data-binary '{}' "http://127.0.0.1:$PORT/elsewhere"
head -c 100000 /dev/zero | tr '\0' ' ' >big.json
post 413 "${J[@]}" --data-binary @big.json "$URL"
python3 -c 'print("[" + ",".join(["{\"pad\":\"%s\"}" % ("x" * 1000)] * 200) + "]")' | gzip >bomb.gz
post 413 "${J[@]}" -H 'Content-Encoding: gzip' --data-binary @bomb.gz "$URL"
pass "status codes: 200 400 405 404 413 415 with reports; gzip and zstd bodies"

URL2="http://127.0.0.1:$PORT2/v1/events"
N=(-H 'Content-Type: application/x-ndjson')
post 401 "${N[@]}" --data-binary '{"n":1}' "$URL2"
post 403 "${N[@]}" -H 'Authorization: Bearer k-three' --data-binary '{"n":1}' "$URL2"
post 400 "${N[@]}" -H 'Authorization: Bearer k-one' --data-binary $'{"n":"good1"}\n{"n":\n{"n":"good2"}' "$URL2"
jq -e '.accepted == 2 and .rejected == 1 and .errors[0].index == 1' body.json >/dev/null ||
  fail "accept_valid does not store the good events and report the bad one: $(cat body.json)"
post 200 "${N[@]}" -H 'X-API-Key: k-two' --data-binary '{"n":"good3"}' "$URL2"
pass "API keys: 401 without, 403 wrong, Bearer and X-API-Key accepted; accept_valid keeps good events"

# Raw sockets: truncated bodies, slow clients, garbage, thousands of connections.
python3 - "$PORT" "$PORT3" <<'PY' || fail "raw socket checks failed"
import socket, sys, time
port = int(sys.argv[1])
crowded_port = int(sys.argv[2])

def connect(to=None):
    s = socket.create_connection(("127.0.0.1", to or port), timeout=10)
    return s

def read_all(s):
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            return data + b"<timeout>"
        if not chunk:
            return data
        data += chunk

# Truncated body: Content-Length says 100, 10 bytes come, then the client stops.
# The body timeout (1 s) closes the connection; nothing half-read is accepted.
s = connect()
s.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{\"n\":1},")
start = time.time()
data = read_all(s)
assert b"<timeout>" not in data, "a stalled body was not timed out"
assert time.time() - start < 5, "the body timeout took too long"
assert b"200" not in data.split(b"\r\n")[0], data

# Slow headers (slowloris): one header byte per 0.3 s; the header timeout ends it.
s = connect()
start = time.time()
closed = False
for ch in b"POST /v1/events HTTP/1.1\r\nX-Slow: " + b"a" * 100:
    try:
        s.sendall(bytes([ch]))
    except OSError:
        closed = True
        break
    time.sleep(0.3)
    if time.time() - start > 4:
        break
s.settimeout(3)
if not closed:
    try:
        closed = s.recv(100) == b""
    except (ConnectionResetError, socket.timeout):
        closed = True
assert closed, "a slowloris client kept its connection past the header timeout"

# Expect: 100-continue: the server invites the body, then answers.
s = connect()
body = b'[{"n":"continued"}]'
s.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
          b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
interim = s.recv(100)
assert interim.startswith(b"HTTP/1.1 100"), interim
s.sendall(body)
final = s.recv(1000)
assert final.startswith(b"HTTP/1.1 200"), final

# An idle keep-alive connection is closed after idle_timeout (2 s), not kept forever.
start = time.time()
s.settimeout(6)
assert s.recv(100) == b"", "an idle keep-alive connection stayed open"
assert 1.5 < time.time() - start < 5, "idle timeout after %.1f s" % (time.time() - start)

# Garbage instead of HTTP gets 400 and a closed connection.
s = connect()
s.sendall(b"\x16\x03\x01\x02\x00garbage that is not http\r\n\r\n")
data = read_all(s)
assert data.startswith(b"HTTP/1.1 400"), data[:100]

# Thousands of concurrent connections, each with a request half sent.
held = []
for i in range(3000):
    c = connect()
    c.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\n")
    held.append(c)
# The server still answers a complete request meanwhile.
s = connect()
body = b'[{"alive":true}]'
s.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
          + str(len(body)).encode() + b"\r\n\r\n" + body)
data = read_all(s)
assert data.startswith(b"HTTP/1.1 200"), data[:200]
for c in held:
    c.close()
# Connections past max_connections (300 on the crowded source) are refused with 503,
# not left hanging.
held = []
for i in range(300):
    c = connect(crowded_port)
    c.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\n")
    held.append(c)
extra = [connect(crowded_port) for _ in range(100)]
refused = 0
for c in extra:
    c.settimeout(5)
    try:
        if c.recv(100).startswith(b"HTTP/1.1 503"):
            refused += 1
    except socket.timeout:
        pass
for c in held + extra:
    c.close()
assert refused > 0, "no connection over the limit was refused"
print("raw: truncated, slowloris, garbage, 3000 held connections, %d refused over the limit" % refused)
PY
pass "raw sockets: truncated body and slow clients time out, garbage gets 400, 3000 connections held"

# Afterwards the server is alive and every acknowledged event is stored once:
# 2 + 1 (timed) + 1 (gzip) + 1 (zstd) + 3 (lenient) + 1 (continued) + 1 (alive) + 1 (after).
post 200 "${J[@]}" --data-binary '{"after":true}' "$URL"
kill -TERM "$server"
wait "$server" || fail "server did not stop cleanly: $(tail -5 server.log)"
[[ $(cat out/*.ndjson | wc -l) -eq 11 ]] || fail "expected 11 stored events, got $(cat out/*.ndjson | wc -l)"
"$SLUICE" log dump ingest --data-dir data | jq -e -s 'map(select(.event.n == "timed"))[0].timestamp == "2026-11-24T10:00:00Z"' \
  >/dev/null || fail "the event time was not taken from the ts field"
pass "server alive afterwards; exactly the 11 acknowledged events stored; event time from the ts field"
