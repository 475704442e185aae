# The packed distribution as a benchmark runs it. Sourced (not run) by bench/converge.sh and bench/heal.sh.
#
# dist_unpack unpacks the distribution (the newest karaf-assembly/target/infrakit-karaf-assembly-*.tar.gz unless
# DIST names one) into a new temporary directory under WORK_BASE, with its own INFRAKIT_HOME and plugins directory;
# dist_set changes a key of etc/<PID>.cfg in that copy; dist_start starts Karaf with bin/start and waits for sockets.
# The EXIT trap stops Karaf (kill -9 after 30 s) and removes the directory unless KEEP=1, however the script ends; a
# script that has more to clean up defines bench_before_stop (run while Karaf still runs) or bench_after_stop.
#
# Before sourcing, the script sets ROOT (the repository), WORK_BASE (/tmp), KEEP (0) and DIST (empty for the newest).
# Afterwards: WORK, KARAF (the unpacked Karaf), KPID (its pid, after dist_start), INFRAKIT_HOME,
# INFRAKIT_PLUGINS_DIR (exported), and the functions below.

KARAF=""
KPID=""
WORK=""

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# rpc SOCKET METHOD PARAMS-JSON: one JSON-RPC call with curl, the answer on stdout.
rpc() {
  curl -s --max-time 600 --unix-socket "$INFRAKIT_PLUGINS_DIR/$1" http://rpc -H 'Content-Type: application/json' \
       -d "{\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":$3,\"id\":1}"
}

dist_cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM              # an interrupt must not cut the cleanup short
  if [[ -n "$KARAF" && -x "$KARAF/bin/stop" ]]; then
    if declare -F bench_before_stop >/dev/null; then bench_before_stop || true; fi
    log "stopping Karaf"
    "$KARAF/bin/stop" >/dev/null 2>&1 || true
    if [[ -n "$KPID" ]]; then
      for _ in $(seq 300); do kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$KPID" 2>/dev/null; then log "Karaf ($KPID) still running after 30 s: killing it"; kill -9 "$KPID" 2>/dev/null || true; fi
    fi
    if declare -F bench_after_stop >/dev/null; then bench_after_stop || true; fi
  fi
  if [[ -n "$WORK" ]]; then
    if ((KEEP)); then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}

# dist_unpack PREFIX: the checks, the temporary directory ($WORK_BASE/PREFIX.XXXXXX) and the unpacked copy.
dist_unpack() {
  local tool
  for tool in curl python3 tar; do
    command -v "$tool" >/dev/null || { echo "$tool is needed and not installed" >&2; exit 1; }
  done
  if [[ -z "$DIST" ]]; then
    DIST="$(ls -t "$ROOT"/karaf-assembly/target/infrakit-karaf-assembly-*.tar.gz 2>/dev/null | head -1 || true)"
  fi
  [[ -f "$DIST" ]] || { echo "no distribution: build it first (mvn -B -q install -DskipTests) or give --dist FILE" >&2; exit 1; }
  if [[ -z "${JAVA_HOME:-}" && -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then
    export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
  fi
  [[ -d "$WORK_BASE" ]] || { echo "no such directory: $WORK_BASE" >&2; exit 2; }
  WORK="$(mktemp -d "$WORK_BASE/$1.XXXXXX")"
  export INFRAKIT_HOME="$WORK/home"
  export INFRAKIT_PLUGINS_DIR="$WORK/p"
  mkdir -p "$INFRAKIT_HOME" "$INFRAKIT_PLUGINS_DIR"
  trap dist_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  log "unpacking $(basename "$DIST") into $WORK"
  tar -xzf "$DIST" -C "$WORK"
  KARAF="$(ls -d "$WORK"/*/bin/karaf 2>/dev/null | head -1)"
  KARAF="${KARAF%/bin/karaf}"
  [[ -x "$KARAF/bin/start" ]] || { echo "no bin/start in $DIST" >&2; exit 1; }
}

# dist_set PID:KEY=VALUE: replace the key's line (commented out or not) in etc/PID.cfg of the copy, or append it.
dist_set() {
  [[ "$1" =~ ^([^:/]+):([^=]+)=(.*)$ ]] || { echo "--set wants PID:KEY=VALUE, not $1" >&2; exit 2; }
  python3 - "$KARAF/etc/${BASH_REMATCH[1]}.cfg" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" <<'PY'
import os, re, sys
path, key, value = sys.argv[1:]
lines = open(path).read().splitlines() if os.path.exists(path) else []
pat = re.compile(r'^\s*#?\s*' + re.escape(key) + r'\s*[=:]')
out, done = [], False
for line in lines:
    if pat.match(line):
        if not done:
            out.append(f'{key} = {value}')
            done = True
        elif not line.lstrip().startswith('#'):
            continue                      # a second, active definition of the key: drop it
        else:
            out.append(line)
    else:
        out.append(line)
if not done:
    out.append(f'{key} = {value}')
open(path, 'w').write('\n'.join(out) + '\n')
print(f'set {key} = {value} in etc/{os.path.basename(path)}', file=sys.stderr)
PY
}

# dist_cfg_value PID KEY DEFAULT: the value an etc/PID.cfg of the copy sets, or DEFAULT.
dist_cfg_value() {
  local v
  v="$(sed -n "s/^[[:space:]]*${2//./\\.}[[:space:]]*[=:][[:space:]]*\\([^[:space:]#]*\\).*/\\1/p" "$KARAF/etc/$1.cfg" 2>/dev/null | tail -1)"
  echo "${v:-$3}"
}

# dist_cfg_summary PID: the keys an etc/PID.cfg of the copy sets, on one line.
dist_cfg_summary() {
  grep -E '^[[:space:]]*[^#[:space:]]' "$KARAF/etc/$1.cfg" | sed 's/[[:space:]]*=[[:space:]]*/=/' | paste -sd ' ' -
}

# dist_start SOCKET...: starts Karaf and waits (180 s at most) until every socket exists and `group` answers.
dist_start() {
  log "starting Karaf (INFRAKIT_HOME=$INFRAKIT_HOME)"
  "$KARAF/bin/start"
  local deadline=$((SECONDS + 180)) s ready
  while :; do
    ready=1
    for s in "$@"; do [[ -S "$INFRAKIT_PLUGINS_DIR/$s" ]] || ready=0; done
    if ((ready)) && rpc group Handshake.Implements '{}' 2>/dev/null | grep -q '"Group"'; then break; fi
    ((SECONDS < deadline)) || { echo "the sockets $* did not answer within 180 s; see $KARAF/data/log/karaf.log" >&2; KEEP=1; exit 1; }
    sleep 0.2
  done
  for _ in $(seq 100); do [[ -s "$KARAF/karaf.pid" ]] && break; sleep 0.1; done
  KPID="$(tr -dc 0-9 < "$KARAF/karaf.pid" 2>/dev/null || true)"
  [[ -n "$KPID" && -r "/proc/$KPID/stat" ]] || KPID="$(pgrep -f "karaf.base=$KARAF" | head -1)"
}

# dist_tree: the repository's HEAD and how many files under bundles/, features/, karaf-assembly/ differ from it.
dist_tree() {
  local commit dirty
  commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  dirty="$(git -C "$ROOT" status --porcelain -- bundles features karaf-assembly 2>/dev/null | wc -l || echo 0)"
  echo "$commit $dirty"
}
