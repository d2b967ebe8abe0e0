import ArgumentParser
import Foundation
import HyperMeshCLI
import HyperMeshNode
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import HyperMeshTrust

/// Runs `hypermesh` commands in-process with captured output.
struct CLIHarness {
    let root = ExtensionBuilder.temporaryDirectory()
    var extensions: URL { root.appendingPathComponent("extensions") }
    var state: URL { root.appendingPathComponent("state") }
    /// The default trust store of the harness's state dir.
    var trustStore: URL { state.appendingPathComponent("trust") }

    /// The CA that signs staged fixtures; its root is added to the harness's trust store.
    static let developmentCA = Swift.Result { try DevelopmentCA.generate(name: "CLI Tests") }

    struct Result {
        var exitCode: Int32
        var out: String
        var err: String
    }

    /// Parses and runs `arguments` (without the program name); `--path` and `--state-dir` of this
    /// harness are appended for commands that take them.
    func run(_ arguments: [String], hostOptions: Bool = true) async -> Result {
        let console = Console.capture()
        let full = arguments + (hostOptions ? ["--path", extensions.path, "--state-dir", state.path] : [])
        var code: Int32 = 0
        await Console.$current.withValue(console) {
            do {
                var command = try HyperMeshCommand.parseAsRoot(full)
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            } catch {
                code = HyperMeshCommand.exitCode(for: error).rawValue
                if code != 0, !(error is ExitCode) {
                    console.err(HyperMeshCommand.fullMessage(for: error))
                }
            }
        }
        return Result(exitCode: code, out: console.standardOutput, err: console.standardError)
    }

    /// The harness's policy file (the default location in its state dir).
    var policyFile: URL { PolicyFile.defaultLocation(stateDirectory: state) }

    /// Stages the C fixture extension as a package, signed by ``developmentCA`` (whose root the
    /// harness's trust store then trusts) unless `signed` is false, and, unless `grant` is false,
    /// grants it the capabilities it declares in the harness's policy file (as an operator would
    /// with `hypermesh ext grant`).
    @discardableResult
    func stageFixture(id: String, defines: [String: String] = [:], manifest overrides: [String: Any] = [:], signed: Bool = true,
                      grant: Bool = true) throws -> URL {
        var allDefines = defines
        allDefines["FIXTURE_ID"] = ExtensionBuilder.cString(id)
        let library = root.appendingPathComponent("build/\(id).so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildFixture(defines: allDefines, output: library)
        var manifest: [String: Any] = [
            "id": id, "name": "Fixture", "version": "1.0.0", "kind": "native", "entry": "libfixture.so",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["storage", "events"],
        ]
        for (key, value) in overrides { manifest[key] = value }
        let package = try PackageStager.stage(manifest: manifest, payload: library, entryName: "libfixture.so",
                                              into: extensions.appendingPathComponent(id))
        if signed {
            let ca = try Self.developmentCA.get()
            try ca.sign(packageAt: package)
            try TrustStore.addRoot(ca.root, to: trustStore)
        }
        if grant {
            var policy = try PolicyFile.load(from: policyFile)
            let declared = (manifest["capabilities"] as? [String] ?? []).compactMap(Capability.init(rawValue:))
            policy.allow(Set(declared), for: id)
            try PolicyFile.save(policy, to: policyFile)
        }
        return package
    }
}

extension String {
    /// Parses this text as a JSON object.
    func jsonObject() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(utf8)) as? [String: Any] ?? [:]
    }
}

extension CLIHarness {
    /// Stages the hostile test extension (`Tests/Fixtures/c/hostile_extension.c`) as `id`, signed,
    /// declaring `capabilities`, and grants it `granted` in the harness's policy file (with
    /// `policyRule` merged into its rule).
    @discardableResult
    func stageHostile(id: String, capabilities: [String], granted: Set<Capability>, policyRule: PolicyRule = PolicyRule()) throws -> URL {
        let library = root.appendingPathComponent("build/\(id).so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildC(source: ExtensionBuilder.hostileSource, defines: ["HOSTILE_ID": ExtensionBuilder.cString(id)], output: library)
        let manifest: [String: Any] = [
            "id": id, "name": "Hostile", "version": "1.0.0", "kind": "native", "entry": "libhostile.so",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": capabilities,
        ]
        let package = try PackageStager.stage(manifest: manifest, payload: library, entryName: "libhostile.so",
                                              into: extensions.appendingPathComponent(id))
        let ca = try Self.developmentCA.get()
        try ca.sign(packageAt: package)
        try TrustStore.addRoot(ca.root, to: trustStore)
        var policy = try PolicyFile.load(from: policyFile)
        var rule = policyRule
        rule.allow.formUnion(granted)
        policy.extensions[id] = rule
        try PolicyFile.save(policy, to: policyFile)
        return package
    }

    /// The `hypermesh` executable built beside the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hypermesh")
    }
}
