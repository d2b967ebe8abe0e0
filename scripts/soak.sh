#!/usr/bin/env bash
# Chaos soak of a HyperMesh node under load: `hypermesh serve --watch` on loopback with a dozen
# extensions of every kind (in-process native, isolated native, WebAssembly; Catalog among them),
# wrk on the call route in bounded slices, and a seeded schedule of faults (worker SIGKILL, an
# extension that crashes, hangs or floods, hot reload, a corrupted package, a storage quota filled,
# node SIGKILL and restart). Checks availability, the audit chain, acknowledged writes, workers,
# descriptors and memory; exits non-zero naming what failed. `scripts/soak.sh --help` has it all.
#
# Not exercised: fleet mode (etcd, docker-registry, peers), TLS/remote access, the Unix-socket
# endpoint, power loss (only process kills), memory and descriptor limits of workers.
set -euo pipefail
if [ "${BASH_VERSINFO[0]}" -lt 5 ]; then echo "soak: needs bash 5 or later (EPOCHREALTIME)" >&2; exit 2; fi

usage() {
    cat <<'TEXT'
Usage: scripts/soak.sh [MINUTES] [--json[=FILE]]
       scripts/soak.sh --help

A chaos soak of one HyperMesh node (`hypermesh serve --watch --listen 127.0.0.1:PORT`) under load,
for MINUTES minutes of load (default 2; 1 to 1440), plus the build, start and final checks.

Everything is built from source into a temporary folder: the C fixtures of Tests/Fixtures/c with
clang (fixture_extension.c, hostile_extension.c, isolated_extension.c), WebAssembly guests of
Tests/Fixtures/wasm with clang --target=wasm32 and wasm-ld, and Catalog from the package's
libCatalogExtension.so. Each package is staged (`ext stage`), signed by a fresh development CA
(`trust init`, `trust add`, `ext sign`) and granted what it declares (`ext grant`). Twelve
extensions: Catalog (in-process Swift), fixtures in-process and isolated ("isolation": "process"),
the hostile fixture in-process and isolated, isolated_extension.c, and four wasm guests.

Load: wrk (1 thread, SOAK_CONNECTIONS connections) on POST /v1/extensions/{id}/call/{method} of
the four "bystander" extensions (Catalog get, a native echo, an isolated echo, a wasm echo), in
slices of SOAK_SLICE_SECONDS; one line per slice (requests, non-2xx, socket errors, p99). Beside
it: a health probe (GET /v1/health each second, 5 s timeout) and a Catalog writer (one `add`
every half second; every 2xx is an acknowledged write).

Faults (one line each), drawn from SOAK_SEED: the kinds come in shuffled rounds of all eight, so
a run of 2 minutes or more injects each kind at least once; their offsets are spread over the
run (no fault in the first and the last slice). The same seed gives the same kinds, targets and
planned offsets (a fault runs late if the one before it overran).
  worker_kill  SIGKILL the worker (a hypermesh-sandbox child of the node, found by the shadow
               copy it maps) of an isolated extension; it must answer again within 30 s
  crash        an isolated worker writes through NULL (SIGSEGV), or a wasm guest traps
               (unreachable); the call fails typed (422), the extension answers again
  hang         an isolated call that never ends (SIGKILLed at its deadline, 2 or 5 s), a wasm
               loop (out of fuel), or an in-process 300 ms CPU burn (a violation after the call:
               in-process code cannot be stopped)
  flood        the hostile fixture (in-process or isolated) calls storage_get 2000 times with a
               quota of 100 ops/s: refused, counted as violations, suspended past the threshold;
               the soak then resumes it (an operator's act) until it answers again
  hot_reload   a new signed version of a bystander is renamed into the watched folder; it must
               serve the new version within 30 s (calls in flight must not fail)
  corrupt      a package's payload is replaced by a copy with flipped bytes or truncated: the
               node must refuse it (logged), keep the running version, and serve on; a new valid
               version is then published and must be picked up
  quota_fill   storage_put of 1 KiB values until the 16 KiB storage quota refuses one (the
               fixture hands QUOTA_EXCEEDED on: 422 call.method_failed); the keys are then deleted
  node_kill    SIGKILL the node, check its workers exit, run `audit verify --offline`, restart
               it on the same state dir and port; first healthy answer within SOAK_RESTART_BOUND

Assertions (each failure is named at the end; exit status 1):
  - availability: every health probe answered 200 "ok" within its 5 s timeout, except inside a
    planned node restart window, and every restart reached its first healthy answer within
    SOAK_RESTART_BOUND s (answers slower than 1 s, the CLI's own probe timeout, are listed and
    counted, not judged: a node short of CPU may take that long);
  - load: a slice without a node restart has no non-2xx answer and no socket error (the
    bystanders must not notice their neighbours' faults, nor their own hot reloads);
  - audit: `audit verify` intact after each node kill (node stopped), at the end while running,
    and after the final stop; its record count never goes down across a kill (no acknowledged
    record lost);
  - writes: every Catalog `add` answered 2xx is listed after each restart and at the end;
  - workers: after each node kill its workers are gone within 5 s; after the final stop no
    hypermesh-sandbox process this soak started remains;
  - descriptors: the node's /proc/PID/fd count, sampled before each kill and at the end, is at most
    the count after warm-up + SOAK_FD_SLACK (default 64);
  - memory: VmRSS, sampled the same way, is at most 2 x the warm-up value + 64 MiB
    (SOAK_RSS_FACTOR, SOAK_RSS_SLACK_MIB);
  - the node stops on SIGTERM within 60 s with status 0.
A fault that does not have the effect it should (no refusal, no quota error, no recovery) also
fails the run.

Options and environment:
  --json           print the summary as one JSON document on stdout (progress goes to stderr)
  --json=FILE      write it to FILE (same as SOAK_JSON=FILE)
  SOAK_SEED        the fault schedule's seed (default 20261207), printed at the start
  SOAK_BIN         folder holding hypermesh, hypermesh-sandbox and libCatalogExtension.so
                   (default: `swift build --show-bin-path`, built there if missing)
  SOAK_KEEP=1      keep the temporary folder (node logs, wrk output, state dir)
  SOAK_SLICE_SECONDS (10), SOAK_CONNECTIONS (4), SOAK_RESTART_BOUND (30 s), SOAK_FD_SLACK (64),
  SOAK_RSS_FACTOR (2), SOAK_RSS_SLACK_MIB (64)

Needs: wrk, jq, curl, clang, wasm-ld, python3 (scripts/bootstrap.sh installs them). Loopback only.

Not exercised: fleet mode (etcd, docker-registry and peers are not started, so not restarted),
TLS or remote access, the Unix-socket endpoint, power loss (processes are killed, the machine is
not), the memory and descriptor limits of workers, the Catalog's consensus and VM methods under
faults.
TEXT
}

# ----------------------------------------------------------------------------------------------
# Arguments and settings

MINUTES=2
JSON_FILE="${SOAK_JSON:-}"
JSON_STDOUT=0
minutes_given=0
for arg in "$@"; do
    case "$arg" in
    -h | --help) usage; exit 0 ;;
    --json) JSON_STDOUT=1 ;;
    --json=*) JSON_FILE="${arg#--json=}" ;;
    -*) echo "soak: unknown option $arg (see --help)" >&2; exit 2 ;;
    *)
        if [ "$minutes_given" = 1 ] || ! [[ "$arg" =~ ^[0-9]+$ ]] || [ "$arg" -lt 1 ] || [ "$arg" -gt 1440 ]; then
            echo "soak: MINUTES must be one whole number from 1 to 1440, got '$arg' (see --help)" >&2; exit 2
        fi
        MINUTES=$arg; minutes_given=1 ;;
    esac
