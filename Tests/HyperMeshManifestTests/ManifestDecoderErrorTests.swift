import Foundation
import Testing
@testable import HyperMeshManifest
import HyperMeshStrictJSON

/// One refused manifest: what the decoder must report for it.
struct RefusedManifest: Sendable, CustomTestStringConvertible {
    let name: String
    let input: Data
    let code: ManifestError.Code
    let path: String?
    /// A fragment the message must contain, when the wording matters (lists of allowed values...).
    let messageFragment: String?

    init(_ name: String, _ code: ManifestError.Code, at path: String?, _ value: JSONValue, mentioning fragment: String? = nil) {
        self.init(name, code, at: path, data: ManifestFixtures.data(value), mentioning: fragment)
    }

    init(_ name: String, _ code: ManifestError.Code, at path: String?, data: Data, mentioning fragment: String? = nil) {
        self.name = name
        self.input = data
        self.code = code
        self.path = path
        self.messageFragment = fragment
    }

    var testDescription: String { name }
}

private let base = ManifestFixtures.minimal
private func with(_ key: String, _ value: JSONValue?) -> JSONValue { base.setting([key], to: value) }
private let digest = JSONValue.string(ManifestFixtures.digest)

/// At least one case for every code the decoder can return from bytes.
let refusedManifests: [RefusedManifest] = [
    RefusedManifest("truncated JSON", .invalidJSON, at: nil, data: Data(#"{"id": "org.example.tool""#.utf8), mentioning: "line 1, column 26"),
    RefusedManifest("invalid UTF-8", .invalidJSON, at: nil, data: Data([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]), mentioning: "UTF-8"),
    RefusedManifest("too large", .tooLarge, at: nil, data: Data(repeating: 0x20, count: ManifestDecoder.maximumSize + 1)),
    RefusedManifest("top level array", .typeMismatch, at: "$", [base], mentioning: "expected an object"),
    RefusedManifest("top level string", .typeMismatch, at: "$", "org.example.tool"),
    RefusedManifest("duplicate top-level key", .duplicateKey, at: "$.name", data: Data(#"{"id": "org.example.tool", "name": "A", "name": "B"}"#.utf8)),
    RefusedManifest("duplicate quota key", .duplicateKey, at: "$.quotas.concurrency", with("quotas", ["concurrency": 1, "concurrency": 2])),
    RefusedManifest("duplicate dependency", .duplicateKey, at: "$.dependencies['org.example.base']",
                    with("dependencies", ["org.example.base": "^1.0.0", "org.example.base": "^2.0.0"])),
    RefusedManifest("unknown top-level key", .unknownKey, at: "$.verison", with("verison", "1.0.0"),
                    mentioning: "unknown key 'verison' (allowed: id, name, version, kind, entry, abi, category, capabilities, quotas, dependencies, files, networkHosts, isolation, engine, description, authors, license)"),
    RefusedManifest("unknown quota", .unknownKey, at: "$.quotas.cpuSeconds", with("quotas", ["cpuSeconds": 5]), mentioning: "allowed: cpuMillisecondsPerCall"),
    RefusedManifest("unknown abi key", .unknownKey, at: "$.abi.preferred", with("abi", ["min": 1, "max": 1, "preferred": 1]), mentioning: "allowed: min, max"),
    RefusedManifest("unknown key with odd name", .unknownKey, at: "$['a.b\\'c']", with("a.b'c", 1)),
    RefusedManifest("missing abi.min", .missingKey, at: "$.abi.min", with("abi", ["max": 1])),
    RefusedManifest("missing abi.max", .missingKey, at: "$.abi.max", with("abi", ["min": 1])),
    RefusedManifest("name is a number", .typeMismatch, at: "$.name", with("name", 42), mentioning: "expected a string, found the number 42"),
    RefusedManifest("id is null", .typeMismatch, at: "$.id", with("id", .null), mentioning: "found null"),
    RefusedManifest("version is a number", .typeMismatch, at: "$.version", with("version", 1)),
    RefusedManifest("kind is a boolean", .typeMismatch, at: "$.kind", with("kind", true)),
    RefusedManifest("entry is an array", .typeMismatch, at: "$.entry", with("entry", ["a.so"])),
    RefusedManifest("abi is an array", .typeMismatch, at: "$.abi", with("abi", [1, 1])),
    RefusedManifest("abi.min is a string", .typeMismatch, at: "$.abi.min", with("abi", ["min": "1", "max": 1])),
    RefusedManifest("abi.max is fractional", .typeMismatch, at: "$.abi.max", with("abi", ["min": 1, "max": 1.5]), mentioning: "whole number"),
    RefusedManifest("category is null", .typeMismatch, at: "$.category", with("category", .null)),
    RefusedManifest("capabilities is a string", .typeMismatch, at: "$.capabilities", with("capabilities", "storage")),
    RefusedManifest("capability is a number", .typeMismatch, at: "$.capabilities[1]", with("capabilities", ["storage", 7])),
    RefusedManifest("quotas is an array", .typeMismatch, at: "$.quotas", with("quotas", [])),
    RefusedManifest("quota is fractional", .typeMismatch, at: "$.quotas.memoryBytes", with("quotas", ["memoryBytes": 1.5])),
    RefusedManifest("quota is a string", .typeMismatch, at: "$.quotas.memoryBytes", with("quotas", ["memoryBytes": "64MB"])),
    RefusedManifest("dependencies is an array", .typeMismatch, at: "$.dependencies", with("dependencies", ["org.example.base"])),
    RefusedManifest("dependency range is a number", .typeMismatch, at: "$.dependencies['org.example.base']", with("dependencies", ["org.example.base": 1])),
    RefusedManifest("files is a string", .typeMismatch, at: "$.files", with("files", "lib/libtool.so")),
    RefusedManifest("digest is a number", .typeMismatch, at: "$.files['lib/libtool.so']", with("files", ["lib/libtool.so": 1])),
    RefusedManifest("description is null", .typeMismatch, at: "$.description", with("description", .null)),
    RefusedManifest("authors is a string", .typeMismatch, at: "$.authors", with("authors", "Ada")),
    RefusedManifest("author is a number", .typeMismatch, at: "$.authors[0]", with("authors", [1])),
    RefusedManifest("license is a boolean", .typeMismatch, at: "$.license", with("license", false)),
    RefusedManifest("version without patch", .badVersion, at: "$.version", with("version", "1.2"), mentioning: "expected MAJOR.MINOR.PATCH"),
    RefusedManifest("version with leading zero", .badVersion, at: "$.version", with("version", "1.02.0"), mentioning: "leading zero"),
    RefusedManifest("range is a word", .badVersionRange, at: "$.dependencies['org.example.base']", with("dependencies", ["org.example.base": "latest"])),
    RefusedManifest("range with empty alternative", .badVersionRange, at: "$.dependencies['org.example.base']",
                    with("dependencies", ["org.example.base": "^1.0.0 ||"]), mentioning: "empty alternative"),
    RefusedManifest("id upper-case", .badIdentifier, at: "$.id", with("id", "org.Example.tool"), mentioning: "lower-case"),
    RefusedManifest("id single label", .badIdentifier, at: "$.id", with("id", "tool"), mentioning: "at least two"),
    RefusedManifest("id empty label", .badIdentifier, at: "$.id", with("id", "org..tool"), mentioning: "empty label"),
    RefusedManifest("id trailing dot", .badIdentifier, at: "$.id", with("id", "org.tool."), mentioning: "empty label"),
    RefusedManifest("id hyphen at label start", .badIdentifier, at: "$.id", with("id", "org.-tool"), mentioning: "start or end with '-'"),
    RefusedManifest("id underscore", .badIdentifier, at: "$.id", with("id", "org.my_tool")),
    RefusedManifest("id too long", .badIdentifier, at: "$.id", with("id", .string("a." + String(repeating: "b", count: 254))), mentioning: "256 characters"),
    RefusedManifest("id empty", .badIdentifier, at: "$.id", with("id", "")),
    RefusedManifest("dependency key upper-case", .badIdentifier, at: "$.dependencies.Base", with("dependencies", ["Base": "^1.0.0"])),
    RefusedManifest("unknown capability", .unknownCapability, at: "$.capabilities[2]", with("capabilities", ["storage", "events", "rootAccess"]),
                    mentioning: "unknown capability 'rootAccess' (known: assetManagement, vmExecution, networkAccess, consensusAccess, transportAccess, fileSystemAccess, storage, events, or app:<name>"),
    RefusedManifest("app capability without a name", .unknownCapability, at: "$.capabilities[0]", with("capabilities", ["app:"]),
                    mentioning: "unknown capability 'app:'"),
    RefusedManifest("app capability with upper case", .unknownCapability, at: "$.capabilities[0]", with("capabilities", ["app:Notify"])),
    RefusedManifest("app capability with a space", .unknownCapability, at: "$.capabilities[0]", with("capabilities", ["app:send mail"])),
    RefusedManifest("app capability starting with a digit", .unknownCapability, at: "$.capabilities[0]", with("capabilities", ["app:1notify"])),
    RefusedManifest("app capability too long", .unknownCapability, at: "$.capabilities[0]",
                    with("capabilities", .array([.string("app:" + String(repeating: "a", count: 65))]))),
    RefusedManifest("other namespace", .unknownCapability, at: "$.capabilities[0]", with("capabilities", ["host:notify"])),
    RefusedManifest("duplicate app capability", .duplicateCapability, at: "$.capabilities[1]", with("capabilities", ["app:notify", "app:notify"]),
                    mentioning: "already listed at $.capabilities[0]"),
    RefusedManifest("duplicate capability", .duplicateCapability, at: "$.capabilities[2]", with("capabilities", ["storage", "events", "storage"]),
                    mentioning: "already listed at $.capabilities[0]"),
    RefusedManifest("unknown kind", .unknownKind, at: "$.kind", with("kind", "python"), mentioning: "known: native, wasm"),
    RefusedManifest("kind wrong case", .unknownKind, at: "$.kind", with("kind", "Native")),
    RefusedManifest("entry with ..", .badPath, at: "$.entry", with("entry", "lib/../../etc/passwd"), mentioning: "'..'"),
    RefusedManifest("entry is ..", .badPath, at: "$.entry", with("entry", "..")),
    RefusedManifest("entry absolute", .badPath, at: "$.entry", with("entry", "/usr/lib/libtool.so"), mentioning: "absolute"),
    RefusedManifest("entry empty", .badPath, at: "$.entry", with("entry", ""), mentioning: "empty"),
    RefusedManifest("entry with .", .badPath, at: "$.entry", with("entry", "./libtool.so")),
    RefusedManifest("entry with //", .badPath, at: "$.entry", with("entry", "lib//libtool.so")),
    RefusedManifest("entry with trailing /", .badPath, at: "$.entry", with("entry", "lib/")),
    RefusedManifest("entry with backslash", .badPath, at: "$.entry", with("entry", "lib\\libtool.so"), mentioning: "backslash"),
    RefusedManifest("entry with NUL", .badPath, at: "$.entry", with("entry", "libtool.so\u{0}.txt"), mentioning: "U+0000"),
    RefusedManifest("files key escapes", .badPath, at: "$.files['../outside']", with("files", ["lib/libtool.so": digest, "../outside": digest])),
    RefusedManifest("digest upper-case", .badDigest, at: "$.files['lib/libtool.so']",
                    with("files", ["lib/libtool.so": .string(ManifestFixtures.digest.uppercased())]), mentioning: "upper-case"),
    RefusedManifest("digest short", .badDigest, at: "$.files['lib/libtool.so']",
                    with("files", ["lib/libtool.so": .string(String(ManifestFixtures.digest.dropLast()))]), mentioning: "63 characters"),
    RefusedManifest("digest not hex", .badDigest, at: "$.files['lib/libtool.so']",
                    with("files", ["lib/libtool.so": .string(String(repeating: "g", count: 64))]), mentioning: "not hexadecimal"),
    RefusedManifest("entry not in files", .entryNotListed, at: "$.files", with("files", ["other.so": digest]), mentioning: "'lib/libtool.so'"),
    RefusedManifest("abi.min negative", .badABIRange, at: "$.abi.min", with("abi", ["min": -1, "max": 1])),
    RefusedManifest("abi.max too large", .badABIRange, at: "$.abi.max", with("abi", ["min": 1, "max": 4_294_967_296])),
    RefusedManifest("abi.min > abi.max", .badABIRange, at: "$.abi", with("abi", ["min": 3, "max": 1]), mentioning: "min (3) is greater than max (1)"),
    RefusedManifest("category upper-case", .badCategory, at: "$.category", with("category", "Assets")),
    RefusedManifest("category starts with digit", .badCategory, at: "$.category", with("category", "3d")),
    RefusedManifest("category empty", .badCategory, at: "$.category", with("category", "")),
    RefusedManifest("category too long", .badCategory, at: "$.category", with("category", .string(String(repeating: "a", count: 65)))),
    RefusedManifest("name empty", .badValue, at: "$.name", with("name", "")),
    RefusedManifest("license empty", .badValue, at: "$.license", with("license", "")),
    RefusedManifest("author empty", .badValue, at: "$.authors[1]", with("authors", ["Ada", ""])),
    RefusedManifest("concurrency zero", .badQuota, at: "$.quotas.concurrency", with("quotas", ["concurrency": 0])),
    RefusedManifest("cpu zero", .badQuota, at: "$.quotas.cpuMillisecondsPerCall", with("quotas", ["cpuMillisecondsPerCall": 0])),
    RefusedManifest("memory zero", .badQuota, at: "$.quotas.memoryBytes", with("quotas", ["memoryBytes": 0])),
    RefusedManifest("operations zero", .badQuota, at: "$.quotas.operationsPerSecond", with("quotas", ["operationsPerSecond": 0])),
    RefusedManifest("cpu percent zero", .badQuota, at: "$.quotas.cpuPercent", with("quotas", ["cpuPercent": 0])),
    RefusedManifest("cpu percent over one CPU", .badQuota, at: "$.quotas.cpuPercent", with("quotas", ["cpuPercent": 101]),
                    mentioning: "from 1 to 100"),
    RefusedManifest("storage negative", .badQuota, at: "$.quotas.storageBytes", with("quotas", ["storageBytes": -1])),
    RefusedManifest("file descriptors over UInt32", .badQuota, at: "$.quotas.fileDescriptors", with("quotas", ["fileDescriptors": 4_294_967_296]),
                    mentioning: "from 0 to 4294967295"),
    RefusedManifest("network over UInt64", .badQuota, at: "$.quotas.networkBytes", with("quotas", ["networkBytes": .rawNumber("18446744073709551616")])),
    RefusedManifest("network host with scheme", .badNetworkHost, at: "$.networkHosts[0]", with("networkHosts", ["http://example.org"]),
                    mentioning: "scheme"),
    RefusedManifest("network host upper-case", .badNetworkHost, at: "$.networkHosts[1]", with("networkHosts", ["example.org", "Example.org"])),
    RefusedManifest("network host port zero", .badNetworkHost, at: "$.networkHosts[0]", with("networkHosts", ["example.org:0"])),
    RefusedManifest("unknown isolation", .badIsolation, at: "$.isolation", with("isolation", "container")),
    RefusedManifest("unknown engine", .badEngine, at: "$.engine", with("engine", "jit")),
    RefusedManifest("an engine on a native extension", .badEngine, at: "$.engine", with("engine", "compiled")),
    RefusedManifest("depends on itself", .selfDependency, at: "$.dependencies['org.example.tool']",
                    with("dependencies", ["org.example.other": "^1.0.0", "org.example.tool": "^1.0.0"])),
] + Manifest.requiredJSONKeys.map { key in
    RefusedManifest("missing \(key)", .missingKey, at: "$.\(key)", with(key, nil), mentioning: "missing required key '\(key)'")
}

@Suite struct ManifestDecoderErrorTests {
    @Test(arguments: refusedManifests)
    func refusesWithCodeAndPath(_ refused: RefusedManifest) throws {
        let error = try #require(throws: ManifestError.self) { try ManifestDecoder.decode(refused.input, source: "extension.json") }
        #expect(error.code == refused.code, "\(error)")
        #expect(error.path == refused.path, "\(error)")
        #expect(error.source == "extension.json")
        #expect(!error.message.isEmpty)
        if let fragment = refused.messageFragment {
            #expect(error.message.contains(fragment), "\(error)")
        }
        // The same bytes give the same error.
        #expect(throws: error) { try ManifestDecoder.decode(refused.input, source: "extension.json") }
    }

    @Test func everyCodeIsExercised() {
        let fromFiles: Set<ManifestError.Code> = [.fileNotFound, .unreadable]
        let covered = Set(refusedManifests.map(\.code)).union(fromFiles)
        #expect(covered == Set(ManifestError.Code.allCases), "not covered: \(Set(ManifestError.Code.allCases).subtracting(covered))")
    }

    @Test func codesAreStableStrings() {
        #expect(ManifestError.Code.unknownKey.rawValue == "manifest.unknown_key")
        #expect(ManifestError.Code.invalidJSON.rawValue == "manifest.invalid_json")
        #expect(ManifestError.Code.badABIRange.rawValue == "manifest.bad_abi_range")
        for code in ManifestError.Code.allCases {
            #expect(code.rawValue.hasPrefix("manifest."))
            #expect(code.rawValue.allSatisfy { $0.isLowercase || $0 == "_" || $0 == "." })
        }
    }

    @Test func descriptionLeavesOutMissingParts() {
        #expect(ManifestError(code: .badValue, message: "must not be empty", path: "$.name").description == "[manifest.bad_value] $.name: must not be empty")
        #expect(ManifestError(code: .tooLarge, message: "too big", source: "a/extension.json").description == "[manifest.too_large] a/extension.json: too big")
        #expect(ManifestError(code: .badValue, message: "m", path: "$.x", source: "s", cause: "c").description == "[manifest.bad_value] s: $.x: m (cause: c)")
    }
}
