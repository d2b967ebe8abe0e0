import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import HyperMeshTrust
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A package holds regular files only: a FIFO, listed or not, is refused at once with a typed
/// error naming it, never opened in a way that waits for a writer.
@Suite struct PackageFileTypeTests {
    func makeFIFO(_ url: URL) throws {
        try #require(mkfifo(url.path, 0o644) == 0, "mkfifo \(url.path): \(String(cString: strerror(errno)))")
    }

    @Test func aListedFIFOIsRefusedAsNotARegularFile() throws {
        let package = try SignedPackageFixture()
        let payload = package.directory.appendingPathComponent("lib.so")
        try FileManager.default.removeItem(at: payload)
        try makeFIFO(payload)
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(package.directory, manifest: package.manifest) }
        #expect(error?.code == .notRegularFile)
        #expect(error?.path == "lib.so")
        #expect(error?.message.contains("FIFO") == true, "\(String(describing: error))")
    }

    @Test func anUnlistedFIFOIsRefusedByName() throws {
        let package = try SignedPackageFixture()
        try makeFIFO(package.directory.appendingPathComponent("data/pipe"))
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(package.directory, manifest: package.manifest) }
        #expect(error?.code == .notRegularFile)
        #expect(error?.path == "data/pipe")
    }

    @Test func aFIFONamedLikeTheSignatureIsRefusedToo() throws {
        let package = try SignedPackageFixture()
        try makeFIFO(package.signatureFile)
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(package.directory, manifest: package.manifest) }
        #expect(error?.code == .notRegularFile)
        #expect(error?.path == PackageSignature.fileName)
        let signatureError = #expect(throws: TrustError.self) { _ = try PackageSignature(contentsOf: package.signatureFile) }
        #expect(signatureError?.code == .signatureMalformed)
        #expect(signatureError?.cause?.contains("FIFO") == true, "\(String(describing: signatureError))")
    }

    @Test func aFolderWhereAListedFileIsExpectedIsRefused() throws {
        let package = try SignedPackageFixture()
        let notes = package.directory.appendingPathComponent("data/notes.txt")
        try FileManager.default.removeItem(at: notes)
        try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: false)
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(package.directory, manifest: package.manifest) }
        #expect(error?.code == .notRegularFile)
        #expect(error?.path == "data/notes.txt")
        #expect(error?.message.contains("directory") == true, "\(String(describing: error))")
    }

    @Test func aListedSymlinkToAFIFOInsideThePackageIsRefused() throws {
        let package = try SignedPackageFixture()
        let payload = package.directory.appendingPathComponent("lib.so")
        try FileManager.default.removeItem(at: payload)
        try makeFIFO(package.directory.appendingPathComponent("data/pipe"))
        try FileManager.default.createSymbolicLink(atPath: payload.path, withDestinationPath: "data/pipe")
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(package.directory, manifest: package.manifest) }
        #expect(error?.code == .notRegularFile)
        #expect(error?.path == "lib.so")
    }

    @Test func theDigestOfAFIFOIsRefusedWithoutWaiting() throws {
        let fifo = ExtensionBuilder.temporaryDirectory().appendingPathComponent("pipe")
        try FileManager.default.createDirectory(at: fifo.deletingLastPathComponent(), withIntermediateDirectories: true)
        try makeFIFO(fifo)
        let error = #expect(throws: PackageError.self) { _ = try FileDigest.sha256Hex(ofFileAt: fifo) }
        #expect(error?.code == .notRegularFile)
    }

    @Test func verificationRefusesAPackageWithAFIFOAtTheFileCheck() async throws {
        let ca = try DevelopmentCA.generate()
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        try makeFIFO(package.directory.appendingPathComponent("data/pipe"))
        let report = try await package.verify(with: PackageVerifier(trustStore: ca.trustStore))
        #expect(!report.isLoadable)
        #expect(report.failure?.code == .fileCheckFailed)
        #expect(report.failure?.check == .files)
        #expect(report.failure?.message.contains("package.not_regular_file") == true, "\(report.summary)")
        #expect(report.failure?.message.contains("data/pipe") == true, "\(report.summary)")
    }
}
