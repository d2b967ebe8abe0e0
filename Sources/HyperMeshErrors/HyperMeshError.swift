/// The one error model of HyperMesh: every error the runtime, the CLI and the node throw conforms.
///
/// Shaped like SwiftNIO's `FileSystemError`: a stable, extensible ``code`` (which carries the
/// ``category``), a ``message`` for people that says what happened and how to fix it, the thing
/// the error is about (``subject``: an extension id, a file, an archive entry) and the underlying
/// error (``underlyingError``), which may itself be a `HyperMeshError`: ``causeChain`` and
/// ``detailedDescription()`` walk it.
///
/// The canonical ``description`` of every conforming type is `[code] subject: message (cause: …)`,
/// leaving out the subject and the cause when there are none. Edges derive everything from the
/// category: ``HyperMeshErrorCategory/httpStatus`` and ``HyperMeshErrorCategory/exitCode``.
public protocol HyperMeshError: Error, Sendable, CustomStringConvertible {
    /// The stable code, e.g. `trust.signature_invalid`.
    var code: HyperMeshErrorCode<Self> { get }
    /// What happened and how to fix it; complete without the cause.
    var message: String { get }
    /// The extension, file or entry the error is about, when there is one. Default: nil.
    var subject: String? { get }
    /// The error that caused this one, when there is one.
    var underlyingError: (any Error & Sendable)? { get }
    /// Every code of this type, each with its category: the one place a type lists its codes.
    static var knownCodes: [HyperMeshErrorCode<Self>] { get }
}

extension HyperMeshError {
    public var subject: String? { nil }

    /// The category of ``code``.
    public var category: HyperMeshErrorCategory { code.category }

    /// The raw value of ``code``: usable on `any HyperMeshError`.
    public var codeRawValue: String { code.rawValue }

    /// The causes, nearest first: ``underlyingError``, its own underlying error when it is a
    /// `HyperMeshError`, and so on. Not guaranteed: that a chain of foreign errors is followed
    /// (only `HyperMeshError`s expose their cause).
    public var causeChain: [any Error & Sendable] {
        var chain: [any Error & Sendable] = []
        var next = underlyingError
        while let current = next, chain.count < 32 {
            chain.append(current)
            next = (current as? any HyperMeshError)?.underlyingError
        }
        return chain
    }

    /// `[code] subject: message` without the cause.
    public var summary: String {
        "[\(code.rawValue)] " + (subject.map { "\($0): " } ?? "") + message
    }

    /// The canonical one-line form: `[code] subject: message (cause: …)`.
    public var description: String {
        guard let underlyingError else { return summary }
        return summary + " (cause: \(underlyingError))"
    }

    /// The error and its whole cause chain, one per line, for logs and `--verbose` output:
    ///
    /// ```
    /// [lifecycle.activation_failed] org.example.a: cannot activate
    ///   caused by: [state.unavailable] the state database cannot be opened
    ///   caused by: disk I/O error
    /// ```
    public func detailedDescription() -> String {
        var lines = [summary]
        for cause in causeChain {
            let text = (cause as? any HyperMeshError)?.summary ?? String(describing: cause)
            lines.append("  caused by: \(text)")
        }
        return lines.joined(separator: "\n")
    }
}
