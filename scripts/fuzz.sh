#!/usr/bin/env bash
# Coverage-guided fuzzing of the host's parsers with libFuzzer (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'TEXT'
Usage: scripts/fuzz.sh [options] [TARGET|all] [SECONDS]

Builds `hypermesh-fuzz` (the parsers and the harnesses of Fuzz/Harnesses compiled with
-sanitize=fuzzer,address) and runs libFuzzer on TARGET (default: all, one after the other) for
SECONDS each (default: 60). Every target keeps its corpus in the work folder, so a later run starts
where the last one stopped; it starts from the harness's own seeds, the fixtures (manifest
examples, the wasm examples and benchmark guests) and the inputs kept in Fuzz/Regressions/TARGET/.

Targets (`scripts/fuzz.sh --list` describes each):
  manifest policy revocation-list archive frame-codec wasm oci-manifest signed-index
  registry-response resolver

Options:
  --list         the targets and what each drives
  --ci           every target for 30 s (SECONDS overrides), two at a time: a short check (CI does not run it; docs/reliability.md)
  --jobs N       run N targets at a time (default 1; the machine's cores are the useful maximum)
  --json FILE    write the summary as JSON: per target seconds, executions, coverage (edges),
                 features, corpus size, crash artifacts
  --no-build     use the hypermesh-fuzz already built
  -h, --help     this text

Environment:
  HYPERMESH_FUZZ_WORK     work folder: corpora, crash artifacts, logs (default .build/fuzz)
  HYPERMESH_FUZZ_SCRATCH  SwiftPM scratch folder of the fuzz build (default .build). The fuzz build
                          recompiles the instrumented targets there, and the next ordinary build
                          recompiles them back; a separate folder (e.g. .build-fuzz) avoids that at
                          the price of building every dependency once more.

A finding (a crash, a sanitizer report, a timeout of 10 s, an out-of-memory over 2 GiB, or an
invariant a harness checks) stops that target: libFuzzer writes the input to
WORK/artifacts/TARGET/, this script prints the command that reproduces it, and the exit status is
1. Keep the input in Fuzz/Regressions/TARGET/ with the fix: the test suite replays that folder (the
artifacts of a target are removed when it runs again).
Leak detection is off (the Swift runtime keeps metadata caches for the life of the process).
TEXT
}

targets=(manifest policy revocation-list archive frame-codec wasm oci-manifest signed-index registry-response resolver)
jobs=1
json=""
build=1
positional=()
ci=0
while (($#)); do
    case "$1" in
    -h | --help) usage; exit 0 ;;
    --list) list=1 ;;
    --ci) ci=1; jobs=2 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift ;;
    --json) json="${2:?--json needs a file}"; shift ;;
    --no-build) build=0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) positional+=("$1") ;;
    esac
    shift
done

selected="${positional[0]:-all}"
seconds="${positional[1]:-$([ "$ci" = 1 ] && echo 30 || echo 60)}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --jobs must be a positive number, not '$jobs'" >&2; exit 2; }
if [ "$selected" != all ]; then
    known=0
    for target in "${targets[@]}"; do [ "$target" = "$selected" ] && known=1; done
    [ "$known" = 1 ] || { echo "fuzz.sh: no target '$selected'; the targets are: ${targets[*]}" >&2; exit 2; }
    targets=("$selected")
fi

# libFuzzer's runtime without its main (the driver has its own), from the toolchain of swiftc.
swiftc_path="$(readlink -f "$(command -v swiftc)")"
runtime="$(ls "$(dirname "$swiftc_path")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-"$(uname -m)".a 2>/dev/null | head -1 || true)"
if [ -z "$runtime" ]; then
    echo "fuzz.sh: this Swift toolchain has no libFuzzer runtime (libclang_rt.fuzzer_no_main-$(uname -m).a under $(dirname "$swiftc_path")/../lib/clang); fuzzing needs a toolchain for Linux that ships it" >&2
    exit 3
fi
runtime="$(readlink -f "$runtime")"

scratch="${HYPERMESH_FUZZ_SCRATCH:-.build}"
work="$(mkdir -p "${HYPERMESH_FUZZ_WORK:-.build/fuzz}" && cd "${HYPERMESH_FUZZ_WORK:-.build/fuzz}" && pwd)"
export HYPERMESH_FUZZ_WORK="$work"

# The Swift runtime's backtracer would answer the abort first; libFuzzer and ASan report it.
export SWIFT_BACKTRACE="enable=no"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:symbolize=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

