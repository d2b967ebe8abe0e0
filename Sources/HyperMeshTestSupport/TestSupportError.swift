import HyperMeshErrors

/// Why a test helper could not build or stage an extension: a stable code, a message saying what
/// failed and how to fix it, the command that ran (if any) and what it printed.
public struct TestSupportError: HyperMeshError, Equatable {
    /// The stable codes of ``TestSupportError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<TestSupportError>

    public let code: Code
    public let message: String
    /// The command line that failed, if a tool ran.
    public let command: [String]?
    /// What the tool wrote to standard output and standard error (the compiler's diagnostics).
    public let output: String?
    private let storedCause: HyperMeshErrorCause?

    /// The error that caused this one, when there is one.
    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    /// The underlying error's description, when there is one.
    public var cause: String? { storedCause?.description }

    /// The canonical `[code] message (cause: …)`, then the command line and what it printed.
    public var description: String {
        var text = summary
        if let cause { text += " (cause: \(cause))" }
        if let command { text += "\n$ " + command.joined(separator: " ") }
        if let output, !output.isEmpty { text += "\n" + output }
        return text
    }

    public init(code: Code, message: String, command: [String]? = nil, output: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.command = command
        self.output = output
        self.storedCause = HyperMeshErrorCause(text: cause)
    }
}

extension HyperMeshErrorCode where Domain == TestSupportError {
    /// No compiler was found (looked in `PATH` and the usual toolchain folders).
    public static var toolNotFound: Self { Self("testsupport.tool_not_found", .unavailable) }
    /// A source file or payload does not exist.
    public static var sourceMissing: Self { Self("testsupport.source_missing", .notFound) }
    /// An argument is unusable (e.g. a module name that is not an identifier).
    public static var invalidArgument: Self { Self("testsupport.invalid_argument", .invalidInput) }
    /// The compiler could not be started.
    public static var launchFailed: Self { Self("testsupport.launch_failed", .unavailable) }
    /// The compiler ran and failed; ``TestSupportError/output`` holds what it printed.
    public static var compileFailed: Self { Self("testsupport.compile_failed", .invalidInput) }
    /// A file or folder could not be read, written or copied.
    public static var fileSystem: Self { Self("testsupport.file_system", .internal) }
    /// The manifest given to the stager cannot be staged as is.
    public static var invalidManifest: Self { Self("testsupport.invalid_manifest", .invalidInput) }
}

extension TestSupportError {
    public static var knownCodes: [HyperMeshErrorCode<TestSupportError>] {
        [.toolNotFound, .sourceMissing, .invalidArgument, .launchFailed, .compileFailed, .fileSystem, .invalidManifest]
    }
}
