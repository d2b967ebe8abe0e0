#!/usr/bin/env bash
# HyperMesh extensions, end to end: build the host CLI and the Catalog extension, stage Catalog
# as a package, sign it with a fresh development CA and trust that CA, verify it, grant it its
# capabilities, list it, add and search assets through `hypermesh ext call`, show the assets
# persist across separate host runs, install (with consensus) and update a package, run a
# WebAssembly asset through the Catalog and a WebAssembly extension of its own, show a tampered
# package and an ungranted capability refused, inspect, probe what confines an isolated extension
# on this machine (hypermesh doctor), and show the audit trail.
#
# Usage: ./demo_extension_loading.sh            (work folder: ./demo-work, recreated each run)
#        DEMO_DIR=/tmp/x ./demo_extension_loading.sh
set -euo pipefail
cd "$(dirname "$0")"
./scripts/bootstrap.sh

DEMO_DIR="${DEMO_DIR:-$PWD/demo-work}"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Build the host CLI and the Catalog extension (release)"
swift build -c release --product hypermesh
swift build -c release --product hypermesh-sandbox
swift build -c release --product CatalogExtension
BIN="$(swift build -c release --show-bin-path)"
HM="$BIN/hypermesh"

rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR/extensions"
export HYPERMESH_STATE_DIR="$DEMO_DIR/state"
export HYPERMESH_EXTENSION_PATH="$DEMO_DIR/extensions"

step "Stage the Catalog package (manifest + library, with SHA-256 of every file)"
"$HM" ext stage --manifest Examples/catalog.manifest.template.json \
    --payload "$BIN/libCatalogExtension.so" --out "$DEMO_DIR/extensions/catalog"
cat "$DEMO_DIR/extensions/catalog/extension.json"

step "Create a development CA (root + code-signing certificate) and trust its root"
"$HM" trust init "$DEMO_DIR/dev-ca"
"$HM" trust add "$DEMO_DIR/dev-ca/root-ca.pem"
"$HM" trust list

step "Unsigned, the package is refused"
if "$HM" ext call org.hypermesh.catalog list '{}'; then
    echo "expected the unsigned package to be refused" >&2; exit 1
fi

step "Sign Catalog (extension.sig over extension.json, which pins every file), then verify it"
"$HM" ext sign "$DEMO_DIR/extensions/catalog" \
    --key "$DEMO_DIR/dev-ca/code-signing.key" --cert "$DEMO_DIR/dev-ca/code-signing.pem"
"$HM" ext verify "$DEMO_DIR/extensions/catalog"

step "Pack it into one .hmx archive for transport, and verify the archive"
"$HM" ext pack "$DEMO_DIR/extensions/catalog" --out "$DEMO_DIR/catalog.hmx"
"$HM" ext verify "$DEMO_DIR/catalog.hmx"

step "Nothing is granted by default: Catalog declares capabilities the operator has not decided"
"$HM" ext list
if "$HM" ext call org.hypermesh.catalog list '{}'; then
    echo "expected the ungranted extension to wait for a grant" >&2; exit 1
fi

step "Grant Catalog what it declares, except consensusAccess for now (policy.json + audit log)"
"$HM" ext grant org.hypermesh.catalog storage events assetManagement vmExecution
"$HM" ext deny org.hypermesh.catalog consensusAccess
"$HM" ext list

step "Add assets (each command is a separate host run: load, activate, call, deactivate, unload)"
"$HM" ext call org.hypermesh.catalog add \
    '{"type":"document","name":"welcome","version":"1.0.0","tags":["intro","docs"],"content":"Hello, HyperMesh!"}'
"$HM" ext call org.hypermesh.catalog add \
    '{"type":"configuration","name":"node-defaults","version":"1.0.0","tags":["ops"],"content":"{\"peers\":8}"}'

step "Search: the assets persisted across host runs (SQLite under $HYPERMESH_STATE_DIR)"
"$HM" ext call org.hypermesh.catalog search '{"query":"wel"}'
"$HM" ext call org.hypermesh.catalog search '{"tag":"ops"}'

step "A package install needs consensus, and consensusAccess is refused: denied and audited"
if "$HM" ext call org.hypermesh.catalog install \
    '{"name":"starter-kit","version":"1.0.0","assets":[{"type":"document","name":"readme","version":"1.0.0","content":"v1"}]}'; then
    echo "expected the install to be denied" >&2; exit 1
