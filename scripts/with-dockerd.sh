#!/usr/bin/env bash
# Run a command with a Docker engine available: the one already running, or a private dockerd started
# here without touching the host's network (no iptables, no bridge) and with its data and exec roots
# under a temporary directory, stopped afterwards. Where none can be started, the command runs anyway
# and the Docker tests skip, saying why.
set -uo pipefail

if docker info >/dev/null 2>&1; then
    exec "$@"
fi
if [ "$(id -u)" -ne 0 ] || ! command -v dockerd >/dev/null 2>&1; then
    echo "with-dockerd: no Docker engine and none can be started here (need root and dockerd)" >&2
    exec "$@"
fi

dir=$(mktemp -d /tmp/sstar-dockerd.XXXXXX)
sock="unix://$dir/docker.sock"
dockerd --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    --host "$sock" >"$dir/dockerd.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
    DOCKER_HOST="$sock" docker info >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
done
if ! DOCKER_HOST="$sock" docker info >/dev/null 2>&1; then
    echo "with-dockerd: dockerd did not start; the Docker tests will skip. Its log:" >&2
    tail -5 "$dir/dockerd.log" >&2
    kill "$pid" 2>/dev/null
    exec "$@"
fi

stop() {
    DOCKER_HOST="$sock" docker ps -aq --filter label=sstar.sandbox | xargs -r env DOCKER_HOST="$sock" docker rm -f >/dev/null 2>&1
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null
    umount -R "$dir/exec" "$dir/data" 2>/dev/null
    rm -rf "$dir" 2>/dev/null
}
trap stop EXIT
DOCKER_HOST="$sock" "$@"
