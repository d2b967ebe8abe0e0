import Foundation
import HyperMeshTestSupport
import Testing

@testable import HyperMeshFuzzing

/// The fuzz harnesses without libFuzzer: every seed, every example document and every input kept
/// in `Fuzz/Regressions/<target>/` (the inputs of fixed findings) runs through its harness with no
/// invariant broken. A regression input that crashes makes this suite crash, which fails the run.
@Suite("Fuzz harnesses: seeds, fixtures and regressions replayed")
struct HarnessReplayTests {
    static let fuzzDirectory = ExtensionBuilder.repositoryRoot.appendingPathComponent("Fuzz")

    @Test("Every harness has a unique name and seeds", arguments: FuzzTargets.all.map(\.name))
    func everyHarnessHasSeeds(name: String) throws {
        #expect(FuzzTargets.all.filter { $0.name == name }.count == 1)
        let target = try #require(FuzzTargets.named(name))
        #expect(try !target.seeds().isEmpty)
    }

    @Test("Every seed passes its harness", .timeLimit(.minutes(5)), arguments: FuzzTargets.all.map(\.name))
    func seedsPass(name: String) async throws {
        let target = try #require(FuzzTargets.named(name))
        for seed in try target.seeds() {
            let finding = await Self.run(target, seed.bytes)
            #expect(finding == nil, "seed \(seed.name): \(finding!)")
        }
    }

    @Test("Every kept regression input passes its harness", .timeLimit(.minutes(5)))
    func regressionsPass() async throws {
        let root = Self.fuzzDirectory.appendingPathComponent("Regressions")
        var count = 0
        for target in FuzzTargets.all {
            let folder = root.appendingPathComponent(target.name)
            let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
            for file in files where !file.lastPathComponent.hasPrefix(".") && file.pathExtension != "md" {
                let finding = await Self.run(target, Array(try Data(contentsOf: file)))
                #expect(finding == nil, "\(target.name)/\(file.lastPathComponent): \(finding!)")
                count += 1
            }
        }
        // Every folder under Regressions is a harness's.
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for folder in folders where !folder.hasPrefix(".") && !folder.hasSuffix(".md") {
            #expect(FuzzTargets.named(folder) != nil, "Fuzz/Regressions/\(folder) names no harness")
        }
        _ = count
    }

    @Test("The manifest examples of the manifest tests pass the manifest harness")
    func manifestExamplesPass() async throws {
        let examples = ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/HyperMeshManifestTests/Examples")
        let walker = try #require(FileManager.default.enumerator(at: examples, includingPropertiesForKeys: nil))
        var count = 0
        for case let file as URL in walker where file.pathExtension == "json" {
            let finding = await Self.run(ManifestFuzzTarget(), Array(try Data(contentsOf: file)))
            #expect(finding == nil, "\(file.lastPathComponent): \(finding!)")
            count += 1
        }
        #expect(count > 50)
    }

    @Test("The wasm harness loads and calls the fixture guests", .timeLimit(.minutes(5)), arguments: [WasmGuestBuilder.Fixture.guests, .appGuest, .importEnv])
    func wasmFixturesPass(fixture: WasmGuestBuilder.Fixture) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-wasm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let module = try WasmGuestBuilder.buildGuestFixture(fixture, output: folder.appendingPathComponent("guest.wasm"))
        let finding = await Self.run(WasmLoadFuzzTarget(), Array(try Data(contentsOf: module)))
        #expect(finding == nil, "\(finding!)")
    }

    @Test("The seed modules of the wasm harness are valid guests: each is loaded and called")
    func wasmSeedModulesAreValidGuests() throws {
        for handler in WasmSeedModule.Handler.allCases {
            #expect(WasmLoadFuzzTarget.reachesCall(WasmSeedModule.bytes(handler: handler)), "\(handler)")
        }
        #expect(!WasmLoadFuzzTarget.reachesCall([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]))
    }

    @Test("The resolver oracle refuses a solution that breaks a dependency")
    func resolverOracleCatchesABadSolution() throws {
        var reader = FuzzInput([1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0])
        let packages = ResolverFuzzTarget.universe(&reader)
        let roots = ["p0": ResolverFuzzTarget.range("*")]
        let dependent = try #require(packages["p0"]?.first { !$0.dependencies.isEmpty })
        // p0 alone, without the package it depends on, is not a solution.
        #expect(!ResolverOracle.isValid(["p0": dependent.version], roots: roots, packages: packages))
    }

    @Test("A finding names its harness and the invariant")
    func findingDescription() {
        let finding = FuzzFinding("archive", "unpacking wrote beside the destination", "x, y")
        #expect(finding.description == "fuzz target archive: unpacking wrote beside the destination (x, y)")
    }

    @Test("Draws from exhausted input answer the smallest values")
    func exhaustedInput() {
        var reader = FuzzInput([200])
        #expect(reader.int(in: 0...9) == 0)
        #expect(reader.isExhausted)
        #expect(reader.int(in: 3...5) == 3)
        #expect(reader.bytes(upTo: 10).isEmpty)
        #expect(reader.uint64() == 0)
    }

    /// Runs a harness on a thread of its own (a harness blocks while it waits for async
    /// verification, which must not happen on the cooperative pool).
    static func run(_ target: any FuzzTarget, _ input: [UInt8]) async -> FuzzFinding? {
        await withCheckedContinuation { (continuation: CheckedContinuation<FuzzFinding?, Never>) in
            let thread = Thread {
                do throws(FuzzFinding) {
                    try target.run(input)
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: error)
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
