import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

@Suite struct FileDigestTests {
    @Test func knownVector() throws {
        #expect(FileDigest.sha256Hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let file = ExtensionBuilder.temporaryDirectory().appendingPathComponent("abc")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("abc".utf8).write(to: file)
        #expect(try FileDigest.sha256Hex(ofFileAt: file) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func unreadableFileIsATypedError() {
        let error = #expect(throws: PackageError.self) {
            _ = try FileDigest.sha256Hex(ofFileAt: URL(fileURLWithPath: "/nonexistent/file"))
        }
        #expect(error?.code == .fileUnreadable)
    }
}

@Suite struct PackageFilesTests {
    let directory = ExtensionBuilder.temporaryDirectory()

    func package(files: [String: String], entry: String = "lib.so") throws -> Manifest {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var digests: [String: String] = [:]
        for (name, content) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
            digests[name] = FileDigest.sha256Hex(of: Array(content.utf8))
        }
        return Manifest(id: "org.tests.p", name: "P", version: SemanticVersion(1, 0, 0), kind: .native, entry: entry,
                        abi: ABIRange(min: 1, max: 1), category: "testing", files: digests)
    }

    @Test func aMatchingPackagePasses() throws {
        let manifest = try package(files: ["lib.so": "code", "data/table.bin": "data"])
        try Data("{}".utf8).write(to: directory.appendingPathComponent("extension.json"))
        try PackageFiles.verify(directory, manifest: manifest)
    }

    @Test func changedByteIsADigestMismatch() throws {
        let manifest = try package(files: ["lib.so": "code"])
        try Data("cod3".utf8).write(to: directory.appendingPathComponent("lib.so"))
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(directory, manifest: manifest) }
        #expect(error?.code == .digestMismatch)
        #expect(error?.path == "lib.so")
    }

    @Test func listedFileMissing() throws {
        let manifest = try package(files: ["lib.so": "code", "extra.txt": "x"])
        try FileManager.default.removeItem(at: directory.appendingPathComponent("extra.txt"))
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(directory, manifest: manifest) }
        #expect(error?.code == .fileMissing)
    }

    @Test func unlistedFileIsRefused() throws {
        let manifest = try package(files: ["lib.so": "code"])
        try Data("sneaky".utf8).write(to: directory.appendingPathComponent("sneaky.so"))
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(directory, manifest: manifest) }
        #expect(error?.code == .unlistedFile)
        #expect(error?.path == "sneaky.so")
    }

    @Test func entryMustBeListed() throws {
        let manifest = try package(files: ["other.so": "code"], entry: "lib.so")
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(directory, manifest: manifest) }
        #expect(error?.code == .fileMissing)
    }

    @Test func symlinkLeavingThePackageIsRefused() throws {
        var manifest = try package(files: ["lib.so": "code"])
        let outside = ExtensionBuilder.temporaryDirectory()
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: outside.appendingPathComponent("secret"))
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("link"), withDestinationURL: outside.appendingPathComponent("secret"))
        manifest.files["link"] = FileDigest.sha256Hex(of: Array("secret".utf8))
        let error = #expect(throws: PackageError.self) { try PackageFiles.verify(directory, manifest: manifest) }
        #expect(error?.code == .pathEscapes)
    }

    @Test(arguments: ["../escape", "/etc/passwd", "a/../../b", "", "./x", "a//b"])
    func pathsThatLeaveThePackageAreRefused(_ path: String) throws {
        let error = #expect(throws: PackageError.self) { _ = try PackageFiles.resolve(path, in: directory) }
        #expect(error?.code == .pathEscapes)
    }
}
