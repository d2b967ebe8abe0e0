import ArgumentParser

/// `hypermesh`: the operator's command line for HyperMesh extensions.
public struct HyperMeshCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hypermesh",
        abstract: "Discover, check, load, call and inspect HyperMesh extensions.",
        discussion: """
            Extensions are folders with an extension.json manifest and a payload (a shared library).
            They are searched for in --path folders, $HYPERMESH_EXTENSION_PATH, ./extensions and
            the user's data dir; their state lives in SQLite under --state-dir.

            Examples:
              hypermesh ext list --path ./extensions
              hypermesh ext call org.hypermesh.catalog search '{"query":"logo"}'
              hypermesh ext inspect org.hypermesh.catalog --json
            """,
        subcommands: [ExtensionCommand.self])

    public init() {}
}

/// `hypermesh ext …`
public struct ExtensionCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ext",
        abstract: "Work with extensions.",
        subcommands: [ListExtensions.self, InspectExtension.self, CallExtension.self, ExtensionGraph.self, StageExtension.self])

    public init() {}
}
