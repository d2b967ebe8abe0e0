#!/usr/bin/env bash
# Five real nodes on loopback (release build): the time from `hypermesh fleet rollout` to every node
# serving the new version of a 1 MB package, and the bytes the registry served for it, with peers
# (the nodes serve their stores to each other; 2 registry slots) and without (no peer token; every
# node pulls from the registry: 5 slots). One etcd and one docker-registry, started here on free
# loopback ports in a temporary folder and stopped at the end.
#
# The package is the C fixture extension (Tests/Fixtures/c/fixture_extension.c) with its version
# compiled in and 1 MiB of random bytes appended (the loader ignores them), so every version's
# library is a new 1 MiB blob. Rollouts use one wave (100%) and a zero health window: what is timed
# is distribution and activation, not the gate.
#
# Usage: Benchmarks/fleet-rollout.sh [ROUNDS]   (default 3 rounds with peers, then 3 without)
# Prints one line per rollout and a summary (median seconds, registry bytes per rollout).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
NODES=5
./scripts/bootstrap.sh >/dev/null

swift build -c release --product hypermesh >&2
swift build -c release --product hypermesh-sandbox >&2
BIN="$(swift build -c release --show-bin-path)"
HM="$BIN/hypermesh"

WORK="$(mktemp -d /tmp/hypermesh-fleet-bench.XXXXXX)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

ETCD_PORT=$(free_port); ETCD_PEER=$(free_port)
etcd --data-dir "$WORK/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
    --initial-cluster "default=http://127.0.0.1:$ETCD_PEER" >"$WORK/etcd.log" 2>&1 &
PIDS+=($!)
ETCD="http://127.0.0.1:$ETCD_PORT"
wait_http "$ETCD/health"

REGISTRY_PORT=$(free_port)
cat >"$WORK/registry.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $WORK/registry
http:
  addr: 127.0.0.1:$REGISTRY_PORT
EOF
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
PIDS+=($!)
REGISTRY="127.0.0.1:$REGISTRY_PORT"
wait_http "http://$REGISTRY/v2/"

export HYPERMESH_STATE_DIR="$WORK/operator"
"$HM" trust init "$WORK/ca" >/dev/null
"$HM" trust add "$WORK/ca/root-ca.pem" >/dev/null
ID=org.example.fleetbench
printf 'fleet-bench-token-%s\n' "$RANDOM$RANDOM$RANDOM" >"$WORK/token"
chmod 600 "$WORK/token"

# Publishes version $1 (compiled in, 1 MiB of random padding).
publish() {
    local version="$1" folder="$WORK/build/$1"
    mkdir -p "$folder"
    clang -shared -fPIC -O1 -std=c11 -I Sources/CHyperMeshABI/include -I Examples/c-kit \
        -DFIXTURE_ID="\"$ID\"" -DFIXTURE_VERSION="\"$version\"" Tests/Fixtures/c/fixture_extension.c -o "$folder/libfixture.so"
    head -c 1048576 /dev/urandom >>"$folder/libfixture.so"
    cat >"$folder/manifest.json" <<EOF
{"id":"$ID","name":"Fleet benchmark","version":"$version","kind":"native","entry":"libfixture.so","abi":{"min":1,"max":1},"category":"testing","capabilities":["storage","events"]}
EOF
    "$HM" ext stage --manifest "$folder/manifest.json" --payload "$folder/libfixture.so" --out "$folder/package" >/dev/null
    "$HM" ext sign "$folder/package" --key "$WORK/ca/code-signing.key" --cert "$WORK/ca/code-signing.pem" >/dev/null
    "$HM" ext push "$folder/package" "$REGISTRY/bench/fixture" >/dev/null 2>&1
}

# Starts the nodes; $1 = "peers" or "registry".
start_nodes() {
    NODE_PIDS=()
    for n in $(seq 1 $NODES); do
        local state="$WORK/nodes/n$n" port
        mkdir -p "$state" "$WORK/empty"
        HYPERMESH_STATE_DIR="$state" "$HM" trust add "$WORK/ca/root-ca.pem" >/dev/null
        printf '{"extensions":{"%s":{"allow":["storage","events"]}}}\n' "$ID" >"$state/policy.json"
        port=$(free_port)
        local fleet=(--fleet-etcd "$ETCD" --node-id "n$n" --fleet-lease-ttl 4)
        if [ "$1" = peers ]; then fleet+=(--fleet-token-file "$WORK/token"); else fleet+=(--fleet-registry-slots "$NODES"); fi
        HYPERMESH_STATE_DIR="$state" "$HM" serve --path "$WORK/empty" --listen "127.0.0.1:$port" "${fleet[@]}" >"$WORK/n$n-$1.log" 2>&1 &
        NODE_PIDS+=($!)
        PIDS+=($!)
        wait_http "http://127.0.0.1:$port/v1/ping"
    done
}
stop_nodes() {
    for pid in "${NODE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${NODE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}

# Registry bytes of blob bodies served so far (the access log's byte count of each 200 GET).
registry_bytes() { awk '/"GET \/v2\/[^ ]*\/blobs\// && $9 == 200 { sum += $10 } END { print sum + 0 }' "$WORK/registry.log"; }

# Rolls version $1 out, waits for the end; prints "seconds bytes".
timed_rollout() {
    local before after start end
    before=$(registry_bytes)
    start=$(date +%s.%N)
    "$HM" fleet rollout "$ID@$1" --from "$REGISTRY/bench/fixture:$1" --waves 100% --health-window 0 --wait --timeout 300 \
        --etcd "$ETCD" >/dev/null 2>"$WORK/rollout-$1.err"
    end=$(date +%s.%N)
    after=$(registry_bytes)
    echo "$(echo "$end - $start" | bc) $((after - before))"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

version=0
run_mode() {
    local mode="$1" results="$WORK/results-$1"
    start_nodes "$mode"
    version=$((version + 1)); publish "$version.0.0"
    timed_rollout "$version.0.0" >/dev/null   # the first install: not measured
    for round in $(seq 1 "$ROUNDS"); do
        version=$((version + 1)); publish "$version.0.0"
        local line; line=$(timed_rollout "$version.0.0")
        echo "$mode round $round: $version.0.0 on $NODES nodes in $(echo "$line" | cut -d' ' -f1) s, registry served $(echo "$line" | cut -d' ' -f2) bytes"
        echo "$line" >>"$results"
    done
    stop_nodes
    echo "$mode: median $(cut -d' ' -f1 "$results" | median) s, median registry bytes $(cut -d' ' -f2 "$results" | median) per rollout"
}

run_mode peers
run_mode registry
