import ArgumentParser
import HyperMeshCLI

/// `hypermesh`: the operator's command line for HyperMesh extensions.
///
/// It lives here, beside `serve`, because it lists every command.
public struct HyperMeshCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hypermesh",
        abstract: "Discover, check, load, call and inspect HyperMesh extensions.",
        discussion: """
            Extensions are folders with an extension.json manifest, a payload (a shared library)
            and extension.sig (the author's signature). They are searched for in --path folders,
            $HYPERMESH_EXTENSION_PATH, ./extensions and the user's data dir; each is verified
            against the trust store (--trust-store, default trust/ in the state dir) before
            anything of it is loaded. Nothing is granted by default: the operator's policy
            (--policy, default policy.json in the state dir; `hypermesh ext grant`) decides which
            declared capabilities each extension gets. Their state and the audit trail live in
            SQLite under --state-dir.

            Examples:
              hypermesh trust init ./dev-ca && hypermesh trust add ./dev-ca/root-ca.pem
              hypermesh ext sign ./extensions/catalog --key ./dev-ca/code-signing.key --cert ./dev-ca/code-signing.pem
              hypermesh ext grant org.hypermesh.catalog storage events assetManagement consensusAccess vmExecution
              hypermesh ext list --path ./extensions
              hypermesh ext call org.hypermesh.catalog search '{"query":"logo"}'
              hypermesh ext inspect org.hypermesh.catalog --json
              hypermesh audit list --extension org.hypermesh.catalog
              hypermesh audit verify
              hypermesh doctor
            """,
        subcommands: [ExtensionCommand.self, ServeCommand.self, TrustCommand.self, KeysCommand.self, AuditCommand.self, DoctorCommand.self, StoreCommand.self, IndexCommand.self, RegistryCommand.self, FleetCommand.self])

    public init() {}
}

extension HyperMeshCommand {
    /// Parses the process arguments and runs the chosen command (the executable's entry point).
    /// ArgumentParser's own `main()`, called from a `main.swift`, refuses an asynchronous root
    /// command on Linux ("needs availability annotation"), hence this.
    public static func runAsRoot() async {
        do {
            var parsed = try parseAsRoot(nil)
            if var asyncCommand = parsed as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try parsed.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
