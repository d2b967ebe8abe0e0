import Foundation

/// Finds and runs the compilers the builders use.
enum ToolRunner {
    /// Toolchain folders searched after `PATH`.
    static let fallbackFolders = ["/opt/swift/usr/bin", "/usr/local/bin", "/usr/bin"]

    /// The first executable named one of `names`, looking in `PATH`, then ``fallbackFolders``.
    static func locate(_ names: [String]) throws(TestSupportError) -> URL {
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
    static func run(_ tool: URL, _ arguments: [String], purpose: String) throws(TestSupportError) {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let command = [tool.path] + arguments
        do {
            try process.run()
        } catch {
            throw TestSupportError(code: .launchFailed, message: "cannot start \(tool.path) to \(purpose)", command: command, cause: "\(error)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw TestSupportError(
                code: .compileFailed,
                message: "\(tool.lastPathComponent) failed to \(purpose) (exit status \(process.terminationStatus))",
                command: command, output: String(decoding: output, as: UTF8.self))
        }
    }
}
