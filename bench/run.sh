#!/usr/bin/env bash
# Benchmark of the JSON-RPC transport: a BenchServer JVM serving one Instance plugin on a Unix socket,
# and one BenchClient JVM per measured point. Prints a Markdown table (also saved under bench/target/).
#
# Usage: bash bench/run.sh            (from anywhere; see bench/README.md for the knobs below)
#   WARMUP=12 MEASURE=6               seconds per point, warm-up then measured (C2 needs ~10 s here)
#   OPS="handshake describe"          operations
#   THREADS="1 8"                     client threads
#   MODES="rpc raw floor codec"       rpc = the product's RpcClient; raw = the same Jetty client sending
#                                     pre-encoded bytes; floor = as many bytes over a plain blocking socket
#                                     to an echo thread; codec = the JSON work only, in one JVM (1 thread)
#   REPEAT=1                          runs per point; the table keeps the one least disturbed by other
#                                     programs (lowest "other load"); every run is in the client log
#   QUIET_WAIT=30                     before each run, wait up to this many seconds for the machine to be idle
#   JVM_OPTS="..."                    flags of both JVMs
#   TASKSET=split                     pin the server to CPU 0 and the client to CPU 1;
#   TASKSET=same                      pin both to CPU 0 (default: no pinning)
#   JFR=1                             record JFR profiles of both sides into bench/target/jfr/
#   INSTALL=1                         rebuild bundles/spi and bundles/rpc into ~/.m2 first (done anyway when
#                                     the rpc jar is missing there; a warning tells when it is older than the sources)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"

WARMUP="${WARMUP:-12}"
MEASURE="${MEASURE:-6}"
OPS="${OPS:-handshake describe}"
THREADS="${THREADS:-1 8}"
MODES="${MODES:-rpc raw floor codec}"
REPEAT="${REPEAT:-1}"
QUIET_WAIT="${QUIET_WAIT:-30}"
JVM_OPTS="${JVM_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC -XX:+AlwaysPreTouch}"
TASKSET="${TASKSET:-0}"
JFR="${JFR:-0}"
INSTALL="${INSTALL:-0}"
RPC_JAR="${MAVEN_REPO:-$HOME/.m2/repository}/io/infrakit/infrakit-rpc/0.1.0-SNAPSHOT/infrakit-rpc-0.1.0-SNAPSHOT.jar"

if [[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then
  JAVA=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
else
  JAVA="$(command -v java)"
fi

log() { printf '%s\n' "$*" >&2; }

# Busy CPU of the whole machine in ticks, and all ticks, from /proc/stat.
cpu_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }

# Waits (up to QUIET_WAIT s) until the machine has been under 10% busy for a second: other programs
# on a 2-core machine move the numbers more than anything measured here.
wait_quiet() {
  local deadline=$((SECONDS + QUIET_WAIT)) a b
  while ((SECONDS < deadline)); do
    read -r -a a < <(cpu_ticks); sleep 1; read -r -a b < <(cpu_ticks)
    (( (b[0] - a[0]) * 10 < (b[1] - a[1]) )) && return 0
  done
  log "   (machine still busy after ${QUIET_WAIT}s; measuring anyway, see the 'other load' column)"
}

# Maven offline first (fast, no network), online if something is missing from ~/.m2.
mvn_build() {
  # Maven's output goes to stderr: stdout is only the table
  mvn -q -o "$@" >&2 || { log "offline build failed; retrying online"; mvn -q "$@" >&2; }
}

if [[ "$INSTALL" == 1 || ! -f "$RPC_JAR" ]]; then
  log "== installing bundles/spi and bundles/rpc from this tree"
  (cd "$ROOT" && mvn_build install -DskipTests -pl bundles/spi,bundles/rpc -am)
elif [[ -n "$(find "$ROOT/bundles/spi/src/main" "$ROOT/bundles/rpc/src/main" -newer "$RPC_JAR" -print -quit 2>/dev/null)" ]]; then
  log "WARNING: $RPC_JAR is older than the sources; run with INSTALL=1 to measure the current tree"
fi
log "== building bench"
mvn_build -f "$BENCH_DIR/pom.xml" package -DskipTests
CP="$BENCH_DIR/target/infrakit-bench.jar:$BENCH_DIR/target/lib/*"

SERVER_CPU=() CLIENT_CPU=()
case "$TASKSET" in
  split) SERVER_CPU=(taskset -c 0) CLIENT_CPU=(taskset -c 1) ;;
  same) SERVER_CPU=(taskset -c 0) CLIENT_CPU=(taskset -c 0) ;;
  0 | "") ;;
  *) log "TASKSET must be split, same or 0"; exit 2 ;;
esac