done

SEED="${SOAK_SEED:-20261207}"
SLICE="${SOAK_SLICE_SECONDS:-10}"
CONNECTIONS="${SOAK_CONNECTIONS:-4}"
RESTART_BOUND="${SOAK_RESTART_BOUND:-30}"
FD_SLACK="${SOAK_FD_SLACK:-64}"
RSS_FACTOR="${SOAK_RSS_FACTOR:-2}"
RSS_SLACK_MIB="${SOAK_RSS_SLACK_MIB:-64}"
for pair in "SOAK_SEED=$SEED" "SOAK_SLICE_SECONDS=$SLICE" "SOAK_CONNECTIONS=$CONNECTIONS" "SOAK_RESTART_BOUND=$RESTART_BOUND" \
    "SOAK_FD_SLACK=$FD_SLACK" "SOAK_RSS_FACTOR=$RSS_FACTOR" "SOAK_RSS_SLACK_MIB=$RSS_SLACK_MIB"; do
    if ! [[ "${pair#*=}" =~ ^[0-9]{1,15}$ ]]; then echo "soak: ${pair%%=*} must be a whole number, got '${pair#*=}'" >&2; exit 2; fi
done
if [ "$SLICE" -lt 2 ] || [ "$CONNECTIONS" -lt 1 ] || [ "$RESTART_BOUND" -lt 1 ] || [ "$RSS_FACTOR" -lt 1 ]; then
    echo "soak: SOAK_SLICE_SECONDS must be at least 2; SOAK_CONNECTIONS, SOAK_RESTART_BOUND and SOAK_RSS_FACTOR at least 1" >&2; exit 2
fi
DURATION=$((MINUTES * 60))

cd "$(dirname "$0")/.."
REPO="$PWD"

