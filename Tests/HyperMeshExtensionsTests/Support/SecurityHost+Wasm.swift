import Foundation
import HyperMeshTestSupport

extension SecurityHost {
    static let wasmID = "org.tests.wasm-guest"

    /// Builds `Tests/Fixtures/wasm` guest `fixture` and stages it as a `kind: wasm` package `id`
    /// with `manifest` overrides (capabilities, quotas…).
    @discardableResult
    func stageWasmGuest(
        id: String = wasmID, fixture: WasmGuestBuilder.Fixture = .guests, defines: [String: String] = [:],
        manifest overrides: [String: Any] = [:]
    ) throws -> URL {
        let module = root.appendingPathComponent("build/\(id)-\(fixture.rawValue).wasm")
        try FileManager.default.createDirectory(at: module.deletingLastPathComponent(), withIntermediateDirectories: true)
        try WasmGuestBuilder.buildGuestFixture(fixture, defines: defines, output: module)
        return try stageWasm(id: id, module: module, manifest: overrides)
    }

    /// Stages `module` (any bytes) as a `kind: wasm` package `id`.
    @discardableResult
    func stageWasm(id: String, module: URL, manifest overrides: [String: Any] = [:]) throws -> URL {
        var manifest: [String: Any] = [
            "id": id, "name": "Wasm guest", "version": "1.0.0", "kind": "wasm", "entry": "guest.wasm",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["storage"],
        ]
        for (key, value) in overrides { manifest[key] = value }
        return try PackageStager.stage(manifest: manifest, payload: module, entryName: "guest.wasm",
                                       into: extensionsDirectory.appendingPathComponent(id))
    }

    /// Builds an example from `Examples/` (`wasm-hello-c`, `wasm-hello-swift`) and stages it with its
    /// own manifest template.
    @discardableResult
    func stageWasmExample(_ name: String) throws -> (id: String, directory: URL) {
        let folder = WasmGuestBuilder.exampleDirectory(named: name)
        let manifest = try PackageStager.loadTemplate(folder.appendingPathComponent("extension.template.json"))
        guard let entry = manifest["entry"] as? String, let id = manifest["id"] as? String else {
            throw SecurityTestFailure("\(name)'s template has no entry or id")
        }
        let module = try WasmGuestBuilder.buildExample(named: name, output: root.appendingPathComponent("build/\(entry)"))
        var staged = manifest
        staged["files"] = nil
        let directory = try PackageStager.stage(manifest: staged, payload: module, entryName: entry,
                                                into: extensionsDirectory.appendingPathComponent(id))
        return (id, directory)
    }
}
