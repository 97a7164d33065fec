#!/usr/bin/env bash
# Runs the load generator as a worker of a real Locust 2.x master (pip's locust, headless) against a stand-in
# recommender, then checks that the master's figures (requests, failures, Locust's own percentiles over the
# response times it received) equal those in the worker's report.
#
# Usage: load-test/locust/check-against-locust.sh     (from the repository root)
# Environment: LOCUST_VERSION=2.47.0, LOCUST_VENV=<a venv to reuse>, RUN_TIME=6s, USERS=4, RPS=200
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
LOCUST_VERSION="${LOCUST_VERSION:-2.47.0}"
RUN_TIME="${RUN_TIME:-6s}"
USERS="${USERS:-4}"
RPS="${RPS:-200}"
jar="$root/load-test/target/load-test.jar"
work="$(mktemp -d)"
venv="${LOCUST_VENV:-$work/venv}"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$venv/bin/locust" ]; then
    echo "installing locust $LOCUST_VERSION into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "locust==$LOCUST_VERSION"
fi
if [ ! -f "$jar" ]; then
    (cd "$root" && mvn -B -q -pl load-test -am package -DskipTests)
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
target_port="$(free_port)"
master_port="$(free_port)"

python3 "$here/target.py" "$target_port" &
pids+=($!)
"$venv/bin/locust" -f "$here/locustfile.py" --master --headless --master-bind-host 127.0.0.1 \
    --master-bind-port "$master_port" --expect-workers 1 -u "$USERS" -r "$USERS" -t "$RUN_TIME" \
    --host "http://127.0.0.1:$target_port" --json --only-summary > "$work/master.json" 2> "$work/master.log" &
master_pid=$!
pids+=("$master_pid")

# The target on the command line is a dead end: the master's --host must be the one loaded.
status=0
java -jar "$jar" --target http://127.0.0.1:1 --known-users 1-610 --locust-master "127.0.0.1:$master_port" --rps "$RPS" \
    --duration 5m --report-out "$work/worker.json" > /dev/null 2> "$work/worker.log" || status=$?
wait "$master_pid" || true
echo "worker exit status: $status"
grep -E "reported as ready|All users spawned|Shutting down" "$work/master.log" || true
"$venv/bin/python" "$here/compare.py" "$work/master.json" "$work/worker.json"
