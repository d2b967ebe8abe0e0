/// Why a test helper could not build or stage an extension: a stable code, a message saying what
/// failed and how to fix it, the command that ran (if any) and what it printed.
public struct TestSupportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// No compiler was found (looked in `PATH` and the usual toolchain folders).
        case toolNotFound = "testsupport.tool_not_found"
        /// A source file or payload does not exist.
        case sourceMissing = "testsupport.source_missing"
        /// An argument is unusable (e.g. a module name that is not an identifier).
        case invalidArgument = "testsupport.invalid_argument"
        /// The compiler could not be started.
        case launchFailed = "testsupport.launch_failed"
        /// The compiler ran and failed; ``TestSupportError/output`` holds what it printed.
        case compileFailed = "testsupport.compile_failed"
        /// A file or folder could not be read, written or copied.
        case fileSystem = "testsupport.file_system"
        /// The manifest given to the stager cannot be staged as is.
        case invalidManifest = "testsupport.invalid_manifest"
    }

    public let code: Code
    public let message: String
    /// The command line that failed, if a tool ran.
    public let command: [String]?
    /// What the tool wrote to standard output and standard error (the compiler's diagnostics).
    public let output: String?
    /// The underlying error, if any.
    public let cause: String?

    public init(code: Code, message: String, command: [String]? = nil, output: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.command = command
        self.output = output
        self.cause = cause
    }

    public var description: String {
        var text = "[\(code.rawValue)] \(message)"
        if let cause { text += " (cause: \(cause))" }
        if let command { text += "\n$ " + command.joined(separator: " ") }
        if let output, !output.isEmpty { text += "\n" + output }
        return text
    }
}
