"""A stand-in OpenTelemetry collector for the tracing test: accepts OTLP/HTTP JSON
on POST /v1/traces, checks each body is an ExportTraceServiceRequest, and appends
every span (with its resource) as one JSON line to OUT. While the file FAIL_FLAG
exists it answers 503, as a collector that is down would.

    python3 otlp_receiver.py PORT_FILE OUT FAIL_FLAG SECONDS [CERT KEY]

Writes its port into PORT_FILE once it listens; stops by itself after SECONDS. With
CERT and KEY (PEM files) it speaks HTTPS.
"""
import json
import os
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, out_path, fail_flag, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, body=b"{}"):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if os.path.exists(fail_flag):
            return self.answer(503, b'{"error":"down for the test"}')
        if self.path != "/v1/traces" or self.headers.get("Content-Type") != "application/json":
            return self.answer(400, b'{"error":"expected application/json on /v1/traces"}')
        try:
            request = json.loads(body)
            lines = []
            for rs in request["resourceSpans"]:
                resource = {a["key"]: a["value"] for a in rs["resource"]["attributes"]}
                for ss in rs["scopeSpans"]:
                    for span in ss["spans"]:
                        lines.append(json.dumps({"resource": resource, "scope": ss["scope"], "span": span}))
        except (ValueError, KeyError, TypeError) as e:
            return self.answer(400, json.dumps({"error": "not an ExportTraceServiceRequest: %s" % e}).encode())
        with lock, open(out_path, "a") as out:
            for line in lines:
                out.write(line + "\n")
        self.answer(200)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if len(sys.argv) > 6:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[5], sys.argv[6])
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
threading.Timer(seconds, server.shutdown).start()
server.serve_forever()