fi

step "Grant consensusAccess; install (proved and checked by the node: space, stake, work, time), update, roll back"
"$HM" ext grant org.hypermesh.catalog consensusAccess
"$HM" ext call org.hypermesh.catalog install \
    '{"name":"starter-kit","version":"1.0.0","assets":[{"type":"document","name":"readme","version":"1.0.0","content":"v1"}]}'
"$HM" ext call org.hypermesh.catalog update \
    '{"name":"starter-kit","version":"1.1.0","assets":[{"type":"document","name":"readme","version":"1.1.0","content":"v1.1"}]}'
"$HM" ext call org.hypermesh.catalog rollback '{"name":"starter-kit"}'
"$HM" ext call org.hypermesh.catalog packages

step "WebAssembly: build the wasm examples from source (clang --target=wasm32, Embedded Swift)"
sh Examples/wasm-build.sh "$DEMO_DIR/wasm"

step "Store the word-count module in the Catalog and run it with execute: the host's VM, its own fuel and memory budget, no capability"
"$HM" ext call org.hypermesh.catalog add \
    "{\"type\":\"wasm-module\",\"name\":\"word-count\",\"version\":\"1.0.0\",\"encoding\":\"base64\",\"content\":\"$(base64 -w0 "$DEMO_DIR/wasm/wasm-word-count/wordcount.wasm")\"}" >/dev/null
"$HM" ext call org.hypermesh.catalog execute '{"name":"word-count","method":"count","input":"one two three\nfour five"}'

step "A WebAssembly extension of its own (Embedded Swift): sign, grant storage, call; inspect shows fuel, memory limit and imports"
"$HM" ext stage --manifest "$DEMO_DIR/wasm/wasm-hello-swift/extension.template.json" \
    --payload "$DEMO_DIR/wasm/wasm-hello-swift/hello-swift.wasm" --out "$DEMO_DIR/extensions/hello-swift-wasm"
"$HM" ext sign "$DEMO_DIR/extensions/hello-swift-wasm" \
    --key "$DEMO_DIR/dev-ca/code-signing.key" --cert "$DEMO_DIR/dev-ca/code-signing.pem"
"$HM" ext grant org.hypermesh.examples.hello.wasm-swift storage
"$HM" ext call org.hypermesh.examples.hello.wasm-swift greet '{"name":"HyperMesh"}'
"$HM" ext call org.hypermesh.examples.hello.wasm-swift count '{}'
"$HM" ext inspect org.hypermesh.examples.hello.wasm-swift | grep -E "kind|wasm|fuel|memoryBytes"

step "A refused call: a typed error, and the host exits cleanly with status 1"
if "$HM" ext call org.hypermesh.catalog get '{"type":"document","name":"missing"}'; then
    echo "expected a not-found error" >&2; exit 1
fi

step "A tampered copy is refused, naming the check that failed, with exit status 2 (integrity failure; the original is untouched)"
cp -r "$DEMO_DIR/extensions/catalog" "$DEMO_DIR/tampered-catalog"
printf 'x' >> "$DEMO_DIR/tampered-catalog/$(basename "$BIN/libCatalogExtension.so")"
verify_status=0
"$HM" ext verify "$DEMO_DIR/tampered-catalog" || verify_status=$?
if [ "$verify_status" != 2 ]; then
    echo "expected the tampered package to be refused with exit status 2, got $verify_status" >&2; exit 1
fi
rm -rf "$DEMO_DIR/tampered-catalog"

step "Inspect Catalog while active: grant, quotas and what enforces each, security counters, health"
"$HM" ext inspect org.hypermesh.catalog --activate

step "Isolation on this machine: a probe worker, confined as an isolated extension's, tries the routes out"
"$HM" doctor || echo "(doctor exited non-zero: a route is open here, or the probe could not run; see docs/isolation.md)"

step "The audit trail: verification, grants, the denial, consensus decisions, lifecycle, host calls"
"$HM" audit list --extension org.hypermesh.catalog
"$HM" audit list --kind denial --kind consensus --json
"$HM" audit verify

echo
echo "Demo finished. State: $HYPERMESH_STATE_DIR  Packages: $HYPERMESH_EXTENSION_PATH"
