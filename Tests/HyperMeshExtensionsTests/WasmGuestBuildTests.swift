import Foundation
import HyperMeshTestSupport
import Testing

/// The WebAssembly guests build from source into modules with the exports, imports and features
/// that `docs/wasm-abi.md` asks for. (Running them is the host's tests' business.)
@Suite struct WasmGuestBuildTests {
    static let required: Set<String> = ["memory", "hypermesh_alloc", "hypermesh_handle"]

    @Test(arguments: ["wasm-hello-c", "wasm-hello-swift"])
    func exampleBuildsWithTheRequiredExportsAndStorageImports(name: String) throws {
        let folder = ExtensionBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let module = try WasmModuleSummary(
            contentsOf: WasmGuestBuilder.buildExample(named: name, output: folder.appendingPathComponent("\(name).wasm")))
        #expect(module.exports.isSuperset(of: Self.required))
        #expect(module.memoryExported)
        #expect(module.imports.allSatisfy { $0.module == "hypermesh" })
        #expect(Set(module.importNames).isSuperset(of: ["output", "error_message", "storage_get", "storage_put"]))
        #expect(module.importSignaturesAreAllI32)
        #expect(module.usesOnlyContractFeatures, "features: \(module.features)")
        let template = try String(contentsOf: WasmGuestBuilder.exampleDirectory(named: name).appendingPathComponent("extension.template.json"), encoding: .utf8)
        #expect(template.contains(#""kind": "wasm""#))
    }

    @Test func hostileGuestImportsStorageUnlessToldNot() throws {
        let folder = ExtensionBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let full = try WasmModuleSummary(contentsOf: WasmGuestBuilder.buildGuestFixture(output: folder.appendingPathComponent("guests.wasm")))
        #expect(full.exports.isSuperset(of: Self.required))
        #expect(full.importNames.contains("storage_put"))
        #expect(!full.exports.contains("hypermesh_activate"))
        #expect(full.importSignaturesAreAllI32)
        #expect(full.usesOnlyContractFeatures, "features: \(full.features)")

        let pure = try WasmModuleSummary(contentsOf: WasmGuestBuilder.buildGuestFixture(
            defines: ["GUEST_NO_STORAGE": ""], output: folder.appendingPathComponent("pure.wasm")))
        #expect(Set(pure.importNames) == ["output", "error_message"])
        #expect(pure.exports.isSuperset(of: Self.required))
    }

    @Test func lifecycleGuestExportsTheOptionalEntryPoints() throws {
        let folder = ExtensionBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let module = try WasmModuleSummary(contentsOf: WasmGuestBuilder.buildGuestFixture(
            defines: ["GUEST_LIFECYCLE": "", "GUEST_ACTIVATE_FAILS": ""], output: folder.appendingPathComponent("lifecycle.wasm")))
        #expect(module.exports.isSuperset(of: Self.required.union(["hypermesh_activate", "hypermesh_deactivate", "hypermesh_health"])))
        #expect(module.importNames.contains("log"))
    }

    @Test func refusedImportGuestsKeepTheirImport() throws {
        let folder = ExtensionBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected: [(WasmGuestBuilder.Fixture, String, String)] = [
            (.importUndeclared, "hypermesh", "http_request"),
            (.importUnknown, "hypermesh", "does_not_exist"),
            (.importEnv, "env", "abort"),
        ]
        for (fixture, module, name) in expected {
            let summary = try WasmModuleSummary(contentsOf: WasmGuestBuilder.buildGuestFixture(
                fixture, output: folder.appendingPathComponent("\(fixture.rawValue).wasm")))
            #expect(summary.imports.contains(WasmModuleSummary.Import(module: module, name: name)), "\(fixture)")
            #expect(summary.exports.isSuperset(of: Self.required), "\(fixture)")
        }
    }

    @Test func extraExportsAndTheCacheGiveTheSameModule() throws {
        let folder = ExtensionBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = WasmGuestBuilder.Fixture.guests.source
        let first = try WasmGuestBuilder.buildC(sources: [source], exports: ["hm_heap_in_use"], output: folder.appendingPathComponent("a.wasm"))
        let second = try WasmGuestBuilder.buildC(sources: [source], exports: ["hm_heap_in_use"], output: folder.appendingPathComponent("b.wasm"))
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
        #expect(try WasmModuleSummary(contentsOf: first).exports.contains("hm_heap_in_use"))
    }

