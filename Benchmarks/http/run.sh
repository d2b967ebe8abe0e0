#!/usr/bin/env bash
# The node's HTTP API under load: what a call into an extension through `hypermesh serve` costs
# next to the cheapest route of the same server.
#
# Builds `hypermesh` and the Catalog extension in release, stages Catalog and signs it with a fresh
# development CA in a temporary state dir, grants it, adds one asset, starts
# `hypermesh serve --listen 127.0.0.1:PORT`, and measures with wrk (a second process, over
# loopback, with the node's bearer token):
#   (a) GET  /v1/ping                                        the floor: a fixed answer, no extension
#   (b) POST /v1/extensions/org.hypermesh.catalog/call/get   body {"type":"document","name":"…"}
# then prints requests/s and p50/p90/p99 of both, the extension path's cost as a share of the
# floor's throughput (1 − b/a), and stops the node with SIGTERM.
#
# Installs wrk from Debian (apt-get) when it is missing.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: Benchmarks/http/run.sh [options]

Measures the node's admin API with wrk over loopback: GET /v1/ping (no extension: the floor)
against POST /v1/extensions/org.hypermesh.catalog/call/get (a Catalog asset read through the
registry, with every security check), on the same `hypermesh serve` process.

Options:
  --duration D      wrk duration of each measurement (default 15s)
  --threads N       wrk threads (default 2)
  --connections N   wrk connections (default 32)
  --warmup D        unrecorded wrk run of each route first (default 3s; 0 to skip)
  --rounds N        measure ping then call N times (default 1)
  --port P          TCP port of the node on 127.0.0.1 (default: a free one)
  --rate N          the policy's operationsPerSecond override for Catalog (default 1000000, so the
                    benchmark measures the path rather than the rate limiter; the manifest's 10000/s
                    would refuse calls with 429 and then suspend Catalog)
  --skip-build      use the release build already in .build
  --bin-dir DIR     use hypermesh and libCatalogExtension.so from DIR (implies --skip-build; e.g. a
                    debug build, to try the script: its figures are not comparable)
  --keep            keep the temporary state dir (printed) instead of deleting it
  -h, --help        this text

Needs: Swift 6.3, curl, python3; wrk (installed with apt-get if missing).
The node's log goes to <work dir>/node.log. Results are printed at the end; the exit status is
non-zero if a response was not 2xx or a socket error occurred.
EOF
}

DURATION=15s THREADS=2 CONNECTIONS=32 WARMUP=3s ROUNDS=1 PORT="" RATE=1000000 BUILD=1 KEEP=0 BIN=""
while (($#)); do
    case "$1" in
        --duration) DURATION="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        --rate) RATE="$2"; shift 2 ;;
        --skip-build) BUILD=0; shift ;;
        --bin-dir) BIN="$(cd "$2" && pwd)"; BUILD=0; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if ! command -v wrk >/dev/null 2>&1; then
    step "Install wrk (Debian package)"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y wrk
fi
./scripts/bootstrap.sh

if ((BUILD)); then
    step "Build hypermesh and the Catalog extension (release)"
    swift build -c release --product hypermesh
    swift build -c release --product CatalogExtension
