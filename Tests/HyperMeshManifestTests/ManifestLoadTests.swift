import Foundation
import Testing
import HyperMeshManifest
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ManifestLoadTests {
    private func temporaryPackage() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hypermesh-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func loadsExtensionJSONFromAPackageFolder() throws {
        let folder = try temporaryPackage()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifestFile = folder.appendingPathComponent("extension.json")
        try ManifestFixtures.data(ManifestFixtures.full).write(to: manifestFile)
        let manifest = try ManifestDecoder.load(from: folder)
        #expect(manifest.id == "org.hypermesh.catalog")
    }

    @Test func errorsFromAFileNameTheFile() throws {
        let folder = try temporaryPackage()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifestFile = folder.appendingPathComponent("extension.json")
        try Data(#"{"id": 1}"#.utf8).write(to: manifestFile)
        let error = try #require(throws: ManifestError.self) { try ManifestDecoder.load(from: folder) }
        #expect(error.code == .typeMismatch)
        #expect(error.source == manifestFile.path)
        #expect(error.description == "[manifest.type_mismatch] \(manifestFile.path): $.id: expected a string, found the number 1")
    }

    @Test func missingManifestIsFileNotFound() throws {
        let folder = try temporaryPackage()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: ManifestError.self) { try ManifestDecoder.load(from: folder) }
        #expect(error.code == .fileNotFound)
        #expect(error.code.rawValue == "manifest.file_not_found")
        #expect(error.message.contains(folder.path))
    }

    @Test func aFolderNamedExtensionJSONIsUnreadable() throws {
        let folder = try temporaryPackage()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("extension.json"), withIntermediateDirectories: false)
        let error = try #require(throws: ManifestError.self) { try ManifestDecoder.load(from: folder) }
        #expect(error.code == .unreadable)
    }

    @Test func aFIFONamedExtensionJSONIsRefusedAtOnceInsteadOfWaitingForAWriter() throws {
        let folder = try temporaryPackage()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifestFile = folder.appendingPathComponent("extension.json")
        #expect(mkfifo(manifestFile.path, 0o644) == 0)
        let error = try #require(throws: ManifestError.self) { try ManifestDecoder.load(from: folder) }
        #expect(error.code == .unreadable)
        #expect(error.message.contains("FIFO"), "\(error)")
        #expect(error.source == manifestFile.path)
    }

    @Test func aSymbolicLinkNamedExtensionJSONIsRefused() throws {
        let folder = try temporaryPackage()
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("real.json")
        try ManifestFixtures.data(ManifestFixtures.full).write(to: real)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("extension.json"), withDestinationURL: real)
        let error = try #require(throws: ManifestError.self) { try ManifestDecoder.load(from: folder) }
        #expect(error.code == .unreadable)
        #expect(error.message.contains("symbolic link"), "\(error)")
    }

    @Test func aManifestOverTheSizeLimitIsRefusedBeforeParsing() throws {
        let folder = try temporaryPackage()
        defer { try? FileManager.default.removeItem(at: folder) }
        let huge = Data(repeating: UInt8(ascii: " "), count: ManifestDecoder.maximumSize + 1)
        try huge.write(to: folder.appendingPathComponent("extension.json"))
        let error = try #require(throws: ManifestError.self) { try ManifestDecoder.load(from: folder) }
        #expect(error.code == .tooLarge)
    }
}
