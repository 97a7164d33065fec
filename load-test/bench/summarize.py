"""Turns one tool's output into a JSON line (bench.sh), or the collected lines into a Markdown report.

  summarize.py LABEL < output            our report JSON or wrk's text -> {"label", "rps", "p99_ms", ...}
  summarize.py --report FILE DURATION WARMUP CONNS RATE RUNS
"""
import json
import re
import statistics
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def from_wrk(text):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    latency = {}
    for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        latency[pct] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    return {"rps": rps, "p50_ms": latency["50"], "p90_ms": latency["90"], "p99_ms": latency["99"],
            "errors": (int(errors.group(1)) if errors else 0) + (1 if socket_errors else 0)}


def from_ours(text):
    report = json.loads(text)
    precise = report["preciseLatencyMs"]
    return {"rps": report["rps"], "p50_ms": precise["p50"], "p90_ms": precise["p90"], "p99_ms": precise["p99"],
            "locust_p99_ms": report["latencyMs"]["p99"], "errors": report["failures"]}


def summarize(label):
    text = sys.stdin.read()
    figures = from_ours(text) if label.startswith("ours") else from_wrk(text)
    figures["label"] = label
    print(json.dumps(figures))


def report(path, duration, warmup, conns, rate, runs):
    rows = [json.loads(line) for line in open(path)]
    by = {}
    for row in rows:
        by.setdefault(row["label"], []).append(row)

    def med(label, key):
        return statistics.median(r[key] for r in by[label])

    def all_of(label, key, fmt):
        return ", ".join(fmt.format(r[key]) for r in by[label])

    print(f"Each figure is the median of {runs} runs of {duration} s with {conns} connections "
          f"(all runs in brackets); load-test measured after {warmup} s of unmeasured warm-up.\n")
    print("| measurement | tool | requests/s | p50 ms | p90 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    pause = int(conns) * 1000 // int(rate)
    for label, what, tool in (("ours-max", "throughput, unpaced", "load-test (event-loop engine)"),
                              ("wrk-max", "throughput, unpaced", "wrk 4.1.0"),
                              ("wrk-paced", f"latency, {pause} ms pause per connection", "wrk 4.1.0"),
                              ("ours-paced", f"latency, {pause} ms pause per connection",
                               "load-test (event-loop engine)"),
                              ("ours-locust4j-paced", f"latency, {pause} ms pause per connection",
                               "load-test (locust4j engine)")):
        print(f"| {what} | {tool} | {med(label, 'rps'):.0f} ({all_of(label, 'rps', '{:.0f}')}) "
              f"| {med(label, 'p50_ms'):.3f} | {med(label, 'p90_ms'):.3f} "
              f"| {med(label, 'p99_ms'):.3f} ({all_of(label, 'p99_ms', '{:.3f}')}) "
              f"| {sum(r['errors'] for r in by[label])} |")
    ours_p99 = med("ours-paced", "p99_ms")
    wrk_p99 = med("wrk-paced", "p99_ms")
    locust4j_p99 = med("ours-locust4j-paced", "p99_ms")
    print()
    print(f"- Generator throughput from one core: {med('ours-max', 'rps'):.0f} requests/s "
          f"(target >= 10000: {'met' if med('ours-max', 'rps') >= 10000 else 'NOT met'}).")
    print(f"- p99 under the same load (connections, pause): load-test {ours_p99:.3f} ms "
          f"(Locust-rounded: {statistics.median(r['locust_p99_ms'] for r in by['ours-paced']):g} ms), "
          f"wrk {wrk_p99:.3f} ms: {100 * (ours_p99 - wrk_p99) / wrk_p99:+.1f} % "
          f"(target within 10 %: {'met' if abs(ours_p99 - wrk_p99) <= 0.1 * wrk_p99 else 'NOT met'}); "
          f"the locust4j engine {locust4j_p99:.3f} ms: {100 * (locust4j_p99 - wrk_p99) / wrk_p99:+.1f} %.")


if __name__ == "__main__":
    if sys.argv[1] == "--report":
        report(sys.argv[2], *sys.argv[3:8])
    else:
        summarize(sys.argv[1])