# Progress goes to stdout, or to stderr when stdout carries the JSON summary.
if [ "$JSON_STDOUT" = 1 ]; then exec 3>&2; else exec 3>&1; fi
now_ms() { local t=${EPOCHREALTIME//[!0-9]/}; echo $((t / 1000)); }
SCRIPT_START=$(now_ms)
RUN_START=$SCRIPT_START
say() {
    local t=$(( $(now_ms) - RUN_START ))
    printf '[%4d.%ds] %s\n' $((t / 1000)) $(((t % 1000) / 100)) "$*" >&3
}
FAILURES=()
fail() { FAILURES+=("$*"); say "FAILED: $*"; }
# A failure the run cannot go on after: the JSON summary (if asked for) says only that.
die() {
    say "FATAL: $*"; FAILURES+=("$*")
    local doc
    doc=$(printf '%s\n' "${FAILURES[@]}" | jq -R . | jq -s --argjson seed "$SEED" --argjson minutes "$MINUTES" \
        '{minutes: $minutes, seed: $seed, passed: false, failures: .}')
    if [ -n "$JSON_FILE" ]; then echo "$doc" >"$JSON_FILE"; fi
    if [ "$JSON_STDOUT" = 1 ]; then echo "$doc"; fi
    exit 1
}

# `audit verify --offline` on the stopped node's state: the chain must be intact and hold at least
# MIN records (those acknowledged before). Sets OFFLINE_RECORDS (not a subshell: `fail` records in
# this shell); WHEN names the moment.
check_audit_offline() {
    local when="$1" min="$2" verify
    verify=$("$HM" audit verify --offline --state-dir "$STATE" --json 2>/dev/null || true)
    OFFLINE_RECORDS=$(jq -r '.records // 0' <<<"$verify" 2>/dev/null || echo 0)
    [ "$(jq -r .intact <<<"$verify" 2>/dev/null)" = true ] || fail "audit verify --offline $when: $verify"
    [ "$OFFLINE_RECORDS" -ge "$min" ] || fail "audit $when: $OFFLINE_RECORDS records, $min were acknowledged before"
}

for tool in wrk jq curl clang wasm-ld python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "soak: $tool not found; run scripts/bootstrap.sh" >&2; exit 2; }
done

# ----------------------------------------------------------------------------------------------
# Binaries

if [ -n "${SOAK_BIN:-}" ]; then
    BIN="$SOAK_BIN"
else
    BIN="$(swift build --show-bin-path)"
fi
HM="$BIN/hypermesh"
SANDBOX="$BIN/hypermesh-sandbox"
CATALOG_LIB="$BIN/libCatalogExtension.so"
if [ ! -x "$HM" ] || [ ! -x "$SANDBOX" ] || [ ! -f "$CATALOG_LIB" ]; then
    if [ -n "${SOAK_BIN:-}" ]; then
        echo "soak: SOAK_BIN=$SOAK_BIN lacks hypermesh, hypermesh-sandbox or libCatalogExtension.so" >&2; exit 2
    fi
    echo "soak: building hypermesh, hypermesh-sandbox and CatalogExtension (debug)" >&2
    swift build --product hypermesh --product hypermesh-sandbox --product CatalogExtension
fi
SANDBOX_REAL="$(readlink -f "$SANDBOX")"

# ----------------------------------------------------------------------------------------------
# Temporary folder, processes, cleanup

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hypermesh-soak.XXXXXX")"
EXT="$WORK/extensions"
STATE="$WORK/state"
BUILD="$WORK/build"
mkdir -p "$EXT" "$STATE" "$BUILD" "$WORK/staging" "$WORK/xdg" "$WORK/logs"
# Only this soak's folders: no search path or state dir from the environment.
unset HYPERMESH_EXTENSION_PATH HYPERMESH_STATE_DIR HYPERMESH_NODE_TOKEN HYPERMESH_INDEX
export XDG_DATA_HOME="$WORK/xdg"

NODE_PID=""
WRK_PID=""
PROBE_PID=""
WRITER_PID=""
NODE_PIDS=()      # every node process this soak started
cleanup() {
    local status=$?
    set +e
    touch "$WORK/stop" 2>/dev/null
    for pid in $WRK_PID $PROBE_PID $WRITER_PID; do kill "$pid" 2>/dev/null; done
    if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
        kill -TERM "$NODE_PID" 2>/dev/null
        for _ in $(seq 1 150); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$NODE_PID" 2>/dev/null
    fi
    for pid in $WRK_PID $PROBE_PID $WRITER_PID $NODE_PID; do wait "$pid" 2>/dev/null; done
    # Workers of this soak's nodes that are still there (they end within 250 ms of their node).
    for pid in $(soak_workers 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    if [ "${SOAK_KEEP:-0}" = 1 ]; then
        echo "soak: kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Fields of /proc/PID/stat after the command name, read with builtins only (no fork per process):
# sets STAT_PPID (field 4) and STAT_START (field 22, clock ticks since boot); false if it is gone.
read_stat() {
    local line rest
    read -r line 2>/dev/null <"/proc/$1/stat" || return 1
    rest=${line##*) }
    read -r -a STAT_FIELDS <<<"$rest"
    STAT_PPID=${STAT_FIELDS[1]}; STAT_START=${STAT_FIELDS[19]}
}
CLK_TCK=$(getconf CLK_TCK)
SOAK_START_TICKS=$(awk -v hz="$CLK_TCK" '{printf "%d", $1 * hz}' /proc/uptime)
# Children of process $1 that run this build's hypermesh-sandbox.
workers_of() {
    local p
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        read_stat "$p" && [ "$STAT_PPID" = "$1" ] || continue
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$SANDBOX_REAL" ] && echo "$p"
    done
    return 0
}
# hypermesh-sandbox processes of this build that started after the soak and whose parent is one of
# this soak's nodes or init (an orphan).
soak_workers() {
    local p node ours
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        read_stat "$p" && [ "$STAT_START" -ge "$SOAK_START_TICKS" ] 2>/dev/null || continue
        ours=0
        [ "$STAT_PPID" = 1 ] && ours=1
        for node in "${NODE_PIDS[@]}"; do [ "$STAT_PPID" = "$node" ] && ours=1; done
        [ "$ours" = 1 ] && [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$SANDBOX_REAL" ] && echo "$p"
    done
    return 0
}
# The extension whose library worker $1 maps (the shadow copy under the state dir).
worker_extension() {
    grep -o "$STATE/shadow/[^/]*/" "/proc/$1/maps" 2>/dev/null | head -1 | sed "s#$STATE/shadow/##; s#/##"
}
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# ----------------------------------------------------------------------------------------------
# The seeded schedule: a 48-bit linear congruential generator (drand48's constants), so the same
# seed gives the same numbers in every bash.

RNG=$(( SEED & 0xFFFFFFFFFFFF ))
R=0
rand() { RNG=$(( (RNG * 25214903917 + 11) & 0xFFFFFFFFFFFF )); R=$(( RNG >> 17 )); }

KINDS=(worker_kill crash hang flood hot_reload corrupt quota_fill node_kill)
WINDOW_START=$SLICE                                   # no fault in the first slice (warm-up)
WINDOW_END=$(( DURATION - SLICE ))                    # nor in the last
FAULTS=$(( (WINDOW_END - WINDOW_START) / 10 ))        # about one every 10 s
[ "$FAULTS" -lt ${#KINDS[@]} ] && FAULTS=${#KINDS[@]}
F_KIND=(); F_AT=(); F_VAR=()
while [ "${#F_KIND[@]}" -lt "$FAULTS" ]; do
    bag=("${KINDS[@]}")
    for ((i = ${#bag[@]} - 1; i > 0; i--)); do
        rand; j=$(( R % (i + 1) )); tmp=${bag[i]}; bag[i]=${bag[j]}; bag[j]=$tmp
    done
    for kind in "${bag[@]}"; do [ "${#F_KIND[@]}" -lt "$FAULTS" ] && F_KIND+=("$kind"); done
done
span_ms=$(( (WINDOW_END - WINDOW_START) * 1000 ))
[ "$span_ms" -lt $(( FAULTS * 1000 )) ] && span_ms=$(( FAULTS * 1000 ))
slot=$(( span_ms / FAULTS ))
for ((i = 0; i < FAULTS; i++)); do
    rand; F_AT+=($(( WINDOW_START * 1000 + i * slot + R % (slot / 2 + 1) )))
    rand; F_VAR+=("$R")
done

# ----------------------------------------------------------------------------------------------
# Building and publishing the extensions

CA="$WORK/dev-ca"
INCLUDES=(-I "$REPO/Sources/CHyperMeshABI/include" -I "$REPO/Examples/c-kit")
WASM_KIT="$REPO/Examples/wasm-kit"
WASM_FLAGS=(--target=wasm32 -mcpu=mvp -mbulk-memory -msign-ext -nostdlib -ffreestanding -O2 -std=c11 -Wall -Wextra -Werror)

# id | source | kind | isolation | capabilities (JSON) | quotas (JSON) | role
EXTENSIONS=(
    "org.hypermesh.catalog|catalog|native|in-process|[\"assetManagement\",\"consensusAccess\",\"events\",\"storage\",\"vmExecution\"]|{}|load"
    "org.soak.fixture.inproc|fixture|native|in-process|[\"storage\",\"events\"]|{}|load"
    "org.soak.fixture.isolated|fixture|native|process|[\"storage\",\"events\"]|{}|load"
    "org.soak.wasm.load|guests-lifecycle|wasm|in-process|[\"storage\"]|{}|load"
    "org.hypermesh.tests.isolated|isolated|native|process|[\"storage\"]|{\"cpuMillisecondsPerCall\":200}|fault"
    "org.soak.hostile|hostile|native|in-process|[\"storage\"]|{\"operationsPerSecond\":100,\"cpuMillisecondsPerCall\":100}|fault"
    "org.soak.hostile.isolated|hostile|native|process|[\"storage\"]|{\"operationsPerSecond\":100,\"cpuMillisecondsPerCall\":500}|fault"
    "org.soak.wasm.hostile|guests|wasm|in-process|[\"storage\"]|{\"cpuMillisecondsPerCall\":100}|fault"
    "org.soak.quota|fixture|native|in-process|[\"storage\",\"events\"]|{\"storageBytes\":16384}|fault"
    "org.soak.quota.isolated|fixture|native|process|[\"storage\",\"events\"]|{\"storageBytes\":16384}|fault"
    "org.soak.victim.native|fixture|native|in-process|[\"storage\",\"events\"]|{}|fault"
    "org.soak.victim.wasm|guests-nostorage|wasm|in-process|[]|{}|fault"
)
declare -A X_SOURCE X_KIND X_ISOLATION X_CAPS X_QUOTAS X_VERSION
LOAD_IDS=()
for row in "${EXTENSIONS[@]}"; do
    IFS='|' read -r id source kind isolation caps quotas role <<<"$row"
    X_SOURCE[$id]=$source; X_KIND[$id]=$kind; X_ISOLATION[$id]=$isolation; X_CAPS[$id]=$caps; X_QUOTAS[$id]=$quotas
    X_VERSION[$id]="1.0.0"
    [ "$role" = load ] && LOAD_IDS+=("$id")
done

entry_of() {
    case "${X_SOURCE[$1]}" in
    catalog) echo libCatalogExtension.so ;;
    fixture) echo libfixture.so ;;
    hostile) echo libhostile.so ;;
    isolated) echo libisolated.so ;;
    guests*) echo guests.wasm ;;
    esac
}

# Builds the payload of extension $1 at version $2 into $3.
build_payload() {
    local id=$1 version=$2 out=$3 objects
    case "${X_SOURCE[$id]}" in
    catalog) cp "$CATALOG_LIB" "$out" ;;
    fixture) clang -shared -fPIC -O1 -std=c11 -Wall "${INCLUDES[@]}" -DFIXTURE_ID="\"$id\"" -DFIXTURE_VERSION="\"$version\"" \
        "$REPO/Tests/Fixtures/c/fixture_extension.c" -o "$out" ;;
    hostile) clang -shared -fPIC -O1 -std=c11 -Wall "${INCLUDES[@]}" -DHOSTILE_ID="\"$id\"" -DHOSTILE_VERSION="\"$version\"" \
        "$REPO/Tests/Fixtures/c/hostile_extension.c" -o "$out" ;;
    isolated) clang -shared -fPIC -O1 -std=c11 -Wall "${INCLUDES[@]}" "$REPO/Tests/Fixtures/c/isolated_extension.c" -o "$out" ;;
    guests*)
        local defines=()
        [ "${X_SOURCE[$id]}" = guests-lifecycle ] && defines=(-DGUEST_LIFECYCLE)
        [ "${X_SOURCE[$id]}" = guests-nostorage ] && defines=(-DGUEST_NO_STORAGE)
        objects="$out.objects"; mkdir -p "$objects"
        clang "${WASM_FLAGS[@]}" -I "$WASM_KIT" -I "$REPO/Examples/c-kit" "${defines[@]}" -c "$WASM_KIT/hypermesh_guest.c" -o "$objects/kit.o"
        clang "${WASM_FLAGS[@]}" -I "$WASM_KIT" -I "$REPO/Examples/c-kit" "${defines[@]}" -c "$REPO/Tests/Fixtures/wasm/guests.c" -o "$objects/guests.o"
        wasm-ld --no-entry --strip-debug "$objects/kit.o" "$objects/guests.o" -o "$out"
        rm -rf "$objects" ;;
    esac
}

