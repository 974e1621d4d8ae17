"""Events for the window tests, and the windows they must produce.

Usage: window_events.py SEED COUNT MAX_STEP_MS

Writes events.ndjson: COUNT events of six services in time order (each MAX_STEP_MS at
most after the one before, from 2026-01-01T00:00:00Z), then one event a day later that
closes every window. Writes the independent computation of their windows:
expected_tumbling.txt (1-minute: service, start in µs, count, sum, min, max of bytes)
and expected_hopping.txt (5 minutes sliding by 1: service, start in µs, count, sum).
"""
import json
import random
import sys

seed, count, max_step_ms = (int(a) for a in sys.argv[1:4])
random.seed(seed)
services = ["gateway", "users", "orders", "payments", "search", "catalog"]
base_ms = 1_767_225_600_000  # 2026-01-01T00:00:00Z
events, t = [], base_ms
for i in range(count):
    t += random.randint(0, max_step_ms)
    events.append({"id": i, "service": random.choice(services), "ts": t, "bytes": random.randint(0, 100_000),
                   "latency_ms": round(random.lognormvariate(3, 1), 3), "user": "u%d" % random.randint(0, 3000)})
events.append({"id": -1, "service": "zz-end", "ts": t + 86_400_000, "bytes": 0, "latency_ms": 1.0, "user": "end"})
with open("events.ndjson", "w") as f:
    for e in events:
        f.write(json.dumps(e) + "\n")
tumbling, hopping = {}, {}
for e in events[:-1]:
    minute = e["ts"] // 60_000 * 60_000
    w = tumbling.setdefault((e["service"], minute), [0, 0, 10**9, -1])
    w[0] += 1
    w[1] += e["bytes"]
    w[2] = min(w[2], e["bytes"])
    w[3] = max(w[3], e["bytes"])
    for start in range(minute - 4 * 60_000, minute + 1, 60_000):
        h = hopping.setdefault((e["service"], start), [0, 0])
        h[0] += 1
        h[1] += e["bytes"]
with open("expected_tumbling.txt", "w") as f:
    for (s, m), (n, b, lo, hi) in sorted(tumbling.items()):
        f.write("%s %d %d %d %d %d\n" % (s, m * 1000, n, b, lo, hi))
with open("expected_hopping.txt", "w") as f:
    for (s, m), (n, b) in sorted(hopping.items()):
        f.write("%s %d %d %d\n" % (s, m * 1000, n, b))
