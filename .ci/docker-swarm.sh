# A throw-away Docker engine in swarm mode for the tests that need a real one (the swarm backend of the
# manager: bundles/manager-swarm, SwarmEngineIT). Sourced by .ci/run, which runs as root:
#
#   source .ci/docker-swarm.sh
#   trap docker_swarm_stop EXIT
#   docker_swarm_start          # exports INFRAKIT_TEST_DOCKER_HOST=unix:///tmp/ikdocker.XXXXXX/docker.sock
#
# The engine has its own data root, exec root, socket and pid file in one temporary directory, no
# iptables rules and no bridge, so it leaves the machine's own Docker (if any) alone. Swarm mode listens
# on 127.0.0.1:2377. Debian's docker.io is installed when dockerd is missing.

DOCKER_SWARM_DIR=""
DOCKER_SWARM_PID=""

# Runs a command until it succeeds, at most $1 times, half a second apart; fails if dockerd has exited.
_docker_swarm_until() {
    local tries=$1
    shift
    local i
    for ((i = 0; i < tries; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$DOCKER_SWARM_PID" 2>/dev/null; then
            echo "dockerd exited; its log:" >&2
            tail -n 40 "$DOCKER_SWARM_DIR/dockerd.log" >&2 || true
            return 1
        fi
        sleep 0.5
    done
    echo "Timed out waiting for: $*; dockerd's log:" >&2
    tail -n 40 "$DOCKER_SWARM_DIR/dockerd.log" >&2 || true
    return 1
}

_docker_swarm_is_leader() {
    [ "$(docker -H "$INFRAKIT_TEST_DOCKER_HOST" node inspect self --format '{{.ManagerStatus.Leader}}' 2>/dev/null)" = "true" ]
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
    # short: a Unix socket path may have at most 106 bytes for Java
    DOCKER_SWARM_DIR=$(mktemp -d /tmp/ikdocker.XXXXXX)
    local sock="$DOCKER_SWARM_DIR/docker.sock"
    export INFRAKIT_TEST_DOCKER_HOST="unix://$sock"
    dockerd --data-root "$DOCKER_SWARM_DIR/data" --exec-root "$DOCKER_SWARM_DIR/exec" \
        --host "$INFRAKIT_TEST_DOCKER_HOST" --pidfile "$DOCKER_SWARM_DIR/docker.pid" \
        --iptables=false --bridge=none >"$DOCKER_SWARM_DIR/dockerd.log" 2>&1 </dev/null &
    DOCKER_SWARM_PID=$!
    # up to 60 s for the API, then for the swarm to elect its (only) leader
    _docker_swarm_until 120 docker -H "$INFRAKIT_TEST_DOCKER_HOST" version
    docker -H "$INFRAKIT_TEST_DOCKER_HOST" swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 >/dev/null
    _docker_swarm_until 120 _docker_swarm_is_leader
    echo "Docker engine in swarm mode for the tests: INFRAKIT_TEST_DOCKER_HOST=$INFRAKIT_TEST_DOCKER_HOST" \
        "(dockerd $(dockerd --version | sed 's/^Docker version //'), pid $DOCKER_SWARM_PID)"
}

docker_swarm_stop() {
    local dir="$DOCKER_SWARM_DIR"
    [ -n "$dir" ] || return 0
    local containerd=""
    containerd=$(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null || true)
    if [ -n "$DOCKER_SWARM_PID" ] && kill -0 "$DOCKER_SWARM_PID" 2>/dev/null; then
        kill -TERM "$DOCKER_SWARM_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 60; i++)); do
            kill -0 "$DOCKER_SWARM_PID" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$DOCKER_SWARM_PID" 2>/dev/null || true
        wait "$DOCKER_SWARM_PID" 2>/dev/null || true
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
    DOCKER_SWARM_DIR=""
    DOCKER_SWARM_PID=""
}
