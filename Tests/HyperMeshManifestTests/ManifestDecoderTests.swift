import Foundation
import Testing
@testable import HyperMeshManifest

@Suite struct ManifestDecoderTests {
    @Test func decodesRequiredKeysAndAppliesDefaults() throws {
        let manifest = try ManifestDecoder.decode(ManifestFixtures.data(ManifestFixtures.minimal))
        #expect(manifest == Manifest(
            id: "org.example.tool", name: "Tool", version: SemanticVersion(1, 0, 0), kind: .native,
            entry: "lib/libtool.so", abi: ABIRange(min: 1, max: 1), category: "tools"))
        #expect(manifest.capabilities.isEmpty)
        #expect(manifest.quotas == Quotas())
        #expect(manifest.dependencies.isEmpty)
        #expect(manifest.files.isEmpty)
        #expect(manifest.description == nil && manifest.authors == nil && manifest.license == nil)
    }

    @Test func decodesEveryField() throws {
        let manifest = try ManifestDecoder.decode(ManifestFixtures.data(ManifestFixtures.full))
        #expect(manifest.id == "org.hypermesh.catalog")
        #expect(manifest.name == "Catalog")
        #expect(manifest.version == SemanticVersion(1, 4, 0, prerelease: ["beta", "2"], build: ["build", "77"]))
        #expect(manifest.kind == .native)
        #expect(manifest.entry == "lib/libCatalogExtension.so")
        #expect(manifest.abi == ABIRange(min: 1, max: 3))
        #expect(manifest.category == "assets")
        #expect(manifest.capabilities == [.storage, .assetManagement, .vmExecution, .events])
        #expect(manifest.quotas == Quotas(
            cpuMillisecondsPerCall: 250, memoryBytes: 67_108_864, storageBytes: 0, networkBytes: 1024,
            fileDescriptors: 16, operationsPerSecond: 100, concurrency: 4))
        #expect(manifest.dependencies == [
            "org.hypermesh.base": try VersionRange(parsing: "^1.2.0"),
            "org.example.codec": try VersionRange(parsing: ">=2.0.0 <3.0.0 || 3.1.0-rc.1"),
        ])
        #expect(manifest.dependencies["org.example.codec"]?.text == ">=2.0.0 <3.0.0 || 3.1.0-rc.1")
        #expect(manifest.files == [
            "lib/libCatalogExtension.so": ManifestFixtures.digest, "assets/schema.json": ManifestFixtures.otherDigest,
        ])
        #expect(manifest.description == "An asset library.")
        #expect(manifest.authors == ["Ada <ada@example.org>", "Grace"])
        #expect(manifest.license == "Apache-2.0")
    }

    @Test func acceptsIntegersWrittenWithFractionOrExponent() throws {
        let value = ManifestFixtures.minimal
            .setting(["abi"], to: ["min": 1.0, "max": .rawNumber("3e0")])
            .setting(["quotas"], to: ["memoryBytes": .rawNumber("6.4e7"), "storageBytes": .rawNumber("-0")])
        let manifest = try ManifestDecoder.decode(ManifestFixtures.data(value))
        #expect(manifest.abi == ABIRange(min: 1, max: 3))
        #expect(manifest.quotas == Quotas(memoryBytes: 64_000_000, storageBytes: 0))
    }

    @Test func acceptsTheLargestValues() throws {
        let maxID = "a." + String(repeating: "b", count: 253)
        let value = ManifestFixtures.minimal
            .setting(["id"], to: .string(maxID))
            .setting(["category"], to: .string(String(repeating: "c", count: 64)))
            .setting(["abi"], to: ["min": 0, "max": .rawNumber("4294967295")])
            .setting(["quotas"], to: [
                "memoryBytes": .rawNumber("18446744073709551615"), "concurrency": .rawNumber("4294967295"),
            ])
        let manifest = try ManifestDecoder.decode(ManifestFixtures.data(value))
        #expect(manifest.id == maxID)
        #expect(manifest.abi == ABIRange(min: 0, max: .max))
        #expect(manifest.quotas.memoryBytes == .max)
        #expect(manifest.quotas.concurrency == .max)
    }

    @Test(arguments: Quotas.keysAllowingZero.sorted())
    func acceptsZeroWhereItIsMeaningful(key: String) throws {
        let value = ManifestFixtures.minimal.setting(["quotas", key], to: 0)
        #expect(throws: Never.self) { try ManifestDecoder.decode(ManifestFixtures.data(value)) }
    }

    @Test func errorsNameTheirSource() throws {
        let data = ManifestFixtures.data(ManifestFixtures.minimal.setting(["quotas"], to: ["cpuSeconds": 5]))
        let error = try #require(throws: ManifestError.self) {
            try ManifestDecoder.decode(data, source: "extension.json")
        }
        #expect(error.source == "extension.json")
        #expect(error.path == "$.quotas.cpuSeconds")
        #expect(error.description == "[manifest.unknown_key] extension.json: $.quotas.cpuSeconds: unknown key 'cpuSeconds' (allowed: "
            + "cpuMillisecondsPerCall, memoryBytes, storageBytes, networkBytes, fileDescriptors, operationsPerSecond, concurrency, cpuMillisecondsTotal, cpuPercent, networkBytesPerSecond)")
        let anonymous = try #require(throws: ManifestError.self) { try ManifestDecoder.decode(data) }
        #expect(anonymous.source == nil)
        #expect(anonymous.description.hasPrefix("[manifest.unknown_key] $.quotas.cpuSeconds: unknown key"))
    }

    @Test func invalidJSONReportsWhereAndWhy() throws {
        let error = try #require(throws: ManifestError.self) {
            try ManifestDecoder.decode(Data("{\n  \"id\": \"org.example.tool\",\n}".utf8))
        }
        #expect(error.code == .invalidJSON)
        #expect(error.path == nil)
        #expect(error.message == "not valid JSON at line 3, column 1 (byte 30): trailing comma before '}' is not allowed")
        #expect(error.cause == "line 3, column 1: trailing comma before '}' is not allowed")
    }

    @Test func theFirstProblemIsReportedInAFixedOrder() throws {
        // Unknown keys come first, then fields in Manifest.jsonKeys order, whatever the document order.
        let text = #"""
        {"category": "BAD", "abi": {"min": 2, "max": 1}, "id": "Bad", "name": "", "version": "x", "kind": "py", "entry": "/x", "extra": 1}
        """#
        let first = try #require(throws: ManifestError.self) { try ManifestDecoder.decode(Data(text.utf8)) }
        #expect(first.code == .unknownKey)
        #expect(first.path == "$.extra")
        let withoutExtra = text.replacingOccurrences(of: #", "extra": 1"#, with: "")
        let second = try #require(throws: ManifestError.self) { try ManifestDecoder.decode(Data(withoutExtra.utf8)) }
        #expect(second.code == .badIdentifier)
        #expect(second.path == "$.id")
        for _ in 0..<3 {
            #expect(throws: second) { try ManifestDecoder.decode(Data(withoutExtra.utf8)) }
        }
    }

    @Test func validateAppliesTheDecoderRulesToAManifestBuiltInCode() throws {
        let good = Manifest(
            id: "org.example.tool", name: "Tool", version: SemanticVersion(1, 0, 0), kind: .wasm,
            entry: "tool.wasm", abi: ABIRange(min: 1, max: 1), category: "tools")
        #expect(throws: Never.self) { try good.validate() }
        var bad = good
        bad.quotas.concurrency = 0
        let error = try #require(throws: ManifestError.self) { try bad.validate() }
        #expect(error.code == .badQuota)
        #expect(error.path == "$.quotas.concurrency")
    }
}
