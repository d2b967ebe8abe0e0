import ArgumentParser

/// `hypermesh`: the operator's command line for HyperMesh extensions.
public struct HyperMeshCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hypermesh",
        abstract: "Discover, check, load, call and inspect HyperMesh extensions.",
        discussion: """
            Extensions are folders with an extension.json manifest, a payload (a shared library)
            and extension.sig (the author's signature). They are searched for in --path folders,
            $HYPERMESH_EXTENSION_PATH, ./extensions and the user's data dir; each is verified
            against the trust store (--trust-store, default trust/ in the state dir) before
            anything of it is loaded. Their state lives in SQLite under --state-dir.

            Examples:
              hypermesh trust init ./dev-ca && hypermesh trust add ./dev-ca/root-ca.pem
              hypermesh ext sign ./extensions/catalog --key ./dev-ca/code-signing.key --cert ./dev-ca/code-signing.pem
              hypermesh ext list --path ./extensions
              hypermesh ext call org.hypermesh.catalog search '{"query":"logo"}'
              hypermesh ext inspect org.hypermesh.catalog --json
            """,
        subcommands: [ExtensionCommand.self, TrustCommand.self, KeysCommand.self])

    public init() {}
}

/// `hypermesh ext …`
public struct ExtensionCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ext",
        abstract: "Work with extensions.",
        subcommands: [
            ListExtensions.self, InspectExtension.self, CallExtension.self, ExtensionGraph.self,
            StageExtension.self, PackExtension.self, SignExtension.self, VerifyExtension.self,
        ])

    public init() {}
}

extension HyperMeshCommand {
    /// Parses the process arguments and runs the chosen command (the executable's entry point).
    public static func runAsRoot() async {
        await runAsync(Self.self)
    }

    private static func runAsync<Command: AsyncParsableCommand>(_ command: Command.Type) async {
        do {
            var parsed = try await Command.asyncParseAsRoot(nil)
            if var asyncCommand = parsed as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try parsed.run()
            }
        } catch {
            Command.exit(withError: error)
        }
    }
}
