import HyperMeshStrictJSON
import Foundation

/// Writes a ``Manifest`` as canonical `extension.json`: keys sorted by their UTF-8 bytes at every
/// level, integers as plain digits, strings with minimal escapes (see ``JSONWriter``).
///
/// Every non-optional property is written, including empty `capabilities`, `quotas`,
/// `dependencies` and `files`; `nil` optionals (`description`, `authors`, `license`, unset quotas)
/// are left out. `capabilities` keep their order; a dependency's range is written as its text.
///
/// Guaranteed: for a manifest that ``ManifestDecoder`` produced (or one that passes
/// ``Manifest/validate()``), decoding the output gives an equal manifest. Not guaranteed: that an
/// unvalidated manifest built with the memberwise initializer encodes to JSON the decoder accepts.
public enum ManifestEncoder {
    public static func encode(_ manifest: Manifest, prettyPrinted: Bool = true) -> Data {
        JSONWriter.data(for: jsonValue(of: manifest), prettyPrinted: prettyPrinted)
    }

    static func jsonValue(of manifest: Manifest) -> JSONValue {
        var members: [JSONMember] = [
            JSONMember(key: "id", value: .string(manifest.id)),
            JSONMember(key: "name", value: .string(manifest.name)),
            JSONMember(key: "version", value: .string(manifest.version.description)),
            JSONMember(key: "kind", value: .string(manifest.kind.rawValue)),
            JSONMember(key: "entry", value: .string(manifest.entry)),
            JSONMember(key: "abi", value: .object([
                JSONMember(key: "min", value: .number(JSONNumber(UInt64(manifest.abi.min)))),
                JSONMember(key: "max", value: .number(JSONNumber(UInt64(manifest.abi.max)))),
            ])),
            JSONMember(key: "category", value: .string(manifest.category)),
            JSONMember(key: "capabilities", value: .array(manifest.capabilities.map { .string($0.rawValue) })),
            JSONMember(key: "quotas", value: jsonValue(of: manifest.quotas)),
            JSONMember(key: "dependencies", value: .object(manifest.dependencies.map { JSONMember(key: $0.key, value: .string($0.value.text)) })),
            JSONMember(key: "files", value: .object(manifest.files.map { JSONMember(key: $0.key, value: .string($0.value)) })),
        ]
        if !manifest.networkHosts.isEmpty {
            members.append(JSONMember(key: "networkHosts", value: .array(manifest.networkHosts.map { .string($0) })))
        }
        if manifest.isolation != .inProcess {
            members.append(JSONMember(key: "isolation", value: .string(manifest.isolation.rawValue)))
        }
        if let engine = manifest.engine { members.append(JSONMember(key: "engine", value: .string(engine.rawValue))) }
        if let description = manifest.description { members.append(JSONMember(key: "description", value: .string(description))) }
        if let authors = manifest.authors { members.append(JSONMember(key: "authors", value: .array(authors.map { .string($0) }))) }
        if let license = manifest.license { members.append(JSONMember(key: "license", value: .string(license))) }
        return .object(members)
    }

    private static func jsonValue(of quotas: Quotas) -> JSONValue {
        let values: [(String, UInt64?)] = [
            ("cpuMillisecondsPerCall", quotas.cpuMillisecondsPerCall),
            ("memoryBytes", quotas.memoryBytes),
            ("storageBytes", quotas.storageBytes),
            ("networkBytes", quotas.networkBytes),
            ("fileDescriptors", quotas.fileDescriptors.map(UInt64.init)),
            ("operationsPerSecond", quotas.operationsPerSecond.map(UInt64.init)),
            ("concurrency", quotas.concurrency.map(UInt64.init)),
            ("cpuMillisecondsTotal", quotas.cpuMillisecondsTotal),
            ("cpuPercent", quotas.cpuPercent.map(UInt64.init)),
            ("networkBytesPerSecond", quotas.networkBytesPerSecond),
        ]
        return .object(values.compactMap { key, value in value.map { JSONMember(key: key, value: .number(JSONNumber($0))) } })
    }
}

extension Manifest {
    /// The manifest as canonical JSON (see ``ManifestEncoder``). Pretty output ends with a newline.
    public func jsonData(prettyPrinted: Bool = true) -> Data {
        ManifestEncoder.encode(self, prettyPrinted: prettyPrinted)
    }

    /// Checks a manifest built in code against the same rules as ``ManifestDecoder`` by decoding
    /// its canonical JSON. Error paths refer to that JSON.
    public func validate() throws(ManifestError) {
        _ = try ManifestDecoder.decode(jsonData(prettyPrinted: false))
    }
}
