#!/usr/bin/env bash
# Runs the whole test suite: installs missing system packages, then `swift test`.
# Extra arguments go to `swift test` (e.g. ./test.sh --filter NativeLoadingTests).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/bootstrap.sh
exec swift test "$@"
