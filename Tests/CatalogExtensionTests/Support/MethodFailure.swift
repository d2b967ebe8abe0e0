import HyperMeshExtensions
import Testing

/// Checks that `error` is a Catalog method that failed through the host: code
/// `call.method_failed`, the host message naming the Catalog's status (e.g. `CONFLICT`), and the
/// Catalog's own message (the cause) mentioning every text in `mentions`.
func expectMethodFailure(
    _ error: ExtensionError?, status: String, mentions: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let error else {
        Issue.record("expected the call to fail with \(status), but it succeeded", sourceLocation: sourceLocation)
        return
    }
    #expect(error.code == .methodFailed, "\(error)", sourceLocation: sourceLocation)
    #expect(error.extensionID == StagedCatalog.id, sourceLocation: sourceLocation)
    #expect(error.message.hasSuffix("failed with \(status)"), "\(error)", sourceLocation: sourceLocation)
    for text in mentions {
        #expect(error.cause?.contains(text) == true, "the cause does not mention '\(text)': \(error)", sourceLocation: sourceLocation)
    }
}