# Stages and signs extension $1 at version $2 into folder $3 (`ext stage`, `ext sign`).
stage_signed() {
    local id=$1 version=$2 out=$3 entry manifest payload
    entry=$(entry_of "$id")
    manifest="$BUILD/$id-$version.json"
    payload="$BUILD/$id-$version-$entry"
    build_payload "$id" "$version" "$payload"
    if [ "$id" = org.hypermesh.catalog ]; then
        jq --arg v "$version" '.version = $v' "$REPO/Examples/catalog.manifest.template.json" >"$manifest"
    else
        jq -n --arg id "$id" --arg v "$version" --arg kind "${X_KIND[$id]}" --arg entry "$entry" \
            --argjson caps "${X_CAPS[$id]}" --argjson quotas "${X_QUOTAS[$id]}" --arg isolation "${X_ISOLATION[$id]}" \
            '{id: $id, name: $id, version: $v, kind: $kind, entry: $entry, abi: {min: 1, max: 1}, category: "testing",
              capabilities: $caps, quotas: $quotas, dependencies: {}, files: {}, description: "chaos soak extension"}
             + (if $isolation == "process" then {isolation: "process"} else {} end)' >"$manifest"
    fi
    rm -rf "$out"
    "$HM" ext stage --manifest "$manifest" --payload "$payload" --out "$out" >/dev/null
    "$HM" ext sign "$out" --key "$CA/code-signing.key" --cert "$CA/code-signing.pem" >/dev/null
}

# Publishes a new signed version of $1 into the watched folder by renaming each file in (never
# rewriting a mapped library in place: docs/node.md, Reload). Sets X_VERSION.
publish() {
    local id=$1 version=$2 staged="$WORK/staging/$1-$2" entry
    stage_signed "$id" "$version" "$staged"
    entry=$(entry_of "$id")
    mv -f "$staged/$entry" "$EXT/$id/$entry"
    mv -f "$staged/extension.json" "$EXT/$id/extension.json"
    mv -f "$staged/extension.sig" "$EXT/$id/extension.sig"
    rm -rf "$staged"
    X_VERSION[$id]=$version
}

# ----------------------------------------------------------------------------------------------
# The node and its API

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
TOKEN=""
NODE_STARTS=0

# One API request: sets H_STATUS (000 when no answer) and H_BODY. $1 method, $2 path, $3 timeout
# in seconds, $4 the body (POST only).
api() {
    local args=(-sS -m "$3" -o "$WORK/api.body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN")
    [ "$1" = POST ] && args+=(-H 'Content-Type: application/octet-stream' --data-binary "${4-}")
    H_STATUS=$(curl "${args[@]}" "$BASE$2" 2>/dev/null) || H_STATUS=000
    [ -n "$H_STATUS" ] || H_STATUS=000
    H_BODY=$(cat "$WORK/api.body" 2>/dev/null || true)
    rm -f "$WORK/api.body"
}
call() { api POST "/v1/extensions/$1/call/$2" "${4:-30}" "${3-}"; }
error_code() { jq -r '.error.code // empty' <<<"$H_BODY" 2>/dev/null || true; }
healthy() { api GET /v1/health 2 && [ "$H_STATUS" = 200 ] && [ "$(jq -r .status <<<"$H_BODY" 2>/dev/null)" = ok ]; }
state_of() { api GET "/v1/extensions/$1" 10; jq -r '.state // empty' <<<"$H_BODY" 2>/dev/null | cut -d' ' -f1; }
version_of() { api GET "/v1/extensions/$1" 10; jq -r '.version // empty' <<<"$H_BODY" 2>/dev/null; }

# Starts the node and waits for its first healthy answer; prints the milliseconds it took.
start_node() {
    local bound_s=$1 started deadline log
    NODE_STARTS=$((NODE_STARTS + 1))
    log="$WORK/logs/node-$NODE_STARTS.log"
    started=$(now_ms)
    (cd "$WORK" && exec "$HM" serve --path "$EXT" --state-dir "$STATE" --listen "127.0.0.1:$PORT" --watch --log-level notice) >"$log" 2>&1 &
    NODE_PID=$!
    NODE_PIDS+=("$NODE_PID")
    echo "$NODE_PID" >"$WORK/node.pid"
    deadline=$(( started + bound_s * 1000 ))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        if ! kill -0 "$NODE_PID" 2>/dev/null; then
            say "the node exited during its start; its log:"; tail -20 "$log" >&3; return 1
        fi
        if [ -z "$TOKEN" ] && [ -s "$STATE/node.token" ]; then TOKEN=$(cat "$STATE/node.token"); fi
        if [ -n "$TOKEN" ] && healthy; then echo $(( $(now_ms) - started )) >"$WORK/start.ms"; return 0; fi
        sleep 0.1
    done
    say "the node gave no healthy answer within $bound_s s; its log:"; tail -20 "$log" >&3
    return 1
}

# ----------------------------------------------------------------------------------------------
# Set up: CA, packages, grants

say "seed $SEED: $FAULTS faults over $MINUTES min (slices of $SLICE s); work folder $WORK"
say "binaries: $BIN"
"$HM" trust init "$CA" >/dev/null
"$HM" trust add "$CA/root-ca.pem" --state-dir "$STATE" >/dev/null
for row in "${EXTENSIONS[@]}"; do
    id=${row%%|*}
    stage_signed "$id" 1.0.0 "$EXT/$id"
    caps=$(jq -r '.[]' <<<"${X_CAPS[$id]}" | tr '\n' ' ')
    if [ -n "$caps" ]; then
        # shellcheck disable=SC2086
        "$HM" ext grant "$id" $caps --path "$EXT" --state-dir "$STATE" --offline >/dev/null
    fi
done
say "built, staged, signed and granted ${#EXTENSIONS[@]} extensions: ${!X_SOURCE[*]}"

schedule_text=""
for ((i = 0; i < FAULTS; i++)); do schedule_text+="${F_KIND[i]}@$((F_AT[i] / 1000))s "; done
say "schedule: $schedule_text"

start_node 180 || die "the node did not start"
say "node pid $NODE_PID on 127.0.0.1:$PORT, healthy after $(cat "$WORK/start.ms") ms; $(jq -c '{active, extensions}' <<<"$H_BODY")"
expected_active=$(jq -r .active <<<"$H_BODY")
[ "$expected_active" = "${#EXTENSIONS[@]}" ] || die "only $expected_active of ${#EXTENSIONS[@]} extensions are active after the start (log: $WORK/logs/node-1.log)"

call org.hypermesh.catalog add '{"type":"document","name":"soak-welcome","version":"1.0.0","tags":["soak"],"content":"Hello, soak!"}'
[ "$H_STATUS" = 200 ] || die "Catalog add of the load asset answered $H_STATUS: $H_BODY"

# ----------------------------------------------------------------------------------------------
# Load, probe and writer

