import Foundation

/// Finds and runs the compilers the builders use.
public enum ToolRunner {
    /// Toolchain folders searched after `PATH`.
    static let fallbackFolders = ["/opt/swift/usr/bin", "/usr/local/bin", "/usr/bin"]

    /// The first executable named one of `names`, looking in `PATH`, then ``fallbackFolders``.
    public static func locate(_ names: [String]) throws(TestSupportError) -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + fallbackFolders
        for name in names {
            for folder in folders where !folder.isEmpty {
                let candidate = URL(fileURLWithPath: folder).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        throw TestSupportError(
            code: .toolNotFound,
            message: "none of \(names.joined(separator: ", ")) is in PATH or \(fallbackFolders.joined(separator: ", ")); install a Swift toolchain")
    }

    /// Runs `tool` with `arguments` and waits. Standard output and error are captured together; a
    /// non-zero exit is ``TestSupportError/Code/compileFailed`` carrying them.
    ///
    /// Uses `posix_spawn` + `waitpid` rather than Foundation's `Process`, whose Linux
    /// implementation is not safe when several tests start processes at the same time.
    public static func run(_ tool: URL, _ arguments: [String], purpose: String) throws(TestSupportError) {
        let command = [tool.path] + arguments
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("hm-tool-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: logURL) }
        let status: Int32
        do {
            status = try ChildProcess.run(command, outputPath: logURL.path)
        } catch {
            throw TestSupportError(code: .launchFailed, message: "cannot start \(tool.path) to \(purpose)", command: command, cause: error.description)
        }
        guard status == 0 else {
            let output = (try? Data(contentsOf: logURL)) ?? Data()
            throw TestSupportError(
                code: .compileFailed,
                message: "\(tool.lastPathComponent) failed to \(purpose) (\(ChildProcess.describe(status)))",
                command: command, output: String(decoding: output, as: UTF8.self))
        }
    }
}
