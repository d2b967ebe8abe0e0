#!/usr/bin/env bash
# Runs the whole test suite: installs missing system packages, then `swift test`.
# Extra arguments go to `swift test` (e.g. ./test.sh --filter NativeLoadingTests).
# The long checks of docs/reliability.md (scripts/soak.sh, scripts/fuzz.sh --ci) are run by hand
# for now: see docs/reliability.md, "In CI".
set -euo pipefail
cd "$(dirname "$0")"
./scripts/bootstrap.sh
exec swift test "$@"