cat >"$WORK/load.lua" <<LUA
-- POSTs to the call route of the bystander extensions, in turn.
local token = "$TOKEN"
local targets = {
  {"/v1/extensions/org.hypermesh.catalog/call/get", '{"type":"document","name":"soak-welcome"}'},
  {"/v1/extensions/org.soak.fixture.inproc/call/echo", '{"soak":"in-process"}'},
  {"/v1/extensions/org.soak.fixture.isolated/call/echo", '{"soak":"isolated"}'},
  {"/v1/extensions/org.soak.wasm.load/call/echo", '{"soak":"wasm"}'},
}
local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/octet-stream"}
local n = 0
request = function()
  n = n + 1
  local t = targets[(n % #targets) + 1]
  return wrk.format("POST", t[1], headers, t[2])
end
local shown = 0
response = function(status, hdrs, body)
  if status > 299 and shown < 3 then
    shown = shown + 1
    io.write("SOAK_NON2XX ", status, " ", string.sub(body or "", 1, 300), "\n")
  end
end
done = function(summary, latency, requests)
  io.write(string.format("SOAK_SLICE requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d p99us=%d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, latency:percentile(99)))
end
LUA

# The health probe: one line per second, "ms ok|fail status latency_ms node_pid", and the node's
# workers into workers.seen. Builtins where it can (it runs on a loaded machine). Bounded in count.
probe_loop() {
    set +e
    local i t0 t1 code body node rest w
    for ((i = 0; i < DURATION + 600; i++)); do
        [ -e "$WORK/stop" ] && break
        read -r node <"$WORK/node.pid"
        t0=${EPOCHREALTIME//[!0-9]/}; t0=$((t0 / 1000))
        body=$(curl -sS -m 5 -H "Authorization: Bearer $TOKEN" -w '\n%{http_code}' "$BASE/v1/health" 2>/dev/null)
        t1=${EPOCHREALTIME//[!0-9]/}; t1=$((t1 / 1000))
        code=${body##*$'\n'}; body=${body%$'\n'*}
        if [ "$code" = 200 ] && [[ "$body" == *'"status":"ok"'* ]]; then
            echo "$t0 ok $code $((t1 - t0)) $node"
        else
            echo "$t0 fail ${code:-000} $((t1 - t0)) $node"
        fi
        for w in $(workers_of "$node"); do echo "$w" >>"$WORK/workers.seen"; done
        t1=${EPOCHREALTIME//[!0-9]/}; rest=$((1000 - (t1 / 1000 - t0)))
        [ "$rest" -lt 50 ] && rest=50
        sleep "0.$(printf %03d "$((rest > 999 ? 999 : rest))")"
    done
}
# The Catalog writer: one add every half second; "name status" per line. Bounded in count.
writer_loop() {
    set +e
    local i code
    for ((i = 1; i <= (DURATION + 600) * 2; i++)); do
        [ -e "$WORK/stop" ] && break
        code=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
            -H 'Content-Type: application/octet-stream' \
            --data-binary "{\"type\":\"document\",\"name\":\"soak-w$i\",\"version\":\"1.0.0\",\"content\":\"write $i\"}" \
            "$BASE/v1/extensions/org.hypermesh.catalog/call/add" 2>/dev/null)
        echo "soak-w$i ${code:-000}"
        sleep 0.5
    done
}
probe_loop >"$WORK/probe.log" &
PROBE_PID=$!
writer_loop >"$WORK/writes.log" &
WRITER_PID=$!

# Every acknowledged Catalog add is listed: prints the number checked, or fails.
check_acked_writes() {
    local when=$1 acked listed missing
    acked=$(awk '$2 == 200 {print $1}' "$WORK/writes.log" | sort -u)
    call org.hypermesh.catalog list '{}' 60
    if [ "$H_STATUS" != 200 ]; then fail "Catalog list $when answered $H_STATUS: $H_BODY"; return; fi
    listed=$(jq -r '.assets[].name' <<<"$H_BODY" | sort -u)
    missing=$(comm -23 <(echo "$acked") <(echo "$listed") | grep -c . || true)
    if [ "$missing" != 0 ]; then
        fail "$missing acknowledged Catalog write(s) missing $when: $(comm -23 <(echo "$acked") <(echo "$listed") | head -5 | tr '\n' ' ')"
    fi
    ACKED_CHECKED=$(echo "$acked" | grep -c . || true)
}

# fd and RSS of the running node, against the warm-up sample.
FD_START=0; RSS_START=0; FD_END=0; RSS_END=0; FD_MAX=0; RSS_MAX=0
sample_node() {
    local when=$1 fds rss
    fds=$(fd_count "$NODE_PID"); rss=$(rss_kib "$NODE_PID")
    [ "$fds" -gt "$FD_MAX" ] && FD_MAX=$fds
    [ "$rss" -gt "$RSS_MAX" ] && RSS_MAX=$rss
    FD_END=$fds; RSS_END=$rss
    if [ "$FD_START" -gt 0 ]; then
        [ "$fds" -le $((FD_START + FD_SLACK)) ] || fail "descriptors $when: $fds open, more than $FD_START after warm-up + $FD_SLACK"
        [ "$rss" -le $((RSS_START * RSS_FACTOR + RSS_SLACK_MIB * 1024)) ] ||
            fail "memory $when: VmRSS $rss KiB, more than $RSS_FACTOR x $RSS_START KiB after warm-up + $RSS_SLACK_MIB MiB"
    fi
    say "node $NODE_PID $when: $fds descriptors, VmRSS $((rss / 1024)) MiB"
}

# ----------------------------------------------------------------------------------------------
# Faults. Each prints one line and sets FAULT_OK=0 with fail() when the node did not do its part.

declare -A FAULT_COUNT
for kind in "${KINDS[@]}"; do FAULT_COUNT[$kind]=0; done
RESTARTS=0; MAX_RESTART_MS=0; RESUMES=0; AUDIT_LAST=0; ACKED_CHECKED=0
PLANNED=()   # "start_ms end_ms" of each planned node restart (absolute ms)

# Calls $1 $2 until it answers 200, at most $3 seconds, as an operator would: resuming a
# suspended extension, activating an inactive one, and one still failed after 5 s (the registry
# restarts a failed worker after a growing delay). Sets BACK_MS (-1 and fail() with $4 on timeout).
BACK_MS=0
await_answer() {
    local id=$1 method=$2 bound=$3 what=$4 t0 state
    t0=$(now_ms)
    while [ $(( $(now_ms) - t0 )) -lt $((bound * 1000)) ]; do
        call "$id" "$method" '{"soak":"probe"}' 10
        if [ "$H_STATUS" = 200 ]; then BACK_MS=$(( $(now_ms) - t0 )); return 0; fi
        case "$(error_code)" in
        security.suspended)
            api POST "/v1/extensions/$id/resume" 10
            RESUMES=$((RESUMES + 1)) ;;
        call.not_active)
            state=$(state_of "$id")
            case "$state" in
            suspended) api POST "/v1/extensions/$id/resume" 10; RESUMES=$((RESUMES + 1)) ;;
            inactive | loaded | resolved | verified) api POST "/v1/extensions/$id/activate" 10 ;;
            failed) [ $(( $(now_ms) - t0 )) -gt 5000 ] && api POST "/v1/extensions/$id/activate" 10 ;;
            esac ;;
        esac
        sleep 0.2
    done
    BACK_MS=-1
    fail "$what: $id did not answer $method within $bound s (last $H_STATUS $(error_code))"
}

fault_worker_kill() {
    local var=$1 targets=(org.hypermesh.tests.isolated org.soak.hostile.isolated org.soak.quota.isolated) id pid="" w t0
    id=${targets[$((var % 3))]}
    t0=$(now_ms)
    while [ -z "$pid" ] && [ $(( $(now_ms) - t0 )) -lt 10000 ]; do
        for w in $(workers_of "$NODE_PID"); do [ "$(worker_extension "$w")" = "$id" ] && pid=$w; done
        [ -n "$pid" ] || { call "$id" echo '{}' 10; sleep 0.2; }
    done
    if [ -z "$pid" ]; then fail "worker_kill: no worker of $id among the node's children"; return; fi
    kill -KILL "$pid"
    await_answer "$id" echo 30 "worker_kill"
    say "fault worker_kill: SIGKILL worker $pid of $id; answered again after $BACK_MS ms"
}

fault_crash() {
    local var=$1 id method expect code
    if [ $((var % 2)) = 0 ]; then id=org.hypermesh.tests.isolated; method=crash; expect=isolation.worker_crashed
    else id=org.soak.wasm.hostile; method=unreachable; expect=wasm.unreachable; fi
    call "$id" "$method" "" 30
    local status=$H_STATUS code=$(error_code)
    [ "$status" = 422 ] && [ "$code" = "$expect" ] || fail "crash: $id $method answered $status $code, expected 422 $expect"
    await_answer "$id" echo 30 "crash"
    say "fault crash: $id $method -> $status $code; answered again after $BACK_MS ms"
}

fault_hang() {
    local var=$1 id method input expect status code t0 took
    case $((var % 4)) in
    0) id=org.hypermesh.tests.isolated; method=spin; input=""; expect="422 isolation.deadline_exceeded" ;;
    1) id=org.soak.hostile.isolated; method=spin; input=60000; expect="422 isolation.deadline_exceeded" ;;
    2) id=org.soak.wasm.hostile; method=spin; input=""; expect="422 wasm.out_of_fuel" ;;
    3) id=org.soak.hostile; method=spin; input=300; expect="200 " ;;
    esac
    t0=$(now_ms)
    call "$id" "$method" "$input" 60
    took=$(( $(now_ms) - t0 )); status=$H_STATUS; code=$(error_code)
    [ "$status $code" = "$expect" ] || fail "hang: $id $method $input answered $status $code after $took ms, expected $expect"
    if [ "$id" = org.soak.hostile ]; then
        # In-process code cannot be stopped: the overrun must be a violation, committed before the answer.
        api GET "/v1/audit?extension=$id&kind=violation&since=120s" 30
        jq -e 'any(.[]; .details.violation == "cpu_per_call")' <<<"$H_BODY" >/dev/null 2>&1 ||
            fail "hang: no cpu_per_call violation of $id in the audit log after a 300 ms call over its 100 ms quota"
    fi
    await_answer "$id" echo 30 "hang"
    say "fault hang: $id $method $input -> $status ${code:-(answered)} after $took ms; answered again after $BACK_MS ms"
}

