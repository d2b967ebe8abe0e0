import Foundation
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

/// The operator's and the author's signing workflow through the CLI: create a CA, trust it, sign,
/// verify, list, inspect, revoke.
@Suite struct SigningCommandTests {
    @Test func theDevelopmentWorkflowFromInitToVerifiedCall() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.workflow", signed: false)
        let caFolder = cli.root.appendingPathComponent("dev-ca")

        let refused = await cli.run(["ext", "call", "org.tests.workflow", "echo", "hi"])
        #expect(refused.exitCode == 1)
        #expect(refused.err.contains("trust.signature_missing"), "\(refused.err)")

        let initialized = await cli.run(["trust", "init", caFolder.path], hostOptions: false)
        #expect(initialized.exitCode == 0, "\(initialized.err)")
        #expect(initialized.out.contains("hypermesh trust add"))
        let added = await cli.run(["trust", "add", caFolder.appendingPathComponent("root-ca.pem").path, "--state-dir", cli.state.path],
                                  hostOptions: false)
        #expect(added.exitCode == 0, "\(added.err)")
        let package = cli.extensions.appendingPathComponent("org.tests.workflow").path
        let signed = await cli.run(["ext", "sign", package, "--key", caFolder.appendingPathComponent("code-signing.key").path,
                                    "--cert", caFolder.appendingPathComponent("code-signing.pem").path], hostOptions: false)
        #expect(signed.exitCode == 0, "\(signed.err)")

        let call = await cli.run(["ext", "call", "org.tests.workflow", "echo", "hi"])
        #expect(call.out.trimmingCharacters(in: .whitespacesAndNewlines) == "hi", "\(call.err)")

        let list = await cli.run(["ext", "list"])
        #expect(list.out.contains("signed: CN=HyperMesh Development Code Signing"), "\(list.out)")

        let inspect = await cli.run(["ext", "inspect", "org.tests.workflow", "--json"])
        let verification = try inspect.out.jsonObject()["verification"] as? [String: Any]
        #expect(verification?["outcome"] as? String == "verified")
        #expect((verification?["checks"] as? [[String: Any]])?.map { $0["result"] as? String } == Array(repeating: "pass", count: 6))

        let verify = await cli.run(["ext", "verify", package, "--state-dir", cli.state.path], hostOptions: false)
        #expect(verify.exitCode == 0, "\(verify.err)")
        for check in ["files", "signature", "validity", "chain", "code-signing", "revocation"] {
            #expect(verify.out.contains("\(check) "), "missing \(check) in \(verify.out)")
        }
        #expect(verify.out.contains("signer:  CN=HyperMesh Development Code Signing"))
    }

    @Test func unsignedPackagesLoadOnlyWithTheFlagAndAreMarked() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.unsigned", signed: false)
        let list = await cli.run(["ext", "list", "--allow-unsigned"])
        #expect(list.out.contains("UNSIGNED (allowed)"), "\(list.out)")
        let json = await cli.run(["ext", "list", "--json"])
        let problems = try json.out.jsonObject()["problems"] as? [[String: Any]]
        #expect((problems?.first?["error"] as? [String: Any])?["code"] as? String == "package.untrusted")
    }

    @Test func verifyShowsTheFailingCheckOfATamperedPackage() async throws {
        let cli = CLIHarness()
        let package = try cli.stageFixture(id: "org.tests.tampered")
        let payload = package.appendingPathComponent("libfixture.so")
        var bytes = try Data(contentsOf: payload)
        bytes[100] ^= 0x01
        try bytes.write(to: payload)
        let verify = await cli.run(["ext", "verify", package.path, "--state-dir", cli.state.path, "--json"], hostOptions: false)
        #expect(verify.exitCode == 2, "a tampered package is an integrity failure")
        let output = try verify.out.jsonObject()["verification"] as? [String: Any]
        #expect(output?["outcome"] as? String == "refused")
        let checks = output?["checks"] as? [[String: Any]] ?? []
        #expect(checks.first?["result"] as? String == "fail")
        #expect(checks.first?["code"] as? String == "trust.file_check_failed")
        #expect(checks.dropFirst().allSatisfy { $0["result"] as? String == "not-run" })
        // The host refuses it too, and nothing is loaded.
        let call = await cli.run(["ext", "call", "org.tests.tampered", "echo", "x"])
        #expect(call.exitCode == 1)
        #expect(call.err.contains("package.invalid"), "\(call.err)")
    }

    @Test func revokingAPackageRefusesItWithTheRevocationCheck() async throws {
        let cli = CLIHarness()
        let package = try cli.stageFixture(id: "org.tests.revoked")
        try cli.stageFixture(id: "org.tests.kept")
        let caFolder = cli.root.appendingPathComponent("ca-files")
        let ca = try CLIHarness.developmentCA.get()
        try FileManager.default.createDirectory(at: caFolder, withIntermediateDirectories: true)
        let key = caFolder.appendingPathComponent("root.key")
        let certificate = caFolder.appendingPathComponent("root.pem")
        try ca.rootKey.write(to: key)
        try CertificatePEM.encode([ca.root]).write(to: certificate, atomically: true, encoding: .utf8)
        let revoke = await cli.run(["trust", "revoke", "--root-key", key.path, "--root-cert", certificate.path,
                                    "--package", package.path, "--state-dir", cli.state.path], hostOptions: false)
        #expect(revoke.exitCode == 0, "\(revoke.err)")
        let call = await cli.run(["ext", "call", "org.tests.revoked", "echo", "x"])
        #expect(call.err.contains("trust.package_revoked"), "\(call.err)")
        let kept = await cli.run(["ext", "call", "org.tests.kept", "echo", "x"])
        #expect(kept.out.contains("x"), "\(kept.err)")
        let trustList = await cli.run(["trust", "list", "--state-dir", cli.state.path], hostOptions: false)
        #expect(trustList.out.contains("1 package(s)"), "\(trustList.out)")
    }

    @Test func anAuthorKeyCertifiedByTheCASignsPackagesTheHostTrusts() async throws {
        let cli = CLIHarness()
        let package = try cli.stageFixture(id: "org.tests.author", signed: false)
        let folder = cli.root.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let authorKey = folder.appendingPathComponent("author.key").path
        let generated = await cli.run(["keys", "generate", "--out", authorKey, "--algorithm", "p256"], hostOptions: false)
        #expect(generated.exitCode == 0, "\(generated.err)")
        let caFolder = cli.root.appendingPathComponent("dev-ca")
        _ = await cli.run(["trust", "init", caFolder.path], hostOptions: false)
        _ = await cli.run(["trust", "add", caFolder.appendingPathComponent("root-ca.pem").path, "--state-dir", cli.state.path], hostOptions: false)
        let authorCert = folder.appendingPathComponent("author.pem").path
        let issued = await cli.run(["trust", "issue", "--ca-key", caFolder.appendingPathComponent("root-ca.key").path,
                                    "--ca-cert", caFolder.appendingPathComponent("root-ca.pem").path,
                                    "--public-key", authorKey + ".pub", "--name", "Jane Author", "--out", authorCert], hostOptions: false)
        #expect(issued.exitCode == 0, "\(issued.err)")
        let signed = await cli.run(["ext", "sign", package.path, "--key", authorKey, "--cert", authorCert], hostOptions: false)
        #expect(signed.exitCode == 0, "\(signed.err)")
        let list = await cli.run(["ext", "list"])
        #expect(list.out.contains("signed: CN=Jane Author"), "\(list.out)")
        // Signing with a key that is not the certificate's is refused.
        let mismatch = await cli.run(["ext", "sign", package.path, "--key", caFolder.appendingPathComponent("code-signing.key").path,
                                      "--cert", authorCert], hostOptions: false)
        #expect(mismatch.exitCode == 1)
        #expect(mismatch.err.contains("trust.key_mismatch"), "\(mismatch.err)")
    }
}

