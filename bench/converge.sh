#!/usr/bin/env bash
# Convergence, self-healing, idle cost and destroy of large groups on the real distribution.
#
# Unpacks the distribution (karaf-assembly/target/infrakit-karaf-assembly-*.tar.gz) into a temporary
# directory with its own INFRAKIT_HOME and plugins directory, starts it with bin/start (and stops it at
# the end, however the script ends), waits for the `group`, `instance-file` and `flavor-vanilla`
# sockets, then for each group size N, REPS times:
#
#   1. converge  Group.CommitGroup of examples/cattle.json with Size N (file instances, vanilla flavor)
#                to the `group` socket; time from sending the commit to the first answer of
#                Instance.DescribeInstances {"infrakit.group": <id>} on `instance-file` listing N.
#   2. heal      right after that answer: delete one instance file; time until a new instance ID is
#                listed and the count is N again.
#   3. steady    the same again once the group has been converged for STEADY s (5) plus a random part
#                of the group plugin's poll interval (so that deletions fall anywhere in its cycle).
#   4. idle      the benchmark stops calling anything; Karaf's process CPU (utime+stime of
#                /proc/<pid>/stat) over IDLE s (30), as cores = CPU seconds / wall seconds; Karaf's RSS.
#   5. destroy   Group.DestroyGroup; time from sending it to the first listing of 0 (the answer is not
#                trusted: it is polled; an error answer is reported).
#
# Between runs the group is gone and the instances directory empty (checked; leftovers are reported and
# removed). The listing is polled every POLL ms (20) on one keep-alive connection, or back to back when a
# describe takes longer; the table reports how long a describe of N took (the real poll granularity).
# The distribution's configuration is used as shipped, except for --set overrides. curl --unix-socket
# checks that the plugins answer; the timed calls go through python3's http.client on the same sockets
# (one keep-alive connection each, so no process is started per poll).
#
# Usage: bash bench/converge.sh [options] [N ...]          (N: 1000 10000 by default)
#   --reps R             repetitions per N, median and worst reported (3)
#   --idle S             idle CPU window in seconds (30)
#   --steady S           how long the group stays converged before the steady-state deletion (5)
#   --poll MS            the benchmark's describe poll interval (20)
#   --timeout S          the longest any one phase may take (900)
#   --quiet-wait S       before each run, wait up to S s for the machine to be idle (0: do not wait);
#                        the table reports the CPU other programs (and the hypervisor) took during each run either way
#   --set PID:KEY=VALUE  set KEY in etc/PID.cfg of the unpacked copy (repeatable), e.g.
#                        --set io.infrakit.group:poll.interval.ms=500
#   --dist FILE          the distribution to unpack (the newest karaf-assembly/target/*.tar.gz)
#   --work DIR           where to make the temporary directory (/tmp); e.g. /dev/shm to keep the disk's
#                        file system out of the figures (see docs/benchmarks.md: ext4 without a journal makes
#                        creating files slow for minutes after many were deleted)
#   --keep               keep the temporary directory (its path is printed)
# Needs bash, curl, python3 (standard library only), tar and a JDK 17. Prints a Markdown table, also
# saved under bench/target/results/.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
REPS=3 IDLE=30 STEADY=5 POLL=20 TIMEOUT=900 QUIET_WAIT=0 KEEP=0 DIST="" WORK_BASE=/tmp
SETS=() SIZES=()
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-2}"; }
while (($#)); do
  case "$1" in
    --reps) REPS="$2"; shift 2 ;;
    --idle) IDLE="$2"; shift 2 ;;
    --steady) STEADY="$2"; shift 2 ;;
    --poll) POLL="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --quiet-wait) QUIET_WAIT="$2"; shift 2 ;;
    --set) SETS+=("$2"); shift 2 ;;
    --dist) DIST="$2"; shift 2 ;;
    --work) WORK_BASE="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage 0 ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) [[ "$1" =~ ^[0-9]+$ && "$1" -gt 0 ]] || { echo "not a group size: $1" >&2; usage; }; SIZES+=("$1"); shift ;;
  esac
