"""What bench/converge.sh and bench/heal.sh share on the Python side (standard library only): JSON-RPC calls on a
plugin's Unix socket over one keep-alive connection, the CPU of a process and of the machine from /proc, and
percentiles."""
import http.client
import json
import math
import os
import socket
import sys
import time

now = time.monotonic
HZ = os.sysconf('SC_CLK_TCK')


def log(msg):
    print(f'[{time.strftime("%H:%M:%S")}] {msg}', file=sys.stderr, flush=True)


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__('rpc', timeout=timeout)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self.sock = s


class Rpc:
    """JSON-RPC 2.0 over HTTP on a plugin's Unix socket, one keep-alive connection (made again once if it broke)."""

    def __init__(self, path, timeout):
        self.path = path
        self.timeout = timeout
        self.conn = None

    def call(self, method, params):
        body = json.dumps({'jsonrpc': '2.0', 'method': method, 'params': params, 'id': 1}).encode()
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = UnixConnection(self.path, self.timeout)
                self.conn.request('POST', '/', body, {'Content-Type': 'application/json'})
                answer = json.loads(self.conn.getresponse().read())
                break
            except (OSError, http.client.HTTPException, ValueError):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        if 'error' in answer:
            raise RuntimeError(f"{method}: {answer['error'].get('message')}")
        return answer['result']


def cpu_ticks(pid):
    """utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat), in clock ticks."""
    f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return int(f[11]) + int(f[12])


def busy_ticks():
    """The machine's busy ticks (user nice system irq softirq) and steal, all CPUs."""
    f = [int(x) for x in open('/proc/stat').readline().split()[1:]]
    return f[0] + f[1] + f[2] + f[5] + f[6], f[7]


class Other:
    """CPU that programs other than one process (Karaf) and this benchmark used over a period, and the CPU time the
    hypervisor gave other guests (steal), in cores."""

    def __init__(self, pid):
        self.pid = pid
        t = os.times()
        self.start = (busy_ticks(), cpu_ticks(pid), t.user + t.system, now())

    def cores(self):
        other, steal = self.both()
        return other + steal

    def both(self):
        (b0, st0), k0, s0, w0 = self.start
        t = os.times()
        own = (t.user + t.system - s0) * HZ
        (b1, st1), wall = busy_ticks(), now() - w0
        return max(0.0, (b1 - b0 - (cpu_ticks(self.pid) - k0) - own) / HZ / wall), (st1 - st0) / HZ / wall


def wait_quiet(pid, seconds):
    """Waits up to `seconds` for 3 s in a row in which other programs and steal use < 0.2 cores."""
    start = now()
    said = start - 60
    while now() < start + seconds:
        o = Other(pid)
        time.sleep(3)
        c = o.cores()
        if c < 0.2:
            return
        if now() - said >= 60:
            log(f'  waiting for a quieter machine (other programs use {c:.2f} cores)')
            said = now()
    log(f'  the machine was not quiet for {seconds:.0f} s: going on')


def rss_mb(pid):
    for line in open(f'/proc/{pid}/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024.0
    return float('nan')


def percentile(xs, p):
    """The nearest-rank percentile p (0 < p <= 100) of xs: the smallest value with at least p % of xs at or below
    it (with fewer than 100 values, p99 is the maximum)."""
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100.0 * len(s)) - 1)] if s else None