    @Test func compileErrorsCarryTheDiagnostics() throws {
        let folder = ExtensionBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("broken.c")
        try "#include \"hypermesh_guest.h\"\nhm_status hm_handle(void) { return undeclared_name; }\n".write(to: source, atomically: true, encoding: .utf8)
        let error = #expect(throws: TestSupportError.self) {
            try WasmGuestBuilder.buildC(sources: [source], output: folder.appendingPathComponent("broken.wasm"))
        }
        #expect(error?.code == .compileFailed)
        #expect(error?.output?.contains("undeclared_name") == true)
    }
}

/// The parts of a wasm binary these tests look at: imports (with whether their types are all i32),
/// exports and the `target_features` custom section. Parses only what it needs.
private struct WasmModuleSummary {
    struct Import: Hashable {
        var module: String
        var name: String
    }

    var imports: [Import] = []
    var exports: Set<String> = []
    var memoryExported = false
    var features: [String] = []
    var importSignaturesAreAllI32 = true

    var importNames: [String] { imports.map(\.name) }

    /// True if every feature used is one the ABI allows (MVP plus bulk memory and sign extension).
    var usesOnlyContractFeatures: Bool {
        let allowed: Set<String> = ["+bulk-memory", "+bulk-memory-opt", "+sign-ext", "+mutable-globals"]
        return features.allSatisfy(allowed.contains)
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    init(contentsOf url: URL) throws {
        try self.init(bytes: [UInt8](Data(contentsOf: url)))
    }

    init(bytes: [UInt8]) throws {
        guard bytes.count >= 8, bytes[0..<8] == [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00] else {
            throw Malformed(description: "no wasm magic and version 1")
        }
        var reader = Reader(bytes: bytes, index: 8)
        var types: [Bool] = [] // per type: all parameters and results are i32
        while !reader.atEnd {
            let id = try reader.byte()
            let size = Int(try reader.leb())
            let end = reader.index + size
            guard end <= bytes.count else { throw Malformed(description: "section \(id) runs past the end") }
            switch id {
            case 0:
                if try reader.name() == "target_features" {
                    for _ in 0..<(try reader.leb()) {
                        let prefix = Character(UnicodeScalar(try reader.byte()))
                        features.append(String(prefix) + (try reader.name()))
                    }
                }
            case 1:
                for _ in 0..<(try reader.leb()) {
                    guard try reader.byte() == 0x60 else { throw Malformed(description: "a type is not a function type") }
                    var allI32 = true
                    for _ in 0..<2 { // parameters, then results
                        for _ in 0..<(try reader.leb()) {
                            if try reader.byte() != 0x7F { allI32 = false }
                        }
                    }
                    types.append(allI32)
                }
            case 2:
                for _ in 0..<(try reader.leb()) {
                    let entry = Import(module: try reader.name(), name: try reader.name())
                    imports.append(entry)
                    guard try reader.byte() == 0 else {
                        importSignaturesAreAllI32 = false // only function imports are expected
                        break
                    }
                    let type = Int(try reader.leb())
                    if type >= types.count || !types[type] { importSignaturesAreAllI32 = false }
                }
            case 7:
                for _ in 0..<(try reader.leb()) {
                    let name = try reader.name()
                    let kind = try reader.byte()
                    _ = try reader.leb()
                    exports.insert(name)
                    if kind == 2, name == "memory" { memoryExported = true }
                }
            default:
                break
            }
            reader.index = end
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var index: Int

        var atEnd: Bool { index >= bytes.count }

        mutating func byte() throws -> UInt8 {
            guard index < bytes.count else { throw Malformed(description: "unexpected end") }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func leb() throws -> UInt32 {
            var value: UInt32 = 0
            for shift in stride(from: 0, to: 35, by: 7) {
                let next = try byte()
                value |= UInt32(next & 0x7F) << UInt32(shift)
                if next & 0x80 == 0 { return value }
            }
            throw Malformed(description: "LEB128 too long")
        }

        mutating func name() throws -> String {
            let length = Int(try leb())
            guard index + length <= bytes.count else { throw Malformed(description: "name past the end") }
            defer { index += length }
            return String(decoding: bytes[index..<index + length], as: UTF8.self)
        }
    }
}