fi
BIN="${BIN:-$(swift build -c release --show-bin-path)}"
HM="$BIN/hypermesh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hypermesh-http-bench.XXXXXX")"
NODE_PID=""
cleanup() {
    if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then kill -TERM "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; fi
    if ((KEEP)); then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
export HYPERMESH_STATE_DIR="$WORK/state"
export HYPERMESH_EXTENSION_PATH="$WORK/extensions"
mkdir -p "$HYPERMESH_EXTENSION_PATH"

step "Stage Catalog, sign it with a fresh development CA, grant it, add one asset (state: $WORK)"
"$HM" ext stage --manifest Examples/catalog.manifest.template.json \
    --payload "$BIN/libCatalogExtension.so" --out "$HYPERMESH_EXTENSION_PATH/catalog" >/dev/null
"$HM" trust init "$WORK/dev-ca" >/dev/null
"$HM" trust add "$WORK/dev-ca/root-ca.pem" >/dev/null
"$HM" ext sign "$HYPERMESH_EXTENSION_PATH/catalog" --key "$WORK/dev-ca/code-signing.key" --cert "$WORK/dev-ca/code-signing.pem" >/dev/null
"$HM" ext grant org.hypermesh.catalog storage events assetManagement vmExecution consensusAccess
python3 - "$HYPERMESH_STATE_DIR/policy.json" "$RATE" <<'EOF'
import json, sys
path, rate = sys.argv[1], int(sys.argv[2])
policy = json.load(open(path))
policy["extensions"]["org.hypermesh.catalog"].setdefault("quotas", {})["operationsPerSecond"] = rate
json.dump(policy, open(path, "w"), indent=2)
EOF
ASSET=bench-welcome
"$HM" ext call org.hypermesh.catalog add \
    "{\"type\":\"document\",\"name\":\"$ASSET\",\"version\":\"1.0.0\",\"tags\":[\"bench\"],\"content\":\"Hello, HyperMesh! A small document for the HTTP benchmark.\"}" >/dev/null
BODY="{\"type\":\"document\",\"name\":\"$ASSET\"}"

if [ -z "$PORT" ]; then
    PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
step "Start the node on 127.0.0.1:$PORT"
"$HM" serve --listen "127.0.0.1:$PORT" --log-level notice >"$WORK/node.log" 2>&1 &
NODE_PID=$!
TOKEN=""
for _ in $(seq 1 300); do
    if [ -z "$TOKEN" ] && [ -s "$HYPERMESH_STATE_DIR/node.token" ]; then TOKEN="$(tr -d '\n' <"$HYPERMESH_STATE_DIR/node.token")"; fi
    if [ -n "$TOKEN" ] && curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/health" 2>/dev/null; then break; fi
    kill -0 "$NODE_PID" 2>/dev/null || { cat "$WORK/node.log" >&2; echo "the node exited" >&2; exit 1; }
    sleep 0.1
done
AUTH="Authorization: Bearer $TOKEN"
curl -fsS -H "$AUTH" "http://127.0.0.1:$PORT/v1/health"; echo
PING_URL="http://127.0.0.1:$PORT/v1/ping"
CALL_URL="http://127.0.0.1:$PORT/v1/extensions/org.hypermesh.catalog/call/get"
echo "one call: $(curl -fsS -H "$AUTH" --data-binary "$BODY" "$CALL_URL" | head -c 200)"

WRK=(wrk -t"$THREADS" -c"$CONNECTIONS" --latency -H "$AUTH" -s "$HERE/wrk.lua")
if [ "$WARMUP" != "0" ]; then
    step "Warm-up, $WARMUP each (not recorded)"
    "${WRK[@]}" -d"$WARMUP" "$PING_URL" >/dev/null
    "${WRK[@]}" -d"$WARMUP" "$CALL_URL" -- "$BODY" >/dev/null
fi

# measure NAME URL [BODY]: runs wrk, shows its output, appends "NAME <RESULT fields>" to $WORK/results.
measure() {
    local name="$1" url="$2"; shift 2
    step "$name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $url${1:+ (POST $1)}"
    "${WRK[@]}" -d"$DURATION" "$url" ${1:+-- "$1"} | tee "$WORK/wrk.out"
    echo "$name $(grep '^RESULT ' "$WORK/wrk.out" | cut -d' ' -f2-)" >>"$WORK/results"
}
for round in $(seq 1 "$ROUNDS"); do
    measure "ping#$round" "$PING_URL"
    measure "call#$round" "$CALL_URL" "$BODY"
done

step "The node's metrics for Catalog after the run"
curl -fsS -H "$AUTH" "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.txt"
grep -E '^hypermesh_(extension_(calls|errors)_total|violations_total|suspensions_total|extensions_active)' "$WORK/metrics.txt" || true
# Time spent inside registry.call (admission, the call gate, Catalog's own work), from the histogram.
awk '/^hypermesh_extension_call_duration_seconds_sum/ {s = $2} /^hypermesh_extension_call_duration_seconds_count/ {c = $2}
     END { if (c > 0) printf "mean time inside registry.call: %.0f µs over %d calls\n", s / c * 1e6, c }' "$WORK/metrics.txt"

step "Stop the node (SIGTERM)"
START_STOP=$(date +%s%N)
kill -TERM "$NODE_PID"
set +e; wait "$NODE_PID"; STATUS=$?; set -e
NODE_PID=""
echo "node exited with status $STATUS after $(( ($(date +%s%N) - START_STOP) / 1000000 )) ms"
tail -n 3 "$WORK/node.log"

step "Results ($(date -u '+%Y-%m-%d %H:%M UTC'), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, loopback, $(nproc) CPUs shared by node and wrk)"
python3 - "$WORK/results" <<'EOF'
import sys
rows = []
for line in open(sys.argv[1]):
    name, *fields = line.split()
    rows.append((name, {k: float(v) for k, v in (f.split("=") for f in fields)}))
def ms(us): return f"{us / 1000:.2f}"
print(f"{'route':<10} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'non-2xx':>8} {'sock err':>8}")
for name, r in rows:
    print(f"{name:<10} {r['rps']:>9.0f} {ms(r['p50']):>8} {ms(r['p90']):>8} {ms(r['p99']):>8} {ms(r['max']):>8} {r['non2xx']:>8.0f} {r['socket_errors']:>8.0f}")
bad = any(r["non2xx"] or r["socket_errors"] for _, r in rows)
pings = [r for n, r in rows if n.startswith("ping")]
calls = [r for n, r in rows if n.startswith("call")]
for i, (p, c) in enumerate(zip(pings, calls), 1):
    cost = (1 - c["rps"] / p["rps"]) * 100
    print(f"round {i}: call/ping throughput {c['rps'] / p['rps']:.3f}; the extension path costs {cost:.1f}% of the floor's throughput "
          f"(target <= 20%: {'met' if cost <= 20 else 'MISSED'}); p99 {ms(c['p99'])} vs {ms(p['p99'])} ms")
if bad:
    print("WARNING: some responses were not 2xx, or sockets failed: the figures above are not clean")
    sys.exit(1)
EOF