/// `.hmx` archives through the CLI: pack, verify, sign in place, and damaged archives refused.
@Suite struct ArchiveCommandTests {
    @Test func packVerifyAndSignAnArchive() async throws {
        let cli = CLIHarness()
        let package = try cli.stageFixture(id: "org.tests.archived", signed: false)
        let archive = cli.root.appendingPathComponent("archived.hmx").path
        let packed = await cli.run(["ext", "pack", package.path, "--out", archive], hostOptions: false)
        #expect(packed.exitCode == 0, "\(packed.err)")
        #expect(packed.out.contains("(unsigned)"))

        let unsignedVerify = await cli.run(["ext", "verify", archive, "--state-dir", cli.state.path], hostOptions: false)
        #expect(unsignedVerify.exitCode == 1)
        #expect(unsignedVerify.out.contains("trust.signature_missing"), "\(unsignedVerify.out)")

        // Sign the archive in place with the harness CA, whose root the harness store trusts.
        let ca = try CLIHarness.developmentCA.get()
        let keys = cli.root.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        try ca.signingKey.write(to: keys.appendingPathComponent("sign.key"))
        try CertificatePEM.encode([ca.signingCertificate]).write(to: keys.appendingPathComponent("sign.pem"), atomically: true, encoding: .utf8)
        try TrustStore.addRoot(ca.root, to: cli.trustStore)
        let signed = await cli.run(["ext", "sign", archive, "--key", keys.appendingPathComponent("sign.key").path,
                                    "--cert", keys.appendingPathComponent("sign.pem").path], hostOptions: false)
        #expect(signed.exitCode == 0, "\(signed.err)")
        let verified = await cli.run(["ext", "verify", archive, "--state-dir", cli.state.path, "--json"], hostOptions: false)
        #expect(verified.exitCode == 0, "\(verified.out)\(verified.err)")
        #expect((try verified.out.jsonObject()["verification"] as? [String: Any])?["outcome"] as? String == "verified")
        // The folder itself was not changed: only the archive was signed.
        #expect(!FileManager.default.fileExists(atPath: package.appendingPathComponent("extension.sig").path))
    }

    @Test func aTruncatedArchiveIsATypedError() async throws {
        let cli = CLIHarness()
        let package = try cli.stageFixture(id: "org.tests.truncated")
        let archive = cli.root.appendingPathComponent("truncated.hmx")
        _ = await cli.run(["ext", "pack", package.path, "--out", archive.path], hostOptions: false)
        let bytes = try Data(contentsOf: archive)
        try bytes.prefix(bytes.count / 2).write(to: archive)
        let verify = await cli.run(["ext", "verify", archive.path, "--state-dir", cli.state.path, "--json"], hostOptions: false)
        #expect(verify.exitCode == 1)
        #expect((try verify.out.jsonObject()["error"] as? [String: Any])?["code"] as? String == "archive.malformed", "\(verify.out)")
    }
}
