import Foundation
import Testing
@testable import HyperMeshManifest
import HyperMeshStrictJSON

/// `docs/extension.schema.json` and ``ManifestDecoder`` must agree. The example manifests live in
/// `Examples/`:
/// - `good/`: both accept;
/// - `bad/`: both refuse; the decoder with the code the file name starts with
///   (`unknown_key--quotas.json` → `manifest.unknown_key`);
/// - `decoder-only/`: rules JSON Schema cannot express (duplicate keys, `abi.min <= abi.max`,
///   `files` listing `entry`, self-dependency, 64-bit version numbers): the decoder refuses with
///   the named code while the schema accepts, which documents each gap.
@Suite struct SchemaAgreementTests {
    private func decoderError(for file: URL) throws -> ManifestError? {
        do {
            _ = try ManifestDecoder.decode(Data(contentsOf: file), source: file.lastPathComponent)
            return nil
        } catch let error as ManifestError {
            return error
        }
    }

    @Test func examplesExist() throws {
        #expect(try RepositoryFiles.examples(in: "good").count >= 5)
        #expect(try RepositoryFiles.examples(in: "bad").count >= 30)
        #expect(try RepositoryFiles.examples(in: "decoder-only").count >= 5)
    }

    @Test func decoderAcceptsGoodAndRefusesBadExamplesWithTheNamedCode() throws {
        for file in try RepositoryFiles.examples(in: "good") {
            #expect(try decoderError(for: file) == nil, "\(file.lastPathComponent)")
        }
        for file in try RepositoryFiles.examples(in: "bad") + RepositoryFiles.examples(in: "decoder-only") {
            let expected = RepositoryFiles.expectedCodeName(of: file)
            #expect(ManifestError.Code(rawValue: expected) != nil, "\(file.lastPathComponent) names no known code")
            let error = try decoderError(for: file)
            #expect(error?.code.rawValue == expected, "\(file.lastPathComponent): \(error.map(String.init(describing:)) ?? "accepted")")
        }
    }

    @Test func schemaAcceptsGoodAndRefusesBadExamples() throws {
        let good = try RepositoryFiles.examples(in: "good")
        let bad = try RepositoryFiles.examples(in: "bad")
        let decoderOnly = try RepositoryFiles.examples(in: "decoder-only")
        let verdicts = try PythonSchemaValidator.validate(good + bad + decoderOnly, against: RepositoryFiles.schema)
        for file in good {
            let verdict = try #require(verdicts[file.path], "no verdict for \(file.lastPathComponent)")
            #expect(verdict.valid, "schema refuses good/\(file.lastPathComponent): \(verdict.reason ?? "")")
        }
        for file in bad {
            let verdict = try #require(verdicts[file.path], "no verdict for \(file.lastPathComponent)")
            #expect(!verdict.valid, "schema accepts bad/\(file.lastPathComponent)")
        }
        for file in decoderOnly {
            let verdict = try #require(verdicts[file.path], "no verdict for \(file.lastPathComponent)")
            #expect(verdict.valid, "schema now refuses decoder-only/\(file.lastPathComponent) (move it to bad/): \(verdict.reason ?? "")")
        }
    }

    /// The schema's key lists, enums and bounds are the ones the Swift code uses.
    @Test func schemaListsTheSameKeysEnumsAndBounds() throws {
        let schema = try JSONParser.parse(Data(contentsOf: RepositoryFiles.schema))
        #expect(schema["additionalProperties"] == .bool(false))
        #expect(schema["required"]?.strings == Manifest.requiredJSONKeys)
        #expect(Set(schema["properties"]?.keys ?? []) == Set(Manifest.jsonKeys))
        let properties = try #require(schema["properties"])
        #expect(properties["kind"]?["enum"]?.strings == ExtensionKind.allCases.map(\.rawValue))
        let capabilityKinds = try #require(properties["capabilities"]?["items"]?["anyOf"]?.elements)
        #expect(capabilityKinds.first?["enum"]?.strings == Capability.allCases.map(\.rawValue))
        #expect(capabilityKinds.last?["pattern"] == .string("^app:[a-z][a-z0-9_.-]{0,63}$"))
        #expect(properties["capabilities"]?["uniqueItems"] == .bool(true))
        #expect(properties["abi"]?["additionalProperties"] == .bool(false))
        #expect(properties["abi"]?["required"]?.strings == ABIRange.jsonKeys)
        #expect(properties["category"]?["maxLength"]?.integer == UInt64(IdentifierRules.maximumCategoryLength))
        let defs = try #require(schema["$defs"])
        #expect(defs["extensionID"]?["maxLength"]?.integer == UInt64(IdentifierRules.maximumExtensionIDLength))
        #expect(defs["uint32"]?["maximum"]?.integer == UInt64(UInt32.max))

        let quotas = try #require(properties["quotas"])
        #expect(quotas["additionalProperties"] == .bool(false))
        #expect(quotas["properties"]?.keys == Quotas.jsonKeys)
        let thirtyTwoBit: Set<String> = ["fileDescriptors", "operationsPerSecond", "concurrency"]
        for key in Quotas.jsonKeys {
            let quota = quotas["properties"]?[key]
            #expect(quota?["minimum"]?.integer == Quotas.minimumValue(forKey: key), "\(key) minimum")
            let typeMaximum = thirtyTwoBit.contains(key) ? UInt64(UInt32.max) : key == "cpuPercent" ? UInt64(UInt8.max) : UInt64.max
            #expect(quota?["maximum"]?.integer == min(typeMaximum, Quotas.maximumValue(forKey: key) ?? .max), "\(key) maximum")
        }
    }
}

private extension JSONValue {
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    var keys: [String]? {
        guard case .object(let members) = self else { return nil }
        return members.map(\.key)
    }

    var strings: [String]? {
        guard case .array(let elements) = self else { return nil }
        return elements.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    var elements: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    var integer: UInt64? {
        guard case .number(let number) = self, case .value(let value) = number.integerValue else { return nil }
        return value
    }
}
