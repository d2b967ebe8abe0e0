#!/usr/bin/env bash
# Runs the whole test suite: installs missing system packages, then `swift test`; then the
# long checks of docs/reliability.md: a 2-minute chaos soak of a node under load and faults
# (scripts/soak.sh 2) and every fuzz harness for 30 s (scripts/fuzz.sh --ci).
# Extra arguments go to `swift test` alone (e.g. ./test.sh --filter NativeLoadingTests), without
# the long checks; HYPERMESH_SKIP_LONG_CHECKS=1 skips them too.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/bootstrap.sh
if (($#)) || [ -n "${HYPERMESH_SKIP_LONG_CHECKS:-}" ]; then
    exec swift test "$@"
fi
swift test
./scripts/soak.sh 2
# Last: the fuzz build recompiles the parsers with instrumentation in .build.
./scripts/fuzz.sh --ci
