import HTTPTypes
import HyperMeshExtensions

/// The HTTP status of an error the admin API returns. The body always carries the stable code
/// (`{"error":{"code","extension","message","cause"}}`), which is what clients should branch on.
enum NodeHTTPStatus {
    static func of(_ record: ErrorRecord) -> HTTPResponse.Status {
        switch record.code {
        case ExtensionErrorCode.unknownExtension.rawValue: return .notFound
        case ExtensionErrorCode.suspended.rawValue, ExtensionErrorCode.quotaExceeded.rawValue: return .forbidden
        case ExtensionErrorCode.rateLimited.rawValue: return .tooManyRequests
        case ExtensionErrorCode.grantPending.rawValue, ExtensionErrorCode.notActive.rawValue,
             ExtensionErrorCode.dependedUpon.rawValue, ExtensionErrorCode.illegalTransition.rawValue:
            return .conflict
        case ExtensionErrorCode.methodFailed.rawValue, ExtensionErrorCode.invalidOutput.rawValue: return .unprocessableContent
        case "node.bad_request", "cli.error": return .badRequest
        case "node.unauthorized": return .unauthorized
        case "node.not_found": return .notFound
        case "node.too_large": return .contentTooLarge
        case "node.shutting_down": return .serviceUnavailable
        default:
            if record.code.hasPrefix("wasm.") { return .unprocessableContent }
            if record.code.hasPrefix("manifest.") || record.code.hasPrefix("package.") || record.code.hasPrefix("trust.") {
                return .unprocessableContent
            }
            return .internalServerError
        }
    }
}