fault_flood() {
    local var=$1 id result
    if [ $((var % 2)) = 0 ]; then id=org.soak.hostile; else id=org.soak.hostile.isolated; fi
    call "$id" flood 2000 60
    result="$H_STATUS $(if [ "$H_STATUS" = 200 ]; then echo "$H_BODY"; else error_code; fi)"
    if [ "$H_STATUS" = 200 ] && [ "$(jq -r .refused <<<"$H_BODY")" = 0 ]; then
        fail "flood: $id made 2000 host calls with a quota of 100/s and none was refused: $H_BODY"
    fi
    local before=$RESUMES
    await_answer "$id" echo 30 "flood"
    say "fault flood: $id flood 2000 -> $result; $( [ "$RESUMES" -gt "$before" ] && echo "suspended, resumed; ")answered again after $BACK_MS ms"
}

# Waits (at most $3 s) until $1 reports version $2; sets TOOK_MS (-1 on timeout).
TOOK_MS=0
await_version() {
    local id=$1 version=$2 bound=$3 t0
    t0=$(now_ms)
    while [ $(( $(now_ms) - t0 )) -lt $((bound * 1000)) ]; do
        if [ "$(version_of "$id")" = "$version" ]; then TOOK_MS=$(( $(now_ms) - t0 )); return 0; fi
        sleep 0.2
    done
    TOOK_MS=-1
}

# A new version for each publication: 1.1.0, 1.2.0, ... (sets NEXT_VERSION; no subshell).
RELOAD_SERIAL=0
next_version() { RELOAD_SERIAL=$((RELOAD_SERIAL + 1)); NEXT_VERSION="1.$RELOAD_SERIAL.0"; }

fault_hot_reload() {
    local var=$1 targets=(org.soak.fixture.inproc org.soak.fixture.isolated org.soak.wasm.load) id old new took answer=""
    id=${targets[$((var % 3))]}
    old=${X_VERSION[$id]}; next_version; new=$NEXT_VERSION
    publish "$id" "$new"
    await_version "$id" "$new" 30; took=$TOOK_MS
    if [ "$took" = -1 ]; then fail "hot_reload: $id still at $(version_of "$id") 30 s after $new was published"; fi
    if [ "${X_SOURCE[$id]}" = fixture ]; then
        call "$id" version "" 10; answer=" (its version method: $H_BODY)"
        [ "$H_BODY" = "$new" ] || fail "hot_reload: $id answers version '$H_BODY' after the reload to $new"
    fi
    say "fault hot_reload: $id $old -> $new, serving it after $took ms$answer"
}

fault_corrupt() {
    local var=$1 id mode entry file size old new took t0 log refused=0
    if [ $((var % 2)) = 0 ]; then id=org.soak.victim.native; else id=org.soak.victim.wasm; fi
    if [ $(((var / 2) % 2)) = 0 ]; then mode=flip; else mode=truncate; fi
    entry=$(entry_of "$id"); file="$WORK/staging/corrupt-$entry"; old=${X_VERSION[$id]}
    cp "$EXT/$id/$entry" "$file"
    size=$(stat -c %s "$file")
    if [ "$mode" = flip ]; then
        printf '\xde\xad\xbe\xef' | dd of="$file" bs=1 seek=$((size / 2)) conv=notrunc status=none
    else
        truncate -s $((size / 3)) "$file"
    fi
    log="$WORK/logs/node-$NODE_STARTS.log"
    local lines_before; lines_before=$(wc -l <"$log")
    mv -f "$file" "$EXT/$id/$entry"
    t0=$(now_ms)
    while [ $(( $(now_ms) - t0 )) -lt 15000 ]; do
        if tail -n +$((lines_before + 1)) "$log" | grep -q -- "--watch: $EXT/$id changed but cannot be used"; then refused=1; break; fi
        sleep 0.2
    done
    [ "$refused" = 1 ] || fail "corrupt: no refusal of the $mode-corrupted $id logged within 15 s"
    call "$id" echo '{"after":"corruption"}' 10
    [ "$H_STATUS" = 200 ] || fail "corrupt: $id stopped answering after its package was corrupted: $H_STATUS $(error_code)"
    [ "$(version_of "$id")" = "$old" ] || fail "corrupt: $id no longer runs $old after the corrupted package"
    next_version; new=$NEXT_VERSION
    publish "$id" "$new"
    await_version "$id" "$new" 30; took=$TOOK_MS
    [ "$took" != -1 ] || fail "corrupt: the repaired $id (version $new) was not picked up within 30 s"
    say "fault corrupt: $id payload $mode -> refused, $old kept serving; repaired as $new after $took ms"
}

