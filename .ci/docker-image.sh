#!/usr/bin/env bash
# Builds the image the Docker instance plugin's tests run (bundles/instance-docker DockerEngineIT, itests
# DockerExampleIT) into the engine at $INFRAKIT_TEST_DOCKER_HOST, with no registry: FROM scratch, Debian's
# statically linked busybox (package busybox-static, installed when missing) as /bin/busybox, and a link
# /bin/<applet> -> busybox for each of its applets (sh, sleep, echo, date, httpd...). Run by .ci/run after
# docker_swarm_start (.ci/docker-swarm.sh):
#
#   bash .ci/docker-image.sh
#
# Idempotent: building again finds the layers in the engine's cache and tags the same image. Prints the tag.
set -euo pipefail

IMAGE=${INFRAKIT_TEST_DOCKER_IMAGE:-infrakit-test/busybox:1}

if [ -z "${INFRAKIT_TEST_DOCKER_HOST:-}" ]; then
    echo "docker-image.sh: INFRAKIT_TEST_DOCKER_HOST is not set (source .ci/docker-swarm.sh and run docker_swarm_start first)" >&2
    exit 1
fi

# the static binary: Debian's busybox package is dynamically linked and would not run on an empty image
if ! dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends busybox-static
fi
busybox=$(command -v busybox || echo /bin/busybox)

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/rootfs/bin" "$context/rootfs/tmp"
cp "$busybox" "$context/rootfs/bin/busybox"
for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$context/rootfs/bin/$applet"
done
chmod 1777 "$context/rootfs/tmp"
cat >"$context/Dockerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
ENV PATH=/bin
CMD ["/bin/sh"]
EOF

# the classic builder: it needs no buildx plugin, and every engine and client version here has it (newer clients
# warn that it is deprecated: its output is shown only when the build fails)
if ! DOCKER_BUILDKIT=0 docker -H "$INFRAKIT_TEST_DOCKER_HOST" build -q -t "$IMAGE" \
    --label "org.opencontainers.image.description=busybox $("$busybox" | head -n 1 | cut -d' ' -f2) (Debian busybox-static) for the InfraKit tests" \
    "$context" >"$context/build.log" 2>&1; then
    cat "$context/build.log" >&2
    exit 1
fi
# it runs: a container of it says hello
out=$(docker -H "$INFRAKIT_TEST_DOCKER_HOST" run --rm --network none "$IMAGE" sh -c 'echo hello from $(busybox | head -n 1 | cut -d" " -f1-2)')
echo "Test image $IMAGE in the engine at $INFRAKIT_TEST_DOCKER_HOST ($out)"
