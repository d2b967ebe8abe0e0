"""One table of medians from the RESULT lines of ../shared/peers and Tools/PeerGuests.

A RESULT line is "RESULT <runtime> <metric> <number>" or, for the limit tests,
"RESULT <runtime> <metric> <outcome> <ms>". Usage: python3 peers-table.py RAW_FILE"""
import collections, statistics, sys

RUNTIMES = [("native", "native .so (C)"), ("wasmtime", "wasmtime 50"), ("extism", "Extism 1.41"),
            ("wasmkit", "bare WasmKit 0.4.2"), ("hypermesh-interpreted", "HyperMesh, interpreted"),
            ("hypermesh-compiled", "HyperMesh, compiled")]
ROWS = [
    ("load_us", "load: noop.wasm bytes -> callable instance; native: dlopen+dlsym (µs)"),
    ("activate_ms", "HyperMesh: discover + register + activate (compiled: + first compile + worker start) (ms)"),
    ("activate_cached_ms", "HyperMesh: deactivate + activate again (compiled: library from the cache) (ms)"),
    ("noop_ns", "noop call, default API; HyperMesh: ExtensionHandle.call (ns/call)"),
    ("noop_calls", "noop calls timed per run"),
    ("after_trap_ns", "HyperMesh: first noop call after a trap, median of 200 (ns)"),
    ("fib27_ms", "fib(27) recursive (ms; HyperMesh interpreted: fuel-metered)"),
    ("sum100m_ms", "sum loop 100M i64 adds (ms; HyperMesh interpreted: fuel-metered)"),
    ("fib27_fuel_ms", "fib(27) with fuel metering (ms)"),
    ("sum100m_fuel_ms", "sum loop with fuel metering (ms)"),
    ("alloc", "alloc 256 MiB, no limit (HyperMesh: 512 MiB quota): outcome, ms"),
    ("alloc_limit64m", "alloc 256 MiB, 64 MiB limit: outcome, ms"),
    ("spin_timeout100ms", "spin, 100 ms wall-clock timeout: outcome, ms"),
    ("spin_fuel1e8", "spin, fuel = 1e8: outcome, ms"),
    ("spin_quota100ms", "spin, 100 ms CPU quota per call (HyperMesh): outcome, ms"),
]

vals = collections.defaultdict(list)
outcomes = collections.defaultdict(set)
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) < 4 or parts[0] != "RESULT":
        continue
    _, rt, metric, *rest = parts
    if rest == ["n/a"]:
        outcomes[rt, metric].add("n/a")
        continue
    if len(rest) == 2:
        outcomes[rt, metric].add(rest[0])
    vals[rt, metric].append(float(rest[-1]))

def cell(rt, metric):
    key = (rt, metric)
    if key not in vals and key not in outcomes:
        return "—"
    if outcomes[key] == {"n/a"}:
        return "n/a"
    med = statistics.median(vals[key])
    num = f"{med:.0f}" if med >= 100 else f"{med:.1f}" if med >= 1 else f"{med:.2f}"
    num += f" (n={len(vals[key])})" if len(vals[key]) < 3 else ""
    return f"{'/'.join(sorted(outcomes[key]))}, {num}" if outcomes[key] else num

print("| metric | " + " | ".join(name for _, name in RUNTIMES) + " |")
print("|---|" + "---|" * len(RUNTIMES))
for metric, label in ROWS:
    cells = [cell(rt, metric) for rt, _ in RUNTIMES]
    if any(c != "—" for c in cells):
        print(f"| {label} | " + " | ".join(cells) + " |")
