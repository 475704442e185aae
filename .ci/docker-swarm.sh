# A throw-away Docker swarm of two engines for the tests that need a real one (the swarm backend of the
# manager, bundles/manager-swarm SwarmEngineIT; the swarm flavor, bundles/flavor-swarm SwarmFlavorEngineIT).
# Sourced by .ci/run, which runs as root:
#
#   source .ci/docker-swarm.sh
#   trap docker_swarm_stop EXIT
#   docker_swarm_start
#
# exports
#   INFRAKIT_TEST_DOCKER_HOST         the manager (and swarm leader), swarm mode on 127.0.0.1:2377
#   INFRAKIT_TEST_DOCKER_WORKER_HOST  a worker joined to it, listening on 127.0.0.2:2377
#   INFRAKIT_TEST_DOCKER_WORKER_LINK  the value of the worker engine's label infrakit-link
# each as unix:///tmp/ikdocker.XXXXXX/docker.sock.
#
# Each engine has its own data root, exec root, socket and pid file in one temporary directory, no
# iptables rules and no bridge, so they leave the machine's own Docker (if any) alone. Debian's docker.io
# is installed when dockerd is missing.

DOCKER_SWARM_DIRS=()

# Runs a command until it succeeds, at most $2 times, half a second apart; fails if the dockerd of
# directory $1 has exited.
_docker_swarm_until() {
    local dir=$1 tries=$2
    shift 2
    local i
    for ((i = 0; i < tries; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$(cat "$dir/dockerd.pid")" 2>/dev/null; then
            echo "dockerd exited; its log:" >&2
            tail -n 40 "$dir/dockerd.log" >&2 || true
            return 1
        fi
        sleep 0.5
    done
    echo "Timed out waiting for: $*; dockerd's log:" >&2
    tail -n 40 "$dir/dockerd.log" >&2 || true
    return 1
}

# Starts a dockerd in directory $1 (socket $1/docker.sock) with the extra arguments given, and waits
# (up to 60 s) for its API.
_docker_swarm_engine() {
    local dir=$1
    shift
    dockerd --data-root "$dir/data" --exec-root "$dir/exec" --host "unix://$dir/docker.sock" \
        --pidfile "$dir/docker.pid" --iptables=false --bridge=none "$@" >"$dir/dockerd.log" 2>&1 </dev/null &
    echo $! >"$dir/dockerd.pid"
    _docker_swarm_until "$dir" 120 docker -H "unix://$dir/docker.sock" version
}

# A new directory for an engine, removed by docker_swarm_stop. Short: a Unix socket path may have at
# most 106 bytes for Java.
_docker_swarm_dir() {
    mktemp -d /tmp/ikdocker.XXXXXX
}

_docker_swarm_is_leader() {
    [ "$(docker -H "$INFRAKIT_TEST_DOCKER_HOST" node inspect self --format '{{.ManagerStatus.Leader}}' 2>/dev/null)" = "true" ]
}

_docker_swarm_has_nodes() {
    [ "$(docker -H "$INFRAKIT_TEST_DOCKER_HOST" node ls -q 2>/dev/null | wc -l)" -eq "$1" ]
}

docker_swarm_start() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "docker_swarm_start: dockerd needs root" >&2
        return 1
    fi
    if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q docker.io
    fi
    local manager worker
    manager=$(_docker_swarm_dir)
    DOCKER_SWARM_DIRS+=("$manager")
    _docker_swarm_engine "$manager" || return 1
    export INFRAKIT_TEST_DOCKER_HOST="unix://$manager/docker.sock"
    docker -H "$INFRAKIT_TEST_DOCKER_HOST" swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 >/dev/null
    _docker_swarm_until "$manager" 120 _docker_swarm_is_leader || return 1

    export INFRAKIT_TEST_DOCKER_WORKER_LINK="infrakit-ci-worker"
    worker=$(_docker_swarm_dir)
    DOCKER_SWARM_DIRS+=("$worker")
    _docker_swarm_engine "$worker" --label "infrakit-link=$INFRAKIT_TEST_DOCKER_WORKER_LINK" || return 1
    export INFRAKIT_TEST_DOCKER_WORKER_HOST="unix://$worker/docker.sock"
    docker -H "$INFRAKIT_TEST_DOCKER_WORKER_HOST" swarm join \
        --token "$(docker -H "$INFRAKIT_TEST_DOCKER_HOST" swarm join-token -q worker)" \
        --listen-addr 127.0.0.2:2377 --advertise-addr 127.0.0.2 127.0.0.1:2377 >/dev/null
    _docker_swarm_until "$worker" 120 _docker_swarm_has_nodes 2 || return 1
    echo "Docker swarm for the tests (dockerd $(dockerd --version | sed 's/^Docker version //')):" \
        "manager INFRAKIT_TEST_DOCKER_HOST=$INFRAKIT_TEST_DOCKER_HOST," \
        "worker INFRAKIT_TEST_DOCKER_WORKER_HOST=$INFRAKIT_TEST_DOCKER_WORKER_HOST" \
        "(engine label infrakit-link=$INFRAKIT_TEST_DOCKER_WORKER_LINK)"
}

# Stops one engine (TERM, KILL after 30 s) and removes its directory.
_docker_swarm_stop_engine() {
    local dir=$1
    [ -d "$dir" ] || return 0
    local pid containerd
    pid=$(cat "$dir/dockerd.pid" 2>/dev/null || true)
    containerd=$(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        local i
        for ((i = 0; i < 60; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    # the containerd dockerd started stops with it, unless dockerd had to be killed
    if [ -n "$containerd" ] && kill -0 "$containerd" 2>/dev/null; then
        kill -KILL "$containerd" 2>/dev/null || true
    fi
    # whatever dockerd left mounted under its directory (the data root, network namespaces), deepest first
    local mount
    awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
        umount -l "$mount" 2>/dev/null || true
    done
    rm -rf "$dir"
}

docker_swarm_stop() {
    local i
    # the worker first, then the manager
    for ((i = ${#DOCKER_SWARM_DIRS[@]} - 1; i >= 0; i--)); do
        _docker_swarm_stop_engine "${DOCKER_SWARM_DIRS[i]}"
    done
    DOCKER_SWARM_DIRS=()
}
