#!/usr/bin/env bash
# Self-healing latency and idle cost of the default group plugin, on the real assembly.
# Boots karaf-assembly/target/assembly with a throw-away INFRAKIT_HOME, commits examples/cattle.json
# (5 file instances), then ROUNDS times deletes one instance file and measures how long until the group
# has 5 instances again. Then it leaves the converged group alone for IDLE seconds and reports the CPU
# time Karaf used meanwhile. Needs `mvn -B -q install -DskipTests` first.
#
# Usage: bash bench/heal.sh        (ROUNDS=20 IDLE=30 by default)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KARAF="$ROOT/karaf-assembly/target/assembly"
ROUNDS="${ROUNDS:-20}"
IDLE="${IDLE:-30}"
[[ -x "$KARAF/bin/karaf" ]] || { echo "build first: mvn -B -q install -DskipTests" >&2; exit 1; }
if [[ -d /usr/lib/jvm/java-17-openjdk-amd64 ]]; then export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64; fi

HOME_DIR="$(mktemp -d /tmp/ikheal.XXXXXX)"
export INFRAKIT_HOME="$HOME_DIR"
SOCK="$HOME_DIR/plugins/group"
FILES="$HOME_DIR/instances/instance-file"
cleanup() { "$KARAF/bin/stop" >/dev/null 2>&1 || true; rm -rf "$HOME_DIR"; }
trap cleanup EXIT

now_ms() { date +%s%3N; }
count() { find "$FILES" -maxdepth 1 -type f -name 'instance-*' 2>/dev/null | wc -l; }
wait_until() { # condition, timeout seconds
  local deadline=$(( $(now_ms) + $2 * 1000 ))
  until eval "$1"; do
    (( $(now_ms) < deadline )) || { echo "timed out waiting for: $1" >&2; exit 1; }
    sleep 0.005
  done
}
rpc() { curl -s --unix-socket "$SOCK" http://rpc -H 'Content-Type: application/json' -d "$1"; }

"$KARAF/bin/start"
wait_until '[[ -S "$SOCK" && -S "$HOME_DIR/plugins/instance-file" && -S "$HOME_DIR/plugins/flavor-vanilla" ]]' 120
out=$(rpc "{\"jsonrpc\":\"2.0\",\"method\":\"Group.CommitGroup\",\"params\":{\"Spec\":$(cat "$ROOT/examples/cattle.json"),\"Pretend\":false},\"id\":1}"); echo "commit: $out"
wait_until "[[ \$(count) -eq 5 ]]" 60; echo "converged: 5 instances"

latencies=()
for ((i = 0; i < ROUNDS; i++)); do
  victim="$(find "$FILES" -maxdepth 1 -type f -name 'instance-*' | head -1)"
  start=$(now_ms)
  rm -f "$victim"
  wait_until "[[ \$(count) -eq 5 ]]" 30 || { ls -la "$FILES"; exit 1; }
  latencies+=($(( $(now_ms) - start )))
  sleep 1.$((RANDOM % 10))   # let the group list the new instance, and spread the deletions over the poll interval
done
sorted=($(printf '%s\n' "${latencies[@]}" | sort -n))
n=${#sorted[@]}
sum=0; for l in "${sorted[@]}"; do sum=$((sum + l)); done
echo "self-healing over $n deletions: mean $((sum / n)) ms, median ${sorted[$((n / 2))]} ms, max ${sorted[$((n - 1))]} ms"

PID="$(pgrep -f "karaf.base=$KARAF" | head -1)"
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
t0=$(ticks); sleep "$IDLE"; t1=$(ticks)
hz=$(getconf CLK_TCK)
echo "idle cost with one converged group of 5: $(( (t1 - t0) * 1000 / hz )) ms of CPU in ${IDLE} s ($(awk "BEGIN{printf \"%.2f\", ($t1-$t0)*100/$hz/$IDLE}")% of one core)"