QUOTA_SERIAL=0
fault_quota_fill() {
    local var=$1 id value n hit="" written=0 k
    if [ $((var % 2)) = 0 ]; then id=org.soak.quota; else id=org.soak.quota.isolated; fi
    value=$(head -c 1024 /dev/zero | tr '\0' q)
    QUOTA_SERIAL=$((QUOTA_SERIAL + 1))
    for ((n = 1; n <= 64; n++)); do
        call "$id" put "{\"key\":\"fill-$QUOTA_SERIAL-$n\",\"value\":\"$value\"}" 10
        if [ "$H_STATUS" = 200 ]; then written=$n; continue; fi
        hit="$H_STATUS $(error_code)"; break
    done
    # The fixture hands the host's QUOTA_EXCEEDED on as its own failure: 422 call.method_failed.
    if [ "$hit" != "422 call.method_failed" ] || ! grep -q QUOTA_EXCEEDED <<<"$H_BODY"; then
        fail "quota_fill: $id answered '${hit:-200 to all 64}' instead of a QUOTA_EXCEEDED failure: $H_BODY"
    fi
    for ((k = 1; k <= written; k++)); do call "$id" delete "{\"key\":\"fill-$QUOTA_SERIAL-$k\"}" 10; done
    say "fault quota_fill: $id accepted $written x 1 KiB, then $hit; deleted them"
}

fault_node_kill() {
    local before_records old_workers w t0 left after verify restart_ms start_ms
    sample_node "before SIGKILL"
    api GET /v1/audit/verify 30
    before_records=$(jq -r '.records // 0' <<<"$H_BODY")
    local head_seq head_hash kept_hash
    head_seq=$(jq -r '.headSequence // 0' <<<"$H_BODY"); head_hash=$(jq -r '.headHash // empty' <<<"$H_BODY")
    old_workers=$(workers_of "$NODE_PID")
    start_ms=$(now_ms)
    kill -KILL "$NODE_PID"
    wait "$NODE_PID" 2>/dev/null || true
    t0=$(now_ms); left=""
    while [ $(( $(now_ms) - t0 )) -lt 5000 ]; do
        left=""; for w in $old_workers; do kill -0 "$w" 2>/dev/null && left+="$w "; done
        [ -z "$left" ] && break; sleep 0.1
    done
    [ -z "$left" ] || fail "node_kill: workers $left of the killed node still run 5 s later"
    check_audit_offline "after the node_kill" "$before_records"; after=$OFFLINE_RECORDS
    # The head acknowledged before the kill is still there, unchanged (the chain grew from it).
    kept_hash=$("$HM" audit list --offline --state-dir "$STATE" --json 2>/dev/null | jq -r --argjson n "$head_seq" '.[] | select(.sequence == $n) | .hash' 2>/dev/null || true)
    [ "$kept_hash" = "$head_hash" ] || fail "node_kill: audit record #$head_seq had hash $head_hash before the kill, '$kept_hash' after it"
    AUDIT_LAST=$after
    if ! start_node "$RESTART_BOUND"; then
        PLANNED+=("$start_ms $(now_ms)")
        die "node_kill: the node did not answer healthy within $RESTART_BOUND s of its restart"
    fi
    restart_ms=$(cat "$WORK/start.ms")
    PLANNED+=("$start_ms $(now_ms)")
    RESTARTS=$((RESTARTS + 1))
    [ "$restart_ms" -gt "$MAX_RESTART_MS" ] && MAX_RESTART_MS=$restart_ms
    check_acked_writes "after restart $RESTARTS"
    say "fault node_kill: SIGKILL; audit intact ($before_records -> $after records, head #$head_seq kept), workers gone; restarted as $NODE_PID, healthy after $restart_ms ms; $ACKED_CHECKED acknowledged writes all listed"
}

# ----------------------------------------------------------------------------------------------
# The run: slices of load, with the faults due in each

