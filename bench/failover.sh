#!/usr/bin/env bash
# Manager failover with ZooKeeper: time from the leader's process being killed (kill -9) to the new leader's
# group plugin running every group again, for 1 and 100 groups, at the ZooKeeper backend's default settings.
# A 3-server ensemble runs in the harness JVM (FailoverBench); each repetition starts 3 manager JVMs
# (FailoverNode: GroupManager + ZooKeeperBackend + an in-memory stateless group plugin), commits the groups
# through the leader and kills it. Prints a Markdown table (also saved under bench/target/results/).
#
# Usage: bash bench/failover.sh
#   TICK=500             the servers' tickTime (ms); it is also the granularity of session expiry
#   MIN_SESSION=         the servers' minSessionTimeout (ms); default 2 x TICK, as in zoo.cfg. The backend asks
#                        for 2000 ms sessions: the servers grant max(2000, minSessionTimeout)
#   REPS=7               repetitions per group count
#   COUNTS="1 100"       group counts
#   INSTALL=1            install bundles/spi, rpc, group, manager and manager-zookeeper from this tree first
#                        (done anyway when manager-zookeeper is missing from the local repository)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
TICK="${TICK:-500}"
MIN_SESSION="${MIN_SESSION:-$((2 * TICK))}"
REPS="${REPS:-7}"
COUNTS="${COUNTS:-1 100}"
INSTALL="${INSTALL:-0}"
ZK_JAR="${MAVEN_REPO:-$HOME/.m2/repository}/io/infrakit/infrakit-manager-zookeeper/0.1.0-SNAPSHOT/infrakit-manager-zookeeper-0.1.0-SNAPSHOT.jar"

if [[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="$(command -v java)"
fi
log() { printf '%s\n' "$*" >&2; }
mvn_build() {
  mvn -q -o "$@" >&2 || { log "offline build failed; retrying online"; mvn -q "$@" >&2; }
}

if [[ "$INSTALL" == 1 || ! -f "$ZK_JAR" ]]; then
  log "== installing the manager and its ZooKeeper backend from this tree"
  (cd "$ROOT" && mvn_build install -DskipTests -pl bundles/manager-zookeeper,bundles/manager -am)
fi
log "== building bench"
mvn_build -f "$BENCH_DIR/pom.xml" package -DskipTests
CP="$BENCH_DIR/target/infrakit-bench.jar:$BENCH_DIR/target/lib/*"

OUT="$BENCH_DIR/target/results"
STAMP="$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
log "== failover: tickTime $TICK ms, minSessionTimeout $MIN_SESSION ms, $REPS runs per group count ($COUNTS)"
# shellcheck disable=SC2086
TABLE="$("$JAVA" -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$CP" io.infrakit.bench.FailoverBench \
  "$OUT/failover-$STAMP" "$TICK" "$MIN_SESSION" "$REPS" $COUNTS 2> >(tee "$OUT/failover-$STAMP.log" >&2))"
{
  echo "Run $STAMP on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $("$JAVA" -version 2>&1 | head -1)"
  echo "Servers: 3 in one JVM, tickTime=$TICK, minSessionTimeout=$MIN_SESSION; managers: 3 JVMs, ZooKeeper backend defaults (session.timeout.ms=2000); tree $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
  echo
  echo "$TABLE"
} | tee "$OUT/failover-$STAMP.md"
log "== saved $OUT/failover-$STAMP.md"
