/// Why the policy file cannot be used: a stable code, what is wrong and where (a JSON path such as
/// `extensions.org.example.tool.allow[1]`), and the underlying cause. A host refuses to start on a
/// policy it cannot read rather than run with a policy the operator did not write.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The file exists but cannot be read or written.
        case unreadable = "policy.unreadable"
        /// The bytes are not JSON, or a value has the wrong type.
        case invalidJSON = "policy.invalid_json"
        /// A key the policy format does not define (often a typo).
        case unknownKey = "policy.unknown_key"
        /// A value breaks its rule: an unknown capability, a negative threshold, a bad action.
        case badValue = "policy.bad_value"
    }

    public let code: Code
    public let message: String
    public let path: String?
    public let cause: String?

    public init(_ code: Code, _ message: String, at path: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    public var description: String {
        "[\(code.rawValue)] " + (path.map { "\($0): " } ?? "") + message + (cause.map { " (cause: \($0))" } ?? "")
    }
}