declare -a SLICE_LINES
TOTAL_REQUESTS=0; TOTAL_NON2XX=0; TOTAL_SOCKET=0
next=0
slice=0
RUN_START=$(now_ms)
say "load: wrk -t1 -c$CONNECTIONS on 4 bystanders (${LOAD_IDS[*]})"
max_slices=$(( DURATION / SLICE + 2 ))
while [ "$slice" -lt "$max_slices" ]; do
    elapsed=$(( $(now_ms) - RUN_START ))
    left=$(( DURATION * 1000 - elapsed ))
    [ "$left" -ge 2000 ] || break
    len=$SLICE; [ $((len * 1000)) -gt "$left" ] && len=$((left / 1000))
    slice=$((slice + 1))
    restarts_before=$RESTARTS
    slice_start=$(now_ms); slice_end=$(( slice_start + len * 1000 ))
    timeout $((len + 60)) wrk -t1 -c"$CONNECTIONS" -d"${len}s" --timeout 10s -s "$WORK/load.lua" "$BASE" >"$WORK/logs/wrk-$slice.log" 2>&1 &
    WRK_PID=$!
    # The faults due before this slice ends (or overdue).
    while [ "$next" -lt "$FAULTS" ] && [ $(( RUN_START + F_AT[next] )) -lt "$slice_end" ]; do
        due=$(( RUN_START + F_AT[next] ))
        wait_ms=$(( due - $(now_ms) ))
        [ "$wait_ms" -gt 0 ] && sleep "$(awk -v m="$wait_ms" 'BEGIN { printf "%.3f", m / 1000 }')"
        kind=${F_KIND[next]}
        FAULT_COUNT[$kind]=$(( FAULT_COUNT[$kind] + 1 ))
        "fault_$kind" "${F_VAR[next]}"
        next=$((next + 1))
        [ "$(now_ms)" -lt "$slice_end" ] || break
    done
    wait "$WRK_PID" || true
    WRK_PID=""
    line=$(grep '^SOAK_SLICE' "$WORK/logs/wrk-$slice.log" | tail -1)
    if [ -z "$line" ]; then
        fail "slice $slice: wrk gave no summary: $(tail -3 "$WORK/logs/wrk-$slice.log" | tr '\n' ' ')"; continue
    fi
    declare -A f=()
    for kv in ${line#SOAK_SLICE }; do f[${kv%%=*}]=${kv#*=}; done
    socket=$(( f[connect] + f[read] + f[write] + f[timeout] ))
    TOTAL_REQUESTS=$(( TOTAL_REQUESTS + f[requests] )); TOTAL_NON2XX=$(( TOTAL_NON2XX + f[non2xx] )); TOTAL_SOCKET=$(( TOTAL_SOCKET + socket ))
    note=""
    [ "$RESTARTS" -gt "$restarts_before" ] && note=" (node restart in this slice)"
    say "slice $slice: ${f[requests]} requests, ${f[non2xx]} non-2xx, $socket socket errors (connect ${f[connect]}, read ${f[read]}, write ${f[write]}, timeout ${f[timeout]}), p99 $(( f[p99us] / 1000 )) ms$note"
    SLICE_LINES+=("{\"slice\":$slice,\"requests\":${f[requests]},\"non2xx\":${f[non2xx]},\"socketErrors\":$socket,\"p99Milliseconds\":$(( f[p99us] / 1000 )),\"nodeRestart\":$([ -n "$note" ] && echo true || echo false)}")
    if [ -z "$note" ] && [ $(( f[non2xx] + socket )) -gt 0 ]; then
        fail "slice $slice: ${f[non2xx]} non-2xx and $socket socket errors without a node restart: $(grep '^SOAK_NON2XX' "$WORK/logs/wrk-$slice.log" | head -2 | tr '\n' ' ')"
    fi
    if [ "$slice" = 1 ]; then
        FD_START=$(fd_count "$NODE_PID"); RSS_START=$(rss_kib "$NODE_PID")
        say "after warm-up: node $NODE_PID has $FD_START descriptors, VmRSS $((RSS_START / 1024)) MiB"
    fi
done
[ "$next" -ge "$FAULTS" ] || say "note: $((FAULTS - next)) scheduled fault(s) not injected: the run ended first (faults overran)"

# ----------------------------------------------------------------------------------------------
# Final checks

touch "$WORK/stop"
wait "$WRITER_PID" 2>/dev/null || true; WRITER_PID=""
wait "$PROBE_PID" 2>/dev/null || true; PROBE_PID=""

sample_node "at the end"
check_acked_writes "at the end"
api GET /v1/audit/verify 60
if [ "$H_STATUS" = 200 ] && [ "$(jq -r .intact <<<"$H_BODY")" = true ]; then
    running_records=$(jq -r .records <<<"$H_BODY")
    [ "$running_records" -ge "$AUDIT_LAST" ] || fail "audit: $running_records records at the end, fewer than $AUDIT_LAST after the last restart"
    AUDIT_LAST=$running_records
else
    fail "audit verify at the end (node running): $H_STATUS $H_BODY"
fi

# Availability: every failed probe must fall inside a planned restart window.
unplanned=$(awk -v windows="${PLANNED[*]}" '
    BEGIN { n = split(windows, w, " ") }
    $2 == "fail" {
        planned = 0
        for (i = 1; i < n; i += 2) if ($1 >= w[i] - 1000 && $1 <= w[i + 1]) planned = 1
        if (!planned) print
    }' "$WORK/probe.log")
probes=$(grep -c . "$WORK/probe.log" || true)
probe_failures=$(grep -c ' fail ' "$WORK/probe.log" || true)
if [ -n "$unplanned" ]; then
    fail "availability: $(echo "$unplanned" | grep -c .) health probe(s) failed outside a planned restart: $(echo "$unplanned" | head -3 | tr '\n' ';')"
fi
slowest_probe=$(awk '$2 == "ok" && $4 > m { m = $4 } END { print m + 0 }' "$WORK/probe.log")
# Answers slower than the CLI's own probe (one second) are reported, not judged: a node whose
# health answers late looks absent to `hypermesh ext ...`, which then works offline.
slow_probes=$(awk -v start="$RUN_START" '$2 == "ok" && $4 > 1000 { printf "%s%.1fs:%dms", sep, ($1 - start) / 1000, $4; sep = " " }' "$WORK/probe.log")
slow_count=$(wc -w <<<"$slow_probes")
[ "$slow_count" = 0 ] || say "note: $slow_count health answer(s) took over 1 s (at run time:latency): $slow_probes"

# Stop the node (SIGTERM) and check what it leaves behind.
stop_started=$(now_ms)
kill -TERM "$NODE_PID"
stopped=0
for _ in $(seq 1 600); do kill -0 "$NODE_PID" 2>/dev/null || { stopped=1; break; }; sleep 0.1; done
if [ "$stopped" = 1 ]; then
    stop_status=0; wait "$NODE_PID" || stop_status=$?
    [ "$stop_status" = 0 ] || fail "the node exited with status $stop_status on SIGTERM"
else
    fail "the node did not stop within 60 s of SIGTERM"; kill -KILL "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true
fi
stop_ms=$(( $(now_ms) - stop_started ))
NODE_PID=""
sleep 0.5
leaked=""
for w in $(sort -u "$WORK/workers.seen" 2>/dev/null) $(soak_workers); do
    [ "$(readlink "/proc/$w/exe" 2>/dev/null)" = "$SANDBOX_REAL" ] && leaked+="$w "
done
[ -z "$leaked" ] || fail "leaked workers: hypermesh-sandbox process(es) $leaked remain after the node stopped"
check_audit_offline "after the stop" "$AUDIT_LAST"; final_records=$OFFLINE_RECORDS

# ----------------------------------------------------------------------------------------------
# Summary

faults_json=$(for kind in "${KINDS[@]}"; do echo "\"$kind\": ${FAULT_COUNT[$kind]}"; done | paste -sd, -)
failures_json=$(printf '%s\n' "${FAILURES[@]}" | jq -R . | jq -s 'map(select(length > 0))')
slices_json=$(printf '%s\n' "${SLICE_LINES[@]}" | jq -s .)
summary=$(jq -n \
    --argjson minutes "$MINUTES" --argjson seed "$SEED" --argjson requests "$TOTAL_REQUESTS" --argjson non2xx "$TOTAL_NON2XX" \
    --argjson socket "$TOTAL_SOCKET" --argjson faults "{$faults_json}" --argjson restarts "$RESTARTS" \
    --argjson maxRestart "$MAX_RESTART_MS" --argjson audit "$final_records" --argjson rssStart "$RSS_START" \
    --argjson rssEnd "$RSS_END" --argjson rssMax "$RSS_MAX" --argjson fdStart "$FD_START" --argjson fdEnd "$FD_END" \
    --argjson fdMax "$FD_MAX" --argjson acked "$ACKED_CHECKED" --argjson resumes "$RESUMES" --argjson probes "$probes" \
    --argjson probeFailures "$probe_failures" --argjson slowestProbe "$slowest_probe" --argjson slowProbes "$slow_count" --argjson stopMs "$stop_ms" \
    --argjson slices "$slices_json" --argjson failures "$failures_json" \
    '{minutes: $minutes, seed: $seed, passed: ($failures | length == 0), requests: $requests, non2xx: $non2xx,
      socketErrors: $socket, faults: $faults, faultsInjected: ([$faults[]] | add), nodeRestarts: $restarts,
      maxRestartMilliseconds: $maxRestart, auditRecordsVerified: $audit, acknowledgedWritesChecked: $acked,
      suspensionsResumed: $resumes, healthProbes: $probes, healthProbeFailures: $probeFailures,
      slowestHealthProbeMilliseconds: $slowestProbe, healthAnswersOver1s: $slowProbes, stopMilliseconds: $stopMs,
      rssKiB: {start: $rssStart, end: $rssEnd, max: $rssMax}, fds: {start: $fdStart, end: $fdEnd, max: $fdMax},
      slices: $slices, failures: $failures}')

say "summary: seed $SEED, $MINUTES min, $TOTAL_REQUESTS requests ($TOTAL_NON2XX non-2xx, $TOTAL_SOCKET socket errors)"
say "summary: faults $(for kind in "${KINDS[@]}"; do printf '%s=%s ' "$kind" "${FAULT_COUNT[$kind]}"; done)"
say "summary: $RESTARTS node restart(s), slowest $MAX_RESTART_MS ms (bound $RESTART_BOUND s); $RESUMES suspension(s) resumed"
say "summary: health probes $probes, $probe_failures failed (all inside planned restarts unless listed above), $slow_count answered after more than 1 s, slowest $slowest_probe ms"
say "summary: audit intact, $final_records records; $ACKED_CHECKED acknowledged Catalog writes all listed"
say "summary: VmRSS $((RSS_START / 1024)) MiB after warm-up -> $((RSS_END / 1024)) MiB at the end (max $((RSS_MAX / 1024)), bound ${RSS_FACTOR}x + $RSS_SLACK_MIB MiB); descriptors $FD_START -> $FD_END (max $FD_MAX, bound +$FD_SLACK); stop took $stop_ms ms"
if [ -n "$JSON_FILE" ]; then echo "$summary" >"$JSON_FILE"; fi
if [ "$JSON_STDOUT" = 1 ]; then echo "$summary"; fi
if [ "${#FAILURES[@]}" -gt 0 ]; then
    say "the last warnings of the node's logs ($WORK/logs, kept with SOAK_KEEP=1):"
    cat "$WORK"/logs/node-*.log | grep -E ' (warning|error|critical) ' | tail -10 >&3 || true
    say "soak FAILED (${#FAILURES[@]}):"
    for f in "${FAILURES[@]}"; do say "  - $f"; done
    exit 1
fi
say "soak passed"
