// hypermesh-fuzz: the libFuzzer driver around the harnesses of HyperMeshFuzzing.
//
// Built only by scripts/fuzz.sh (Package.swift adds this target when HYPERMESH_FUZZ_RUNTIME names
// libFuzzer's runtime without main); see docs/reliability.md.
//
//   HYPERMESH_FUZZ_TARGET=manifest hypermesh-fuzz [libFuzzer flags] CORPUS_DIR...
//   hypermesh-fuzz --list
//   hypermesh-fuzz --write-seeds DIR        (DIR/<target>/<seed> for every target)
//
// An invariant a harness finds broken is printed and the process aborts, so libFuzzer keeps the
// input as a crash artifact exactly as it does for a crash or a sanitizer report.
import Foundation
import HyperMeshFuzzing

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("hypermesh-fuzz: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
if arguments.count >= 2, arguments[1] == "--list" {
    for target in FuzzTargets.all { print("\(target.name)\t\(target.summary)") }
    exit(0)
}
if arguments.count >= 2, arguments[1] == "--write-seeds" {
    guard arguments.count == 3 else { fail("usage: hypermesh-fuzz --write-seeds DIR") }
    let root = URL(fileURLWithPath: arguments[2])
    for target in FuzzTargets.all {
        let folder = root.appendingPathComponent(target.name)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for seed in try target.seeds() {
                try Data(seed.bytes).write(to: folder.appendingPathComponent("seed-" + seed.name))
            }
        } catch {
            fail("cannot write the seeds of \(target.name) into \(folder.path): \(error)")
        }
    }
    exit(0)
}

guard let name = ProcessInfo.processInfo.environment["HYPERMESH_FUZZ_TARGET"], !name.isEmpty else {
    fail("set HYPERMESH_FUZZ_TARGET to one of: \(FuzzTargets.all.map(\.name).joined(separator: ", ")) (or use scripts/fuzz.sh)")
}
guard let found = FuzzTargets.named(name) else {
    fail("no fuzz target '\(name)'; the targets are: \(FuzzTargets.all.map(\.name).joined(separator: ", "))")
}
let selected: any FuzzTarget = found

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
let status = runFuzzerDriver(&argc, &argv) { data, count in
    let input = count == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: count))
    do {
        try selected.run(input)
    } catch {
        FileHandle.standardError.write(Data("\n==hypermesh-fuzz== INVARIANT BROKEN: \(error)\n".utf8))
        abort()
    }
    return 0
}
exit(status)
