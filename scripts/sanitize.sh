#!/usr/bin/env bash
# The test suite under a sanitizer (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'TEXT'
Usage: scripts/sanitize.sh [--ours-only] address|thread [swift test arguments...]

Builds the whole package and its tests with `swift test --sanitize=address` (AddressSanitizer:
out-of-bounds and use-after-free accesses, double frees) or `--sanitize=thread` (ThreadSanitizer:
data races), in a scratch folder of its own (.build-asan or .build-tsan, so the ordinary build
is left alone; the first build compiles every dependency again and takes as long as a clean
build), then runs the suite (or the tests the arguments select, e.g. --filter HyperMeshAuditTests).
The sanitizer's report goes to the test output; the log is kept in SCRATCH/sanitize-asan.log (or -tsan) and the
reports are counted at the end. Exit status: swift test's, or 1 when a report was printed.

--ours-only instruments this package's targets only (HYPERMESH_SANITIZE in Package.swift) and
builds in .build, reusing the dependencies' objects of the ordinary debug build: minutes instead
of a whole rebuild, but blind inside the dependencies (see Package.swift). The next ordinary build
recompiles this package's targets.

Environment:
  SANITIZE_SCRATCH   another scratch folder
  TSAN_OPTIONS / ASAN_OPTIONS  passed through (defaults below)
Leak detection is off: the Swift runtime's metadata caches live until exit and are not leaks.
Timing bounds in tests: code under ThreadSanitizer runs 5-15 times slower, so tests that bound
how long something takes may fail for that reason alone; such failures are not sanitizer reports.
Isolated workers: under AddressSanitizer they cannot start (their RLIMIT_AS leaves no room for its
shadow memory), and under ThreadSanitizer spawning one aborts the test process (a clone(2) with
namespace flags); their tests fail for that reason (docs/reliability.md, "Sanitizers").
TEXT
}

ours_only=""
if [ "${1:-}" = "--ours-only" ]; then ours_only=1; shift; fi
case "${1:-}" in
-h | --help) usage; exit 0 ;;
address) short=asan ;;
thread) short=tsan ;;
*) usage >&2; exit 2 ;;
esac
sanitizer="$1"
shift
./scripts/bootstrap.sh
scratch="${SANITIZE_SCRATCH:-.build-$short}"
mode=(--sanitize="$sanitizer")
if [ -n "$ours_only" ]; then
    scratch="${SANITIZE_SCRATCH:-.build}"
    mode=()
    export HYPERMESH_SANITIZE="$sanitizer"
fi
mkdir -p "$scratch"
log="$scratch/sanitize-$short.log"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=0}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}"
echo "sanitize.sh: ${HYPERMESH_SANITIZE:+HYPERMESH_SANITIZE=$sanitizer }swift test ${mode[*]} --scratch-path $scratch $*  (log: $log)" >&2
status=0
swift test ${mode[@]+"${mode[@]}"} --scratch-path "$scratch" "$@" 2>&1 | tee "$log" || status=$?
reports="$(grep -c -e '^WARNING: ThreadSanitizer' -e '^==[0-9]*==ERROR: AddressSanitizer' "$log" || true)"
echo "sanitize.sh: $sanitizer: $reports report(s); swift test exited $status" >&2
if [ "$reports" != 0 ]; then
    grep -A12 -e '^WARNING: ThreadSanitizer' -e '^==[0-9]*==ERROR: AddressSanitizer' "$log" | head -200 >&2
    exit 1
fi
exit "$status"
