#!/usr/bin/env bash
# Runs the whole test command (.ci/run: `npm ci && npm test`, then the one-line count) while a CPU
# hog keeps one core busy, to show that no test's verdict depends on how fast the machine is.
#   bash tools/ci/stress.sh [RUNS]        # default 2 runs, one after the other
#   CI=true bash tools/ci/stress.sh 2     # as CI runs it (a missing service fails instead of skipping)
# Each run's output goes to tmp/stress/run-N.log; one summary line per run to tmp/stress/summary.txt.
set -uo pipefail
cd "$(dirname "$0")/../.."

runs=${1:-2}
cpu=$(( $(nproc) - 1 ))
mkdir -p tmp/stress

# The hog: stress-ng where Debian's package is installed, else `yes` (a busy loop too), pinned to the
# last core so it keeps exactly one core busy for as long as the runs last.
if command -v stress-ng >/dev/null 2>&1; then
  hog=(stress-ng --cpu 1 --cpu-method int64 --taskset "$cpu" --timeout 0 --quiet)
else
  hog=(taskset -c "$cpu" sh -c 'yes > /dev/null')
fi
"${hog[@]}" &
hog_pid=$!
stop_hog() { pkill -P "$hog_pid" 2>/dev/null; kill "$hog_pid" 2>/dev/null; wait "$hog_pid" 2>/dev/null; }
trap stop_hog EXIT
echo "CPU hog on core $cpu: ${hog[*]} (pid $hog_pid)"

status=0
for i in $(seq 1 "$runs"); do
  started=$(date +%s)
  bash .ci/run > "tmp/stress/run-$i.log" 2>&1
  code=$?
  took=$(( $(date +%s) - started ))
  counts=$(tail -n 1 "tmp/stress/run-$i.log")
  line="run $i of $runs with one core busy: ${counts} (exit ${code}) in ${took} s, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "$line" | tee -a tmp/stress/summary.txt
  [ "$code" -eq 0 ] || status=$code
done
exit "$status"
