#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HyperMeshExtensionKit

/// `execute`: `{"name","version"?,"method","input"?|"inputBase64"?,"fuel"?,"memoryBytes"?}` runs
/// `method` of the `wasm-module` asset `name` (the given version, or the highest) in the host's VM,
/// capability `vmExecution`, with its own budget (`fuel`, `memoryBytes`; 0 or absent: the host's
/// default, which is also the most it allows). The module gets no capability of its own.
struct ExecuteRequest: Sendable, Decodable {
    var name: String
    var version: String?
    var method: String
    var input: String?
    var inputBase64: String?
    var fuel: UInt64?
    var memoryBytes: UInt64?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, version, method, input, inputBase64, fuel, memoryBytes
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        name = try fields.decode(String.self, forKey: .name)
        version = try fields.decodeIfPresent(String.self, forKey: .version)
        method = try fields.decode(String.self, forKey: .method)
        input = try fields.decodeIfPresent(String.self, forKey: .input)
        inputBase64 = try fields.decodeIfPresent(String.self, forKey: .inputBase64)
        fuel = try fields.decodeIfPresent(UInt64.self, forKey: .fuel)
        memoryBytes = try fields.decodeIfPresent(UInt64.self, forKey: .memoryBytes)
    }
}

/// What `execute` answers: the asset that ran, its output (`output` when it is UTF-8, otherwise
/// `outputBase64`) and the fuel it used.
struct ExecuteResult: Sendable, Encodable, Equatable {
    var asset: String
    var output: String?
    var outputBase64: String?
    var fuelUsed: UInt64
}

extension Catalog {
    func execute(_ request: ExecuteRequest) throws(ExtensionError) -> ExecuteResult {
        guard request.input == nil || request.inputBase64 == nil else {
            throw .invalidArgument("give 'input' or 'inputBase64', not both")
        }
        guard !request.method.isEmpty else { throw .invalidArgument("'method' must not be empty") }
        let record = try get(GetRequest(type: .wasmModule, name: request.name, version: request.version))
        let module = try record.contentBytes()
        let input: [UInt8]
        if let encoded = request.inputBase64 {
            guard let bytes = Data(base64Encoded: encoded) else {
                throw .invalidArgument("'inputBase64' is not valid Base64 (standard alphabet, with padding)")
            }
            input = Array(bytes)
        } else {
            input = Array((request.input ?? "").utf8)
        }
        let result = try host.vmExecute(module: module, method: request.method, input: input,
                                        fuel: request.fuel ?? 0, memoryBytes: request.memoryBytes ?? 0)
        let text = String(validating: result.output, as: UTF8.self)
        return ExecuteResult(asset: record.id, output: text, outputBase64: text == nil ? Data(result.output).base64EncodedString() : nil,
                             fuelUsed: result.fuelUsed)
    }
}

extension GetRequest {
    init(type: AssetType, name: String, version: String?) {
        self.type = type.rawValue
        self.name = name
        self.version = version
    }
}

extension AssetRecord {
    /// The content's bytes, decoded from its encoding.
    func contentBytes() throws(ExtensionError) -> [UInt8] {
        switch encoding {
        case .utf8:
            return Array(content.utf8)
        case .base64:
            guard let bytes = Data(base64Encoded: content) else {
                throw .internal("stored asset \(id) holds invalid Base64")
            }
            return Array(bytes)
        }
    }
}
