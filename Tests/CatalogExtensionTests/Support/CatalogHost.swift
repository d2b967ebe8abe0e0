import Foundation
import HyperMeshConsensusFunctions
import HyperMeshExtensions
import HyperMeshState
import HyperMeshTestSupport

/// A host running the Catalog: a registry over its own state directory with the staged Catalog
/// registered (and, by default, active). Calls go through ``ExtensionRegistry/call(_:method:input:)``
/// like any host caller's.
struct CatalogHost {
    let registry: ExtensionRegistry
    let stateDirectory: URL
    let searchPath: URL

    var id: String { StagedCatalog.id }

    /// Starts a registry over `stateDirectory` (a new temporary folder by default) with the Catalog
    /// staged with `capabilities`, and activates it unless `activate` is false.
    static func start(
        capabilities: [String] = StagedCatalog.declaredCapabilities,
        stateDirectory: URL = ExtensionBuilder.temporaryDirectory().appendingPathComponent("state"),
        activate: Bool = true,
        consensus: (any ConsensusGateway)? = TestConsensus.node
    ) async throws -> CatalogHost {
        let searchPath = try StagedCatalog.searchPath(capabilities: capabilities)
        let registry = ExtensionRegistry(stateStore: try StateStore(directory: stateDirectory), policy: TestPolicy.grantingEverythingDeclared,
                                         hostFunctions: consensus.map { [HostFunctionSet.consensus($0)] } ?? [])
        let problems = await registry.registerAll(ExtensionDiscovery.discover(in: [searchPath], verifier: TestTrust.allowingUnsigned))
        guard problems.isEmpty else {
            throw CatalogTestFailure("the staged Catalog did not register: \(problems.map(\.error.description))")
        }
        if activate {
            try await registry.activate(StagedCatalog.id)
        }
        return CatalogHost(registry: registry, stateDirectory: stateDirectory, searchPath: searchPath)
    }

    /// Shuts this host down and starts a new one over the same state directory and package, as a
    /// host restart does.
    func restarted() async throws -> CatalogHost {
        await registry.shutdown()
        let searchPath = self.searchPath
        let registry = ExtensionRegistry(stateStore: try StateStore(directory: stateDirectory), policy: TestPolicy.grantingEverythingDeclared,
                                         hostFunctions: [.consensus(TestConsensus.node)])
        let problems = await registry.registerAll(ExtensionDiscovery.discover(in: [searchPath], verifier: TestTrust.allowingUnsigned))
        guard problems.isEmpty else {
            throw CatalogTestFailure("the staged Catalog did not register again: \(problems.map(\.error.description))")
        }
        try await registry.activate(StagedCatalog.id)
        return CatalogHost(registry: registry, stateDirectory: stateDirectory, searchPath: searchPath)
    }

    /// Calls `method` with `input` (UTF-8 text) and returns the output as text.
    @discardableResult
    func call(_ method: String, _ input: String = "{}") async throws(ExtensionError) -> String {
        String(decoding: try await registry.call(id, method: method, input: Array(input.utf8)), as: UTF8.self)
    }

    /// Calls `method` with `request` encoded as JSON and returns the output as text.
    @discardableResult
    func call(_ method: String, _ request: some Encodable) async throws -> String {
        try await call(method, try RequestJSON.text(request))
    }

    /// Calls `method` with `input` and decodes the output as `Response`.
    func call<Response: Decodable>(_ method: String, _ input: String = "{}", as response: Response.Type) async throws -> Response {
        let output = try await registry.call(id, method: method, input: Array(input.utf8))
        return try JSONDecoder().decode(Response.self, from: Data(output))
    }

    /// Calls `method` with `request` encoded as JSON and decodes the output as `Response`.
    func call<Response: Decodable>(_ method: String, _ request: some Encodable, as response: Response.Type) async throws -> Response {
        try await call(method, try RequestJSON.text(request), as: response)
    }

    /// The error a call fails with, or nil if it succeeds.
    func failure(_ method: String, _ input: String) async -> ExtensionError? {
        do {
            try await call(method, input)
            return nil
        } catch {
            return error
        }
    }

    /// The error a call with `request` encoded as JSON fails with, or nil if it succeeds.
    func failure(_ method: String, _ request: some Encodable) async throws -> ExtensionError? {
        await failure(method, try RequestJSON.text(request))
    }

    /// Adds `asset` and returns the stored record.
    @discardableResult
    func add(_ asset: NewAsset) async throws -> AssetView {
        try await call("add", asset, as: AssetView.self)
    }

    /// Every asset, as `list` returns them.
    func listAll() async throws -> [AssetView] {
        try await call("list", as: AssetListView.self).assets
    }

    /// Every installed package, as `packages` returns them.
    func packages() async throws -> [PackageView] {
        try await call("packages", as: PackageListView.self).packages
    }
}

/// A test precondition that did not hold (e.g. the Catalog could not be staged).
struct CatalogTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
