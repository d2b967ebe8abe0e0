#!/usr/bin/env bash
# The peers' benchmark guests through this host, beside the peers themselves, in one sitting:
#   1. ../shared/peers/run.sh (native floor, wasmtime, Extism, bare WasmKit) in a scratch copy;
#   2. Tools/PeerGuests (release) RUNS times: the same guests (guests/peers.wat, behind the guest
#      ABI) through ExtensionRegistry, interpreted and compiled;
#   3. one table of medians (peers-table.py), printed and written to results/peers-table.md.
#
# Usage: Benchmarks/peers.sh [PEERS_FOLDER]     (default ../shared/peers beside the repository)
#        RUNS=5 Benchmarks/peers.sh              (runs per runtime; default 3)
#        SKIP_PEERS=1 Benchmarks/peers.sh        (only this host's columns)
# Needs: wabt (wat2wasm, wasm2c; scripts/bootstrap.sh installs it), python3 with venv and network
# access to PyPI for the peers' wheels (extism, wasmtime).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
peers=${1:-$(cd "$root/.." && pwd)/shared/peers}
RUNS=${RUNS:-3}
# The peers' copy is kept between runs (PEERS_WORK; its venv and WasmKit build are reused).
peers_work=${PEERS_WORK:-${TMPDIR:-/tmp}/hypermesh-peers-work}
work=$(mktemp -d "${TMPDIR:-/tmp}/hypermesh-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$here/results"
raw="$here/results/peers-raw.txt"
: > "$raw"

if [ -z "${SKIP_PEERS:-}" ]; then
    [ -x "$peers/run.sh" ] || { echo "peers.sh: no run.sh in $peers (pass the peers folder)" >&2; exit 2; }
    echo "peers.sh: running the peers in $peers_work (RUNS=$RUNS)" >&2
    mkdir -p "$peers_work"
    cp -r "$peers"/. "$peers_work"/
    chmod -R u+w "$peers_work"
    (cd "$peers_work" && RUNS=$RUNS PEERS_WORK="$peers_work" ./run.sh >&2)
    cat "$peers_work/results/raw.txt" >> "$raw"
fi

echo "peers.sh: building the guest and PeerGuests (release)" >&2
wat2wasm "$here/guests/peers.wat" -o "$work/peers.wasm"
(cd "$here" && swift build -c release --product PeerGuests 2>&1 | tail -5 >&2)
bin=$(cd "$here" && swift build -c release --show-bin-path)
for i in $(seq "$RUNS"); do
    echo "peers.sh: this host, run $i/$RUNS" >&2
    "$bin/PeerGuests" "$work/peers.wasm" | grep '^RESULT' >> "$raw"
done
python3 "$here/peers-table.py" "$raw" | tee "$here/results/peers-table.md"
