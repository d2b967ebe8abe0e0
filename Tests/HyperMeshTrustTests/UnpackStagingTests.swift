import Foundation
import HyperMeshTestSupport
import Testing
@testable import HyperMeshTrust

/// The writer under the unpacker: whatever is already in the staging folder, nothing is written
/// through a symlink.
@Suite struct UnpackStagingTests {
    let root = ExtensionBuilder.temporaryDirectory()
    var outside: URL { root.appendingPathComponent("outside") }

    func makeStaging() throws -> UnpackStaging {
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        return try UnpackStaging(beside: root.appendingPathComponent("out"))
    }

    @Test func aFolderComponentThatIsALinkIsRefused() throws {
        let staging = try makeStaging()
        defer { staging.discard() }
        try FileManager.default.createSymbolicLink(at: staging.url.appendingPathComponent("sub"), withDestinationURL: outside)
        let error = #expect(throws: ArchiveError.self) { _ = try staging.createFile(["sub", "evil"], executable: false, entry: "sub/evil") }
        #expect(error?.code == .pathThroughLink)
        let folderError = #expect(throws: ArchiveError.self) { try staging.makeDirectory(["sub", "deeper"], entry: "sub/deeper/") }
        #expect(folderError?.code == .pathThroughLink)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == [])
    }

    @Test func aFileIsNeverOpenedThroughAnExistingLink() throws {
        let staging = try makeStaging()
        defer { staging.discard() }
        let target = outside.appendingPathComponent("target")
        try FileManager.default.createSymbolicLink(at: staging.url.appendingPathComponent("file"), withDestinationURL: target)
        let error = #expect(throws: ArchiveError.self) { _ = try staging.createFile(["file"], executable: false, entry: "file") }
        #expect(error?.code == .duplicateEntry)
        #expect(!FileManager.default.fileExists(atPath: target.path))
    }

    @Test func discardRemovesEverythingButWhatLinksPointTo() throws {
        let staging = try makeStaging()
        try Data("kept".utf8).write(to: outside.appendingPathComponent("kept"))
        let file = try staging.createFile(["a", "b"], executable: true, entry: "a/b")
        try file.write(Data("data".utf8))
        try file.finish()
        try staging.makeSymlink(["link"], target: "../outside", entry: "link")
        staging.discard()
        #expect(!FileManager.default.fileExists(atPath: staging.url.path))
        #expect(try Data(contentsOf: outside.appendingPathComponent("kept")) == Data("kept".utf8))
    }
}