OUT="$BENCH_DIR/target/results"
mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"
JFR_DIR="$BENCH_DIR/target/jfr/$STAMP"
SERVER_JFR=()
if [[ "$JFR" == 1 ]]; then
  mkdir -p "$JFR_DIR"
  SERVER_JFR=("-XX:StartFlightRecording=filename=$JFR_DIR/server.jfr,settings=profile,dumponexit=true")
fi

PLUGINS_DIR="$(mktemp -d /tmp/ikb.XXXXXX)"
SERVER_LOG="$OUT/server-$STAMP.log"
BENCH_SERVER_PID="" SERVER_IN=""

cleanup() {
  if [[ -n "$BENCH_SERVER_PID" ]]; then
    # closing its stdin stops the server; kill it only if it does not go within 10 s
    [[ -n "$SERVER_IN" ]] && eval "exec $SERVER_IN>&-"
    for _ in $(seq 1 100); do
      kill -0 "$BENCH_SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$BENCH_SERVER_PID" 2>/dev/null || true
    wait "$BENCH_SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$PLUGINS_DIR"
}
trap cleanup EXIT

log "== starting server ($JAVA)"
# shellcheck disable=SC2086
coproc SERVER { exec "${SERVER_CPU[@]}" "$JAVA" $JVM_OPTS "${SERVER_JFR[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$CP" io.infrakit.bench.BenchServer "$PLUGINS_DIR" 2>"$SERVER_LOG"; }
# bash unsets the coproc variables when it reaps the coproc: keep copies
BENCH_SERVER_PID="$SERVER_PID" SERVER_IN="${SERVER[1]}" SERVER_OUT="${SERVER[0]}"
SOCKET=""
while IFS= read -r -t 60 -u "$SERVER_OUT" line; do
  if [[ "$line" == READY\ * ]]; then
    SOCKET="${line#READY }"
    break
  fi
done
if [[ -z "$SOCKET" ]]; then
  log "server did not become ready; its log:"
  cat "$SERVER_LOG" >&2
  exit 1
fi
log "== server pid $BENCH_SERVER_PID ready on $SOCKET"

HEADER="| operation | client | threads | calls/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | failures | client CPU µs/call | server CPU µs/call | other load (cores) |"
RULE="|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
ROWS=()
STATUS=0
for op in $OPS; do
  for mode in $MODES; do
    for t in $THREADS; do
      [[ "$mode" == codec && "$t" != 1 ]] && continue
      CLIENT_JFR=()
      if [[ "$JFR" == 1 ]]; then
        CLIENT_JFR=("-XX:StartFlightRecording=filename=$JFR_DIR/client-$op-$mode-$t.jfr,settings=profile")
      fi
      best="" best_load=""
      for attempt in $(seq 1 "$REPEAT"); do
        wait_quiet
        log "-- $op $mode threads=$t run $attempt/$REPEAT (warm-up ${WARMUP}s, measure ${MEASURE}s)"
        # shellcheck disable=SC2086
        if row="$("${CLIENT_CPU[@]}" "$JAVA" $JVM_OPTS "${CLIENT_JFR[@]}" -cp "$CP" io.infrakit.bench.BenchClient \
            "$op" "$t" "$WARMUP" "$MEASURE" "$SOCKET" "$mode" "$BENCH_SERVER_PID" 2>>"$OUT/client-$STAMP.log")"; then
          :
        else
          STATUS=1
          log "   failures; see $OUT/client-$STAMP.log"
        fi
        row="$(grep '^ROW ' <<<"$row" | sed 's/^ROW //' || true)"
        log "   $row"
        # the last column is the other programs' load; keep the least disturbed run
        load="$(awk -F'|' '{gsub(/ /, "", $(NF-1)); print $(NF-1)}' <<<"$row")"
        if [[ -z "$row" ]]; then
          continue
        elif [[ -z "$best" ]] || awk -v a="$load" -v b="$best_load" 'BEGIN { exit !(a + 0 < b + 0) }'; then
          best="$row" best_load="$load"
        fi
      done
      ROWS+=("${best:-| $op | $mode | $t | no result: see $OUT/client-$STAMP.log |}")
    done
  done
done

{
  echo "Run $STAMP on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $("$JAVA" -version 2>&1 | head -1)"
  echo "JVM flags: $JVM_OPTS; taskset: $TASKSET; warm-up ${WARMUP}s, measured ${MEASURE}s per point, least disturbed of $REPEAT run(s); tree $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown), rpc jar of $(date -r "$RPC_JAR" '+%F %T')"
  echo
  echo "$HEADER"
  echo "$RULE"
  printf '%s\n' "${ROWS[@]}"
} | tee "$OUT/results-$STAMP.md"
log "== saved $OUT/results-$STAMP.md"
exit "$STATUS"
