"""Checks the Java worker's report against what the Locust master recorded for the same run.

  compare.py MASTER_JSON WORKER_REPORT_JSON

The master's figures are computed by Locust itself (locust.stats.calculate_response_time_percentile over the
response_times dict it merged from the worker's stats messages).
"""
import json
import sys

from locust.stats import calculate_response_time_percentile

master_entries = json.load(open(sys.argv[1]))
worker = json.load(open(sys.argv[2]))

entry = next(e for e in master_entries if e["name"] == "/predict" and e["method"] == "POST")
times = {int(k): v for k, v in entry["response_times"].items()}
problems = []
if entry["num_requests"] != worker["requests"]:
    problems.append(f"requests: master {entry['num_requests']}, worker {worker['requests']}")
if entry["num_failures"] != worker["failures"]:
    problems.append(f"failures: master {entry['num_failures']}, worker {worker['failures']}")
for name, percent in (("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99)):
    by_locust = calculate_response_time_percentile(times, entry["num_requests"], percent)
    print(f"{name}: Locust master {by_locust} ms, worker report {worker['latencyMs'][name]:g} ms")
    if by_locust != worker["latencyMs"][name]:
        problems.append(f"{name}: master {by_locust}, worker {worker['latencyMs'][name]}")
print(f"requests: Locust master {entry['num_requests']}, worker report {worker['requests']}")
if problems:
    print("MISMATCH: " + "; ".join(problems))
    sys.exit(1)
print("the Locust master and the worker report agree")
