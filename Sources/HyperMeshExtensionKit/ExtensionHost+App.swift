#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
internal import CHyperMeshABI

/// The functions the embedding application adds (the `app` namespace): each needs the capability
/// `app:<name>` declared in extension.json and granted by the operator. A host that does not offer
/// `name` answers ``ExtensionErrorCode/unavailable``; a host built before `app_call` existed has
/// no such entry, and the call fails the same way without reaching it.
extension ExtensionHost {
    /// Calls the app function `name` with `input`; returns its output.
    public func callApp(_ name: String, input: [UInt8]) throws(ExtensionError) -> [UInt8] {
        guard hypermesh_host_has_app_call(table.api) != 0 else {
            throw .unavailable("the host provides no app_call function (it predates app functions)")
        }
        let call = try function(table.api.pointee.app_call, "app_call")
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(name) { namePointer, nameLength in
            input.withUnsafeBufferPointer { call(context, namePointer, nameLength, $0.baseAddress, $0.count, &output, &error) }
        }
        let bytes = table.take(output)
        try table.check(status, error, operation: "app.\(name)")
        return bytes
    }

    /// Calls the app function `name` with `input` encoded as JSON and decodes its JSON output as
    /// `Output`. An output that is not an `Output` is ``ExtensionErrorCode/internal``.
    public func callApp<Input: Encodable, Output: Decodable>(
        _ name: String, _ input: Input, as output: Output.Type = Output.self
    ) throws(ExtensionError) -> Output {
        let bytes = try callApp(name, input: try JSONPayload.encode(input))
        do {
            return try JSONDecoder().decode(Output.self, from: Data(bytes))
        } catch {
            throw .internal("the output of app function '\(name)' is not a \(Output.self)", cause: "\(error)")
        }
    }
}