if [ "$build" = 1 ]; then
    echo "fuzz.sh: building hypermesh-fuzz (instrumented: the parsers and the harnesses; scratch $scratch)" >&2
    HYPERMESH_FUZZ_RUNTIME="$runtime" swift build --scratch-path "$scratch" --product hypermesh-fuzz 2>&1 \
        | grep -v -e "warning: Cannot export local symbol '__asan" -e "which are unhandled; explicitly declare" -e "PrivacyInfo.xcprivacy" -e "CMakeLists.txt$" >&2
fi
binary="$(HYPERMESH_FUZZ_RUNTIME="$runtime" swift build --scratch-path "$scratch" --show-bin-path)/hypermesh-fuzz"
[ -x "$binary" ] || { echo "fuzz.sh: $binary is missing (run without --no-build)" >&2; exit 3; }
if [ -n "${list:-}" ]; then "$binary" --list; exit 0; fi

# Seeds: the harnesses' own, the fixtures.
seeds="$work/seeds"
rm -rf "$seeds"
"$binary" --write-seeds "$seeds"
cp Tests/HyperMeshManifestTests/Examples/*/*.json "$seeds/manifest/"
if command -v wat2wasm >/dev/null 2>&1; then
    wat2wasm Benchmarks/guests/peers.wat -o "$seeds/wasm/peers.wasm" || echo "fuzz.sh: warning: wat2wasm failed on peers.wat (seed left out)" >&2
fi
if Examples/wasm-build.sh "$work/wasm-examples" >"$work/wasm-examples.log" 2>&1; then
    find "$work/wasm-examples" -name '*.wasm' -exec cp {} "$seeds/wasm/" \;
else
    echo "fuzz.sh: warning: the wasm examples did not build (see $work/wasm-examples.log); their seeds are left out" >&2
fi

run_target() {
    local target="$1"
    local corpus="$work/corpus/$target" artifacts="$work/artifacts/$target/" log="$work/logs/$target.log"
    local regressions="Fuzz/Regressions/$target"
    # A finding of an earlier run is in Fuzz/Regressions once fixed; its artifact goes.
    rm -rf "$artifacts"
    mkdir -p "$corpus" "$artifacts" "$work/logs" "$regressions"
    local status=0
    HYPERMESH_FUZZ_TARGET="$target" "$binary" "$corpus" "$seeds/$target" "$regressions" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1 || status=$?
    echo "$status" >"$work/logs/$target.status"
}

summarize() {
    local target="$1" log="$work/logs/$1.log"
    local status execs cov ft corpus crashes
    status="$(cat "$work/logs/$target.status" 2>/dev/null || echo 3)"
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)"
    ft="$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)"
    corpus="$(find "$work/corpus/$target" -type f | wc -l)"
    crashes="$(find "$work/artifacts/$target" -type f | wc -l)"
    printf '%-18s %7ss %12s %8s %8s %8s %8s  %s\n' "$target" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$crashes" \
        "$([ "$status" = 0 ] && echo ok || echo "FINDING (exit $status): see $log")"
    if [ -n "$json" ]; then
        printf '{"target":"%s","seconds":%s,"executions":%s,"coverage":%s,"features":%s,"corpus":%s,"artifacts":%s,"exit":%s}\n' \
            "$target" "$seconds" "${execs:-0}" "${cov:-0}" "${ft:-0}" "$corpus" "$crashes" "$status" >>"$json.parts"
    fi
    if [ "$status" != 0 ]; then
        grep -m1 -e 'INVARIANT BROKEN' -e 'ERROR: AddressSanitizer' -e 'ERROR: libFuzzer' -e 'Fatal error' "$log" >&2 || true
        for artifact in "$work/artifacts/$target"/*; do
            [ -f "$artifact" ] || continue
            echo "  reproduce: HYPERMESH_FUZZ_TARGET=$target $binary $artifact" >&2
        done
        return 1
    fi
}

echo "fuzz.sh: ${#targets[@]} target(s), ${seconds}s each, $jobs at a time; work folder $work" >&2
[ -n "$json" ] && rm -f "$json.parts"
running=()
for target in "${targets[@]}"; do
    echo "fuzz.sh: $target ..." >&2
    run_target "$target" &
    running+=("$!")
    if ((${#running[@]} >= jobs)); then wait "${running[0]}"; running=("${running[@]:1}"); fi
done
for pid in "${running[@]}"; do wait "$pid"; done

printf '%-18s %8s %12s %8s %8s %8s %8s  %s\n' target time executions cov ft corpus crashes result
failed=0
for target in "${targets[@]}"; do summarize "$target" || failed=1; done
if [ -n "$json" ]; then
    { echo '{"targets":['; paste -sd, "$json.parts"; echo ']}'; } >"$json"
    rm -f "$json.parts"
fi
exit "$failed"
