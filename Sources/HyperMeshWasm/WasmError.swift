import HyperMeshErrors

/// A typed error of the WebAssembly runtime: a code, a message for operators and, where there is
/// one, the underlying cause (WasmKit's own description of a trap or a parse error).
public struct WasmError: HyperMeshError {
    public let code: WasmErrorCode
    public let message: String
    private let storedCause: HyperMeshErrorCause?

    public init(_ code: WasmErrorCode, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.storedCause = HyperMeshErrorCause(text: cause)
    }

    /// The error that caused this one, when there is one.
    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    /// The underlying error's description (WasmKit's wording), when there is one.
    public var cause: String? { storedCause?.description }

    public static var knownCodes: [WasmErrorCode] {
        [.outOfFuel, .deadlineExceeded, .memoryLimit, .tableLimit, .unreachable, .outOfBounds, .trap,
         .malformedModule, .importRefused, .missingExport, .hostError]
    }
}
