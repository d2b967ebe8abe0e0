import ArgumentParser
import Foundation
import HyperMeshCLI
import HyperMeshNode
import HyperMeshErrors
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

/// `--json` on the commands that create keys, archives and trust material: the success document
/// has its fields, a failure is the JSON error document on stdout with its category's exit status,
/// and stdout holds exactly one JSON document (progress stays on stderr).
@Suite struct JSONOutputTests {
    /// The whole of stdout as one JSON object (fails if anything else is printed there).
    static func document(_ result: CLIHarness.Result) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8))
        return try #require(object as? [String: Any], "stdout is not one JSON object: \(result.out)")
    }

    /// Checks that `result` failed with the JSON error document of `code`, and the exit status of
    /// the category the document names.
    static func expectError(_ result: CLIHarness.Result, code: String, category: HyperMeshErrorCategory,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try #require(try document(result)["error"] as? [String: Any], "\(result.out)\(result.err)",
                                 sourceLocation: sourceLocation)
        #expect(error["code"] as? String == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error["category"] as? String == category.rawValue, sourceLocation: sourceLocation)
        #expect(error["message"] as? String != nil, sourceLocation: sourceLocation)
        #expect(result.exitCode == category.exitCode, sourceLocation: sourceLocation)
        #expect(result.exitCode != 0, sourceLocation: sourceLocation)
    }

    @Test("keys generate --json names the algorithm and both files; an existing file is the JSON error trust.write_failed")
    func keysGenerate() async throws {
        let cli = CLIHarness()
        try FileManager.default.createDirectory(at: cli.root, withIntermediateDirectories: true)
        let key = cli.root.appendingPathComponent("author.key").path
        let generated = await cli.run(["keys", "generate", "--out", key, "--algorithm", "p256", "--json"], hostOptions: false)
        #expect(generated.exitCode == 0, "\(generated.err)")
        let output = try Self.document(generated)
        #expect(output["algorithm"] as? String == "p256")
        #expect(output["privateKey"] as? String == key)
        #expect(output["publicKey"] as? String == key + ".pub")
        #expect(FileManager.default.fileExists(atPath: key + ".pub"))

        let again = await cli.run(["keys", "generate", "--out", key, "--json"], hostOptions: false)
        try Self.expectError(again, code: "trust.write_failed", category: .internal)
    }

    @Test("trust init --json names the root and signing files and fingerprints; a second init in the same folder is a JSON error")
    func trustInit() async throws {
        let cli = CLIHarness()
        let folder = cli.root.appendingPathComponent("dev-ca")
        let initialized = await cli.run(["trust", "init", folder.path, "--json"], hostOptions: false)
        #expect(initialized.exitCode == 0, "\(initialized.err)")
        let output = try Self.document(initialized)
        #expect(output["directory"] as? String == folder.path)
        let root = try #require(output["root"] as? [String: Any])
        let signing = try #require(output["signing"] as? [String: Any])
        #expect(root["certificate"] as? String == folder.appendingPathComponent(DevelopmentCA.rootCertificateName).path)
        #expect(root["key"] as? String == folder.appendingPathComponent(DevelopmentCA.rootKeyName).path)
        #expect(signing["key"] as? String == folder.appendingPathComponent(DevelopmentCA.signingKeyName).path)
        let certificate = try CertificatePEM.certificates(contentsOf: folder.appendingPathComponent(DevelopmentCA.rootCertificateName))[0]
        #expect(root["fingerprint"] as? String == CertificatePEM.fingerprint(certificate))
        #expect((signing["subject"] as? String)?.contains("Code Signing") == true, "\(signing)")
        #expect(signing["notAfter"] as? String != nil)

        let again = await cli.run(["trust", "init", folder.path, "--json"], hostOptions: false)
        #expect(again.exitCode != 0)
        #expect(try Self.document(again)["error"] as? [String: Any] != nil, "\(again.out)")
    }

    @Test("trust add and remove --json list the roots added and the files removed; their failures are JSON errors")
    func trustAddAndRemove() async throws {
        let cli = CLIHarness()
        let folder = cli.root.appendingPathComponent("dev-ca")
        _ = await cli.run(["trust", "init", folder.path], hostOptions: false)
        let rootFile = folder.appendingPathComponent(DevelopmentCA.rootCertificateName)
        let fingerprint = CertificatePEM.fingerprint(try CertificatePEM.certificates(contentsOf: rootFile)[0])

        let added = await cli.run(["trust", "add", rootFile.path, "--state-dir", cli.state.path, "--json"], hostOptions: false)
        #expect(added.exitCode == 0, "\(added.err)")
        let addedOutput = try Self.document(added)
        #expect(addedOutput["trustStore"] as? String == cli.trustStore.path)
        let roots = try #require(addedOutput["added"] as? [[String: Any]])
        #expect(roots.count == 1)
        #expect(roots.first?["fingerprint"] as? String == fingerprint)
        let file = try #require(roots.first?["file"] as? String)
        #expect(FileManager.default.fileExists(atPath: file))

        // A code-signing certificate is no CA: it cannot be a root.
        let notCA = await cli.run(["trust", "add", folder.appendingPathComponent(DevelopmentCA.signingCertificateName).path,
                                   "--state-dir", cli.state.path, "--json"], hostOptions: false)
        try Self.expectError(notCA, code: "trust.certificate_unreadable", category: .invalidInput)

        let removed = await cli.run(["trust", "remove", fingerprint, "--state-dir", cli.state.path, "--json"], hostOptions: false)
        #expect(removed.exitCode == 0, "\(removed.err)")
        let removedOutput = try Self.document(removed)
        #expect(removedOutput["fingerprint"] as? String == fingerprint)
        #expect(removedOutput["removed"] as? [String] == [file])
        #expect(!FileManager.default.fileExists(atPath: file))

        let unknown = await cli.run(["trust", "remove", fingerprint, "--state-dir", cli.state.path, "--json"], hostOptions: false)
        try Self.expectError(unknown, code: "trust.store_unreadable", category: .invalidInput)
    }

    @Test("trust issue --json describes the certificate written; an --out that exists is a JSON error")
    func trustIssue() async throws {
        let cli = CLIHarness()
        let folder = cli.root.appendingPathComponent("dev-ca")
        _ = await cli.run(["trust", "init", folder.path], hostOptions: false)
        let key = cli.root.appendingPathComponent("author.key").path
        _ = await cli.run(["keys", "generate", "--out", key], hostOptions: false)
        let certificate = cli.root.appendingPathComponent("author.pem").path
        let arguments = ["trust", "issue", "--ca-key", folder.appendingPathComponent(DevelopmentCA.rootKeyName).path,
                         "--ca-cert", folder.appendingPathComponent(DevelopmentCA.rootCertificateName).path,
                         "--public-key", key + ".pub", "--name", "Jane Author", "--out", certificate, "--json"]
        let issued = await cli.run(arguments, hostOptions: false)
        #expect(issued.exitCode == 0, "\(issued.err)")
        let output = try Self.document(issued)
        #expect(output["file"] as? String == certificate)
        #expect(output["usage"] as? String == CertificateUsage.codeSigning.rawValue)
        let described = try #require(output["certificate"] as? [String: Any])
        #expect(described["subject"] as? String == "CN=Jane Author")
        #expect((described["issuer"] as? String)?.contains("Root CA") == true, "\(described)")
        let written = try CertificatePEM.certificates(contentsOf: URL(fileURLWithPath: certificate))[0]
        #expect(described["fingerprint"] as? String == CertificatePEM.fingerprint(written))

        let again = await cli.run(arguments, hostOptions: false)
        try Self.expectError(again, code: "trust.write_failed", category: .internal)
    }

    @Test("trust revoke --json prints the list as written; a root the store does not trust is the JSON integrity error")
    func trustRevoke() async throws {
        let cli = CLIHarness()
        let folder = cli.root.appendingPathComponent("dev-ca")
        _ = await cli.run(["trust", "init", folder.path], hostOptions: false)
        let revokeArguments = ["trust", "revoke", "--root-key", folder.appendingPathComponent(DevelopmentCA.rootKeyName).path,
                               "--root-cert", folder.appendingPathComponent(DevelopmentCA.rootCertificateName).path,
                               "--fingerprint", String(repeating: "AB", count: 32), "--state-dir", cli.state.path, "--json"]
        // The store exists (it trusts another root), but this root is not one of it: a list it
        // signed could not be trusted.
        try TrustStore.addRoot(try CLIHarness.developmentCA.get().root, to: cli.trustStore)
        let untrusted = await cli.run(revokeArguments, hostOptions: false)
        try Self.expectError(untrusted, code: "trust.revocation_list_untrusted", category: .integrity)

        _ = await cli.run(["trust", "add", folder.appendingPathComponent(DevelopmentCA.rootCertificateName).path,
                           "--state-dir", cli.state.path], hostOptions: false)
        let revoked = await cli.run(revokeArguments, hostOptions: false)
        #expect(revoked.exitCode == 0, "\(revoked.out)\(revoked.err)")
        let output = try Self.document(revoked)
        #expect(output["certificates"] as? [String] == [String(repeating: "ab", count: 32)])
        #expect(output["packages"] as? [String] == [])
        #expect(output["trustStore"] as? String == cli.trustStore.path)
        #expect((output["issued"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) } != nil)
    }

    /// A package folder with a payload of `payloadBytes` bytes (not a real library: packing only
    /// checks the manifest's digests).
    static func stagePackage(_ cli: CLIHarness, payloadBytes: Int) throws -> URL {
        let payload = cli.root.appendingPathComponent("payload.bin")
        try FileManager.default.createDirectory(at: cli.root, withIntermediateDirectories: true)
        try Data((0..<payloadBytes).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: payload)
        let manifest: [String: Any] = [
            "id": "org.tests.packed", "name": "Packed", "version": "1.2.3", "kind": "native", "entry": "libpacked.so",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": [String](),
        ]
        return try PackageStager.stage(manifest: manifest, payload: payload, entryName: "libpacked.so",
                                       into: cli.extensions.appendingPathComponent("org.tests.packed"))
    }

    @Test("ext pack reports each entry on stderr as it goes; with --json stdout is one document with the archive's facts")
    func packProgressAndDocument() async throws {
        let cli = CLIHarness()
        let package = try Self.stagePackage(cli, payloadBytes: 300_000)
        let archive = cli.root.appendingPathComponent("packed.hmx").path
        let packed = await cli.run(["ext", "pack", package.path, "--out", archive, "--json"], hostOptions: false)
        #expect(packed.exitCode == 0, "\(packed.err)")
        let output = try Self.document(packed)
        #expect(output["id"] as? String == "org.tests.packed")
        #expect(output["version"] as? String == "1.2.3")
        #expect(output["signed"] as? Bool == false)
        #expect(output["archive"] as? String == archive)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: archive)[.size] as? Int)
        #expect(output["bytes"] as? Int == size)

        // extension.json and the payload: two entries, one progress line each, on stderr only.
        let progress = packed.err.split(separator: "\n").filter { $0.hasPrefix("packed ") }
        #expect(output["entries"] as? Int == 2)
        #expect(progress.count == 2, "\(packed.err)")
        let manifestBytes = try #require(try FileManager.default.attributesOfItem(atPath: package.appendingPathComponent("extension.json").path)[.size] as? Int)
        let total = manifestBytes + 300_000
        #expect(progress.last?.hasPrefix("packed 2/2 entries, \(total)/\(total) bytes: ") == true, "\(progress)")
        #expect(progress.first?.hasPrefix("packed 1/2 entries, ") == true, "\(progress)")
        #expect(!packed.out.contains("packed 1/2"))

        // Without --json the progress is the same, and stdout holds the one summary line.
        let text = await cli.run(["ext", "pack", package.path, "--out", archive], hostOptions: false)
        #expect(text.exitCode == 0, "\(text.err)")
        #expect(text.err.split(separator: "\n").filter { $0.hasPrefix("packed ") }.count == 2, "\(text.err)")
        #expect(text.out.split(separator: "\n").count == 1, "\(text.out)")
    }

    @Test("ext pack --json of a tampered package is the JSON integrity error (exit 2), and no archive is written")
    func packTampered() async throws {
        let cli = CLIHarness()
        let package = try Self.stagePackage(cli, payloadBytes: 1_000)
        let payload = package.appendingPathComponent("libpacked.so")
        var bytes = try Data(contentsOf: payload)
        bytes[10] ^= 0x01
        try bytes.write(to: payload)
        let archive = cli.root.appendingPathComponent("tampered.hmx").path
        let packed = await cli.run(["ext", "pack", package.path, "--out", archive, "--json"], hostOptions: false)
        try Self.expectError(packed, code: "package.digest_mismatch", category: .integrity)
        #expect(packed.exitCode == 2)
        #expect(!FileManager.default.fileExists(atPath: archive))
    }

    @Test("The --json help says what the document looks like")
    func helpDescribesTheDocument() {
        let help = HyperMeshCommand.helpMessage(for: PackExtension.self)
        #expect(help.contains("--json"))
        #expect(help.contains("{\"error\":{code,category,extension,message,cause,causes}}"), "\(help)")
        #expect(help.contains("\"entries\""), "\(help)")
    }
}
