import Foundation

/// Where the host looks for extension packages, in priority order:
/// 1. every `--path` given on the command line, in order;
/// 2. every entry of `HYPERMESH_EXTENSION_PATH` (colon-separated), in order;
/// 3. the defaults: `./extensions`, then `$XDG_DATA_HOME/hypermesh/extensions`
///    (`~/.local/share/hypermesh/extensions` when `XDG_DATA_HOME` is unset).
///
/// A path may be a package folder itself or a folder of package folders. Paths that do not exist
/// are kept (and skipped at discovery) so that `ext list` can say where it looked.
public enum SearchPaths {
    /// The environment variable with extra search paths.
    public static let environmentVariable = "HYPERMESH_EXTENSION_PATH"

    public static func resolve(
        explicit: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) -> [URL] {
        var paths = explicit.map { url($0, relativeTo: currentDirectory) }
        if let variable = environment[environmentVariable] {
            paths += variable.split(separator: ":").filter { !$0.isEmpty }.map { url(String($0), relativeTo: currentDirectory) }
        }
        paths.append(currentDirectory.appendingPathComponent("extensions"))
        paths.append(userDataDirectory(environment: environment).appendingPathComponent("extensions"))
        var seen = Set<String>()
        return paths.map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }
    }

    /// `$XDG_DATA_HOME/hypermesh`, or `~/.local/share/hypermesh`.
    public static func userDataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("hypermesh")
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".local/share/hypermesh")
    }

    private static func url(_ path: String, relativeTo base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
    }
}
