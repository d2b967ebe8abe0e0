/// A typed error of the WebAssembly runtime: a code, a message for operators and, where there is
/// one, the underlying cause (WasmKit's own description of a trap or a parse error).
public struct WasmError: Error, Sendable, CustomStringConvertible {
    public let code: WasmErrorCode
    public let message: String
    public let cause: String?

    public init(_ code: WasmErrorCode, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(code.rawValue): \(message) (\(cause))" }
        return "\(code.rawValue): \(message)"
    }
}
