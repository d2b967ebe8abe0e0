import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

/// The file check opens a file the folder walk saw as a regular file at its path directly, and
/// resolves every other listed path (links, paths through linked folders) with `realpath`: both
/// ways must keep the package's rules.
@Suite struct PackageFilesWalkTests {
    let directory = ExtensionBuilder.temporaryDirectory()

    func write(_ content: String, to name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
        return FileDigest.sha256Hex(of: Array(content.utf8))
    }

    func manifest(files: [String: String]) -> Manifest {
        Manifest(id: "org.tests.walk", name: "Walk", version: SemanticVersion(1, 0, 0), kind: .native, entry: "lib.so",
                 abi: ABIRange(min: 1, max: 1), category: "testing", files: files)
    }

    @Test("a listed symlink to a file inside the package verifies with the target's digest")
    func symlinkInsideThePackageVerifies() throws {
        let digest = try write("code", to: "real/lib.so", in: directory)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("lib.so").path, withDestinationPath: "real/lib.so")
        try PackageFiles.verify(directory, manifest: manifest(files: ["lib.so": digest, "real/lib.so": digest]))
    }

    @Test("a listed file under a linked folder that leaves the package is refused as escaping")
    func fileThroughALinkedFolderLeavingThePackageIsRefused() throws {
        let outside = ExtensionBuilder.temporaryDirectory()
        let secret = try write("secret", to: "secret", in: outside)
        let code = try write("code", to: "lib.so", in: directory)
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("data"), withDestinationURL: outside)
        let error = #expect(throws: PackageError.self) {
            try PackageFiles.verify(directory, manifest: manifest(files: ["lib.so": code, "data/secret": secret]))
        }
        #expect(error?.code == .pathEscapes)
    }

    @Test("a listed file in nested real folders verifies, and a changed byte there is a digest mismatch")
    func nestedFilesAreHashed() throws {
        let code = try write("code", to: "lib.so", in: directory)
        let nested = try write("nested", to: "a/b/c/table.bin", in: directory)
        let files = ["lib.so": code, "a/b/c/table.bin": nested]
        try PackageFiles.verify(directory, manifest: manifest(files: files))
        try Data("nestex".utf8).write(to: directory.appendingPathComponent("a/b/c/table.bin"))
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(directory, manifest: manifest(files: files)) }
        #expect(error?.code == .digestMismatch)
        #expect(error?.path == "a/b/c/table.bin")
    }

    @Test("a missing listed file is reported before an unlisted one")
    func missingBeforeUnlisted() throws {
        let code = try write("code", to: "lib.so", in: directory)
        _ = try write("stray", to: "stray.txt", in: directory)
        let error = #expect(throws: PackageError.self) {
            try PackageFiles.verify(directory, manifest: manifest(files: ["lib.so": code, "gone.bin": code]))
        }
        #expect(error?.code == .fileMissing)
        #expect(error?.path == "gone.bin")
    }
}
