#!/usr/bin/env python3
"""Precision and recall of the anomaly detectors of bench/anomaly_eval.yaml.

Ground truth comes from the generator's labels, per service and window (a minute in
the demo): a window is an anomaly of a kind when at least 30% of the service's events
in it are labelled with it (an episode covers 18 s of a minute or more), ambiguous
when some but fewer are (an episode starts or ends in it), normal otherwise. The error-ratio detector is
scored against error bursts, the p99-latency detector against latency spikes.
A detection on an ambiguous minute counts neither way.

Episode level: consecutive anomalous or ambiguous minutes of one service and kind
are one episode, found when any of its minutes is detected; detections outside
every episode, grouped by consecutive minutes, are false alarms.

Usage: anomaly_score.py DATA_DIR [SKIP]   (prints one JSON object)
SKIP: seconds of event time at the start not scored (a seasonal model's first season).
"""
import glob
import json
import sys
from collections import defaultdict

KINDS = {"error_ratio": "labelled_errors", "p99_latency_ms": "labelled_latency"}


def seconds_of(ts):
    # "2026-11-24T10:05:59.999999Z" → whole seconds (the month is fixed in a run)
    date, time = ts.rstrip("Z").split("T")
    h, m, s = time.split(":")
    day = int(date.split("-")[2])
    return ((day * 24 + int(h)) * 60 + int(m)) * 60 + int(float(s))


def lines(pattern):
    for path in sorted(glob.glob(pattern)):
        with open(path) as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def main(data, skip=0):
    truth = {metric: {} for metric in KINDS}  # metric → (service, window) → "anomaly" | "ambiguous" | "normal"
    window = None
    windows = list(lines(f"{data}/minutes/*.ndjson"))
    first = min(seconds_of(w["window_start"]) for w in windows) if windows else 0
    for w in windows:
        window = window or seconds_of(w["window_end"]) - seconds_of(w["window_start"])
        if seconds_of(w["window_start"]) < first + skip:
            continue
        key = (w["service"], seconds_of(w["window_start"]))
        for metric, label in KINDS.items():
            share = w[label] / w["requests"] if w["requests"] else 0
            truth[metric][key] = "anomaly" if share >= 0.3 else "ambiguous" if share > 0 else "normal"
    detected = {metric: set() for metric in KINDS}
    for a in lines(f"{data}/anomalies/*.ndjson"):
        # An anomaly event has its window's time (the window's end − 1 µs): back to the window's start.
        start = seconds_of(a["ts"]) // window * window
        if start >= first + skip:
            detected[a["metric"]].add((a["service"], start))

    result = {}
    for metric in KINDS:
        t, d = truth[metric], detected[metric]
        tp = sum(1 for k in d if t.get(k) == "anomaly")
        fp = sum(1 for k in d if t.get(k, "normal") == "normal")
        fn = sum(1 for k, v in t.items() if v == "anomaly" and k not in d)
        # Episodes: runs of non-normal minutes per service.
        episodes, alarms = [], []
        by_service = defaultdict(list)
        for (service, minute), v in t.items():
            by_service[service].append((minute, v))
        for service, minutes in by_service.items():
            minutes.sort()
            run, run_alarm = [], []
            for minute, v in minutes + [(None, "normal")]:
                if v != "normal":
                    run.append(minute)
                elif run:
                    if any(t[(service, m)] == "anomaly" for m in run):
                        episodes.append(any((service, m) in d for m in run))
                    run = []
                hit = minute is not None and (service, minute) in d and v == "normal"
                if hit:
                    run_alarm.append(minute)
                elif run_alarm:
                    alarms.append(run_alarm)
                    run_alarm = []
        found = sum(episodes)
        result[metric] = {
            "minutes": {"true_positives": tp, "false_positives": fp, "false_negatives": fn,
                        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
                        "recall": round(tp / (tp + fn), 4) if tp + fn else None},
            "episodes": {"episodes": len(episodes), "found": found, "false_alarms": len(alarms),
                         "precision": round(found / (found + len(alarms)), 4) if found + len(alarms) else None,
                         "recall": round(found / len(episodes), 4) if episodes else None},
        }
    all_tp = sum(result[m]["minutes"]["true_positives"] for m in KINDS)
    all_fp = sum(result[m]["minutes"]["false_positives"] for m in KINDS)
    all_fn = sum(result[m]["minutes"]["false_negatives"] for m in KINDS)
    result["overall_minutes"] = {"precision": round(all_tp / (all_tp + all_fp), 4) if all_tp + all_fp else None,
                                 "recall": round(all_tp / (all_tp + all_fn), 4) if all_tp + all_fn else None}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
