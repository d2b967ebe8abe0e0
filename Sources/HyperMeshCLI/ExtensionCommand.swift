import ArgumentParser

/// `hypermesh ext …`
public struct ExtensionCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ext",
        abstract: "Work with extensions.",
        subcommands: [
            ListExtensions.self, InspectExtension.self, CallExtension.self, ExtensionGraph.self,
            StageExtension.self, PackExtension.self, SignExtension.self, VerifyExtension.self,
            GrantExtension.self, DenyExtension.self, ResumeExtension.self,
            ActivateExtension.self, DeactivateExtension.self, ReloadExtension.self,
            InstallExtension.self, UpdateExtensions.self, OutdatedExtensions.self, SearchExtensions.self, IndexedExtensionInfo.self,
            PushExtension.self, PullExtension.self, RollbackExtension.self, UninstallExtension.self,
        ])

    public init() {}
}
