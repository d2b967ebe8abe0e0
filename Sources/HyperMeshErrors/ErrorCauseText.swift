/// An underlying cause known only by its text: a `dlerror` string, a line of a child process, an
/// extension's own message. It lets a cause that is not a Swift error take its place in the chain.
public struct ErrorCauseText: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    public var description: String { text }
}

/// The underlying error of a ``HyperMeshError``, stored so that the error stays `Hashable`:
/// two causes are equal when their descriptions are. Error types keep it as a private stored
/// property and expose `underlyingError` and the legacy `cause` text from it.
public struct HyperMeshErrorCause: Sendable, Hashable, CustomStringConvertible {
    public let error: any Error & Sendable

    public init(_ error: any Error & Sendable) {
        self.error = error
    }

    /// A text cause; nil when `text` is nil or empty (an empty cause says nothing).
    public init?(text: String?) {
        guard let text, !text.isEmpty else { return nil }
        self.error = ErrorCauseText(text)
    }

    public var description: String { String(describing: error) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.description == rhs.description }

    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