done
((${#SIZES[@]})) || SIZES=(1000 10000)
for v in "$REPS" "$IDLE" "$STEADY" "$POLL" "$TIMEOUT" "$QUIET_WAIT"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "not a whole number: $v" >&2; usage; }
done
((REPS >= 1)) || { echo "--reps must be at least 1" >&2; exit 2; }

# shellcheck source=lib/distribution.sh
source "$BENCH_DIR/lib/distribution.sh"
dist_unpack ikconv
for s in "${SETS[@]}"; do dist_set "$s"; done
GROUP_POLL="$(dist_cfg_value io.infrakit.group poll.interval.ms 1000)"
GROUP_CFG="$(dist_cfg_summary io.infrakit.group)"
dist_start group instance-file flavor-vanilla
log "Karaf is up (pid $KPID); etc/io.infrakit.group.cfg sets: ${GROUP_CFG:-nothing}"
read -r COMMIT DIRTY < <(dist_tree)
SETTINGS="as shipped"
((${#SETS[@]})) && SETTINGS="$(printf '%s, ' "${SETS[@]}")" && SETTINGS="as shipped except ${SETTINGS%, }"
SETTINGS="$SETTINGS; instance files on $(df -T "$WORK" | awk 'NR == 2 { print $2 " (" $7 ")" }')"
mkdir -p "$BENCH_DIR/target/results"
OUT="$BENCH_DIR/target/results/converge-$(date -u +%Y%m%dT%H%M%SZ).md"

BENCH_LIB="$BENCH_DIR/lib" python3 - "$INFRAKIT_PLUGINS_DIR" "$INFRAKIT_HOME/instances/instance-file" "$KPID" "$ROOT/examples/cattle.json" \
  "$REPS" "$IDLE" "$STEADY" "$POLL" "$TIMEOUT" "$QUIET_WAIT" "$GROUP_POLL" "$GROUP_CFG" "$COMMIT" "$DIRTY" "$SETTINGS" \
  "$(basename "$DIST")" "$(date -u -r "$DIST" +%FT%TZ), sha256 $(sha256sum "$DIST" | cut -c1-12)" "$OUT" "${SIZES[@]}" <<'PY' || { rc=$?; ((rc > 128)) || { KEEP=1; log "failed: Karaf's log is $KARAF/data/log/karaf.log"; }; exit "$rc"; }
import json, os, random, signal, statistics, sys, threading, time

(plugins, files, kpid, cattle, reps, idle, steady, poll_ms, timeout, quiet_wait, group_poll, group_cfg, commit, dirty,
 settings, dist, dist_time, out_path, *sizes) = sys.argv[1:]
reps, idle, steady, timeout, kpid, group_poll = int(reps), float(idle), float(steady), float(timeout), int(kpid), int(group_poll)
quiet_wait = float(quiet_wait)
poll = int(poll_ms) / 1000.0
sizes = [int(n) for n in sizes]
sys.path.insert(0, os.environ['BENCH_LIB'])
import benchlib
from benchlib import log, now, HZ



def Rpc(name):
    return benchlib.Rpc(os.path.join(plugins, name), max(timeout, 60))


class Bench:
    def __init__(self):
        self.instances = Rpc('instance-file')
        self.describes = []            # (answered at, seconds the describe took, count)
        self.errors = {}               # phase -> [number of error answers, first message]

    def listing(self, gid, what):
        t0 = now()
        try:
            result = self.instances.call('Instance.DescribeInstances', {'Type': '', 'Tags': {'infrakit.group': gid}})
        except RuntimeError as e:      # an error answer: counted and reported, the next poll tries again
            e0 = self.errors.setdefault(what, [0, str(e)])
            e0[0] += 1
            return now(), None
        ids = {d['ID'] for d in (result.get('Descriptions') or [])}
        t1 = now()
        self.describes.append((t1, t1 - t0, len(ids)))
        return t1, ids

    def poll_until(self, gid, done, what, give_up=lambda: False):
        """Polls the listing every `poll` s (back to back when a describe takes longer) until done(ids)."""
        start = now()
        while True:
            t0 = now()
            t1, ids = self.listing(gid, what)
            if ids is not None and done(ids):
                return t1, ids
            listed = 'an error' if ids is None else f'{len(ids)} listed'
            if give_up():
                raise TimeoutError(f'{what}: gave up ({listed})')
            if t1 - start > timeout:
                raise TimeoutError(f'{what}: not done after {timeout:.0f} s ({listed})')
            time.sleep(max(0.0, t0 + poll - now()))


def cpu_ticks():
    return benchlib.cpu_ticks(kpid)


def Other():
    return benchlib.Other(kpid)


def wait_quiet():
    benchlib.wait_quiet(kpid, quiet_wait)


def rss_mb():
    return benchlib.rss_mb(kpid)


def files_left():
    try:
        return [f for f in os.listdir(files) if not f.startswith('.')]
    except FileNotFoundError:
        return []


def background(fn):
    box = {}

    def run():
        t0 = now()
        try:
            box['result'] = fn()
        except Exception as e:  # reported, not raised
            box['error'] = str(e)
        box['took'] = now() - t0
    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th, box


signal.signal(signal.SIGINT, lambda *_: sys.exit(130))   # interrupted: no traceback, no kept directory
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
spec_template = json.load(open(cattle))
group = Rpc('group')
runs = {n: [] for n in sizes}
notes = []

for n in sizes:
    for rep in range(1, reps + 1):
        gid = f'bench-{n}-r{rep}'
        bench = Bench()
        r = {'rep': rep}
        left = files_left()
        if left:
            raise SystemExit(f'instances directory not empty before {gid}: {len(left)} files')
        spec = json.loads(json.dumps(spec_template))
        spec['ID'] = gid
        spec['Properties']['Allocation'] = {'Size': n}
        if quiet_wait > 0:
            wait_quiet()
        log(f'N={n} run {rep}/{reps}: commit {gid}')
        other_run = Other()

        # 1. converge
        bench.describes.clear()
        t_send = now()
        th, commit_box = background(lambda: Rpc('group').call('Group.CommitGroup', {'Spec': spec, 'Pretend': False}))
        t_done, ids = bench.poll_until(gid, lambda ids: len(ids) >= n, 'converge')
        r['converge'] = t_done - t_send
        # how the listing grew: when the first instance, and when half of them, were listed
        r['first'] = next((t - t_send for t, _, c in bench.describes if c > 0), None)
        r['half'] = next((t - t_send for t, _, c in bench.describes if c >= n / 2), None)
        th.join()
        if 'error' in commit_box:
            raise SystemExit(f'CommitGroup failed: {commit_box["error"]}')
        r['commit_answer'] = commit_box['took']
        r['overshoot'] = len(ids) - n
        r['rss_converged'] = rss_mb()
        log(f'  converged: {n} listed {r["converge"]:.3f} s after the commit (commit answered in {commit_box["took"]*1000:.0f} ms)')

        # 2. heal right after converge, 3. heal in steady state
        for phase in ('heal', 'steady'):
            if phase == 'steady':   # ~STEADY s, at a random moment of the group plugin's poll interval
                time.sleep(max(0.0, steady + random.uniform(0, group_poll / 1000.0) - (now() - t_done)))
            victim = sorted(ids)[len(ids) // 2]
            os.unlink(os.path.join(files, victim))
            t_del = now()
            before = ids
            t_done, ids = bench.poll_until(
                gid, lambda l: len(l) == n and victim not in l and bool(l - before), phase)
            r[phase] = t_done - t_del
            log(f'  {phase}: {victim} replaced after {r[phase]*1000:.0f} ms')
        r['describe_n'] = [d for _, d, c in bench.describes if c >= n - 1]

        # 4. idle CPU (no calls from here)
        time.sleep(2)
        other_idle = Other()
        c0, w0 = cpu_ticks(), now()
        time.sleep(idle)
        c1, w1 = cpu_ticks(), now()
        r['other_idle'], r['steal_idle'] = other_idle.both()
        r['idle_cores'] = (c1 - c0) / HZ / (w1 - w0)
        r['rss_idle'] = rss_mb()
        log(f'  idle: {r["idle_cores"]:.3f} cores over {w1-w0:.1f} s, RSS {r["rss_idle"]:.0f} MB '
            f'(other programs: {r["other_idle"]:.2f} cores, steal {r["steal_idle"]:.2f})')

        # 5. destroy
        bench.describes.clear()
        t_send = now()
        th, destroy = background(lambda: Rpc('group').call('Group.DestroyGroup', {'ID': gid}))
        try:
            # an error answer and nothing gone 30 s later: stop waiting
            t_done, _ = bench.poll_until(gid, lambda l: len(l) == 0, 'destroy',
                                         give_up=lambda: 'error' in destroy and 'took' in destroy and now() - t_send - destroy['took'] > 30)
            r['destroy'] = t_done - t_send
        except TimeoutError as e:
            r['destroy'] = None
            notes.append(f'{gid}: {e}')
        th.join(timeout)
        r['destroy_answer'] = destroy.get('took')
        r['destroy_error'] = destroy.get('error')
        r['other_run'], r['steal_run'] = other_run.both()
        r['describe_errors'] = sum(c for c, _ in bench.errors.values())
        for phase, (c, msg) in bench.errors.items():
            notes.append(f'{gid}: {c} DescribeInstances answered an error during {phase}, e.g. {msg}')
            log(f'  {c} DescribeInstances answered an error during {phase}, e.g. {msg}')
        if r['destroy_error']:
            notes.append(f'{gid}: DestroyGroup answered an error after {destroy["took"]:.2f} s: {destroy["error"]}')
        log(f'  destroy: 0 listed after {r["destroy"] if r["destroy"] is not None else float("nan"):.3f} s '
            f'(call answered after {destroy.get("took", float("nan")):.3f} s{", error: " + r["destroy_error"] if r["destroy_error"] else ""})')

        # clean slate for the next run: group gone from the manager, directory empty
        groups = group.call('Group.InspectGroups', {}).get('Groups') or []
        if any(g.get('ID') == gid for g in groups):
            notes.append(f'{gid}: still in InspectGroups after destroy; freed')
            try:
                group.call('Group.FreeGroup', {'ID': gid})
            except RuntimeError as e:
                notes.append(f'{gid}: FreeGroup: {e}')
        deadline = now() + 30
        while files_left() and now() < deadline:
            time.sleep(0.1)
        left = files_left()
        if left:
            notes.append(f'{gid}: {len(left)} instance files left 30 s after destroy; removed by the benchmark')
            for f in left:
                os.unlink(os.path.join(files, f))
        runs[n].append(r)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def worst(xs, higher_is_worse=True):
    xs = [x for x in xs if x is not None]
    return (max(xs) if higher_is_worse else min(xs)) if xs else None


def fmt(v, unit):
    if v is None:
        return 'n/a'
    if unit == 's':
        return f'{v:,.2f} s' if v >= 10 else f'{v:,.3f} s'
    if unit == 'ms':
        return f'{v*1000:,.0f} ms'
    if unit == 'cores':
        return f'{v:.3f}'
    if unit == 'MB':
        return f'{v:,.0f} MB'
    return str(v)


rows = [
    ('converge: commit sent → N listed', 'converge', 's'),
    ('heal right after converge: file deleted → replacement listed', 'heal', 'ms'),
    (f'heal in steady state ({steady:.0f} s converged)', 'steady', 'ms'),
    (f'idle CPU holding N, Karaf process, {idle:.0f} s (cores)', 'idle_cores', 'cores'),
    ('destroy: DestroyGroup sent → 0 listed', 'destroy', 's'),
    ('DestroyGroup answered after', 'destroy_answer', 's'),
    ('CommitGroup answered after', 'commit_answer', 'ms'),
    ('Karaf RSS right after converge', 'rss_converged', 'MB'),
    (f'Karaf RSS after the idle window', 'rss_idle', 'MB'),
    ('other programs\' CPU during the run / the idle window (cores)', ('other_run', 'other_idle'), 'pair'),
    ('CPU stolen by the hypervisor during the run / the idle window (cores)', ('steal_run', 'steal_idle'), 'pair'),
]
hdr = '| figure | ' + ' | '.join(f'N={n:,} median | N={n:,} worst' for n in sizes) + ' |'
lines = [
    f'## converge.sh: {settings}',
    '',
    f'distribution {dist} ({dist_time}); the tree at run time: HEAD {commit}'
    + (f' and {dirty} uncommitted change(s) under bundles/, features/, karaf-assembly/' if dirty != '0' else ', clean')
    + f'; {os.cpu_count()} CPUs; group plugin poll {group_poll} ms (etc/io.infrakit.group.cfg sets: {group_cfg or "nothing"});'
    + f' {reps} run(s) per N; benchmark polls the listing every {poll_ms} ms',
    '',
    hdr,
    '|---|' + '--:|--:|' * len(sizes),
]
for label, key, unit in rows:
    cells = []
    for n in sizes:
        if unit == 'pair':
            a = [r.get(key[0]) for r in runs[n]]
            b = [r.get(key[1]) for r in runs[n]]
            cells += [f'{med(a):.2f} / {med(b):.2f}', f'{worst(a):.2f} / {worst(b):.2f}']
            continue
        xs = [r.get(key) for r in runs[n]]
        cells += [fmt(med(xs), unit), fmt(worst(xs), unit)]
    lines.append(f'| {label} | ' + ' | '.join(cells) + ' |')
cells = []
for n in sizes:
    ds = [d for r in runs[n] for d in r['describe_n']]
    cells += [fmt(med(ds), 'ms'), fmt(worst(ds), 'ms')]
lines.append('| poll granularity: one DescribeInstances listing N (or N-1) | ' + ' | '.join(cells) + ' |')
lines += ['', 'per run (s; idle in cores):', '']
for n in sizes:
    for r in runs[n]:
        lines.append(f'- N={n:,} run {r["rep"]}: converge {fmt(r["converge"], "s")} (first listed at {fmt(r["first"], "s")}, '
                     f'half at {fmt(r["half"], "s")}), heal {fmt(r["heal"], "ms")}, '
                     f'steady {fmt(r["steady"], "ms")}, idle {fmt(r["idle_cores"], "cores")}, '
                     f'destroy {fmt(r["destroy"], "s")} (answered {fmt(r["destroy_answer"], "s")}'
                     + (f', error: {r["destroy_error"]}' if r['destroy_error'] else '') + ')'
                     + f', other programs {r["other_run"]:.2f} / {r["other_idle"]:.2f} cores'
                     + f', steal {r["steal_run"]:.2f} / {r["steal_idle"]:.2f} cores'
                     + (f', {r["describe_errors"]} describe errors' if r['describe_errors'] else '')
                     + (f', {r["overshoot"]} more than N listed' if r['overshoot'] else ''))
if notes:
    lines += ['', 'notes:', ''] + [f'- {x}' for x in notes]
text = '\n'.join(lines) + '\n'
print(text)
open(out_path, 'w').write(text)
print(f'(saved in {out_path})', file=sys.stderr)
PY
