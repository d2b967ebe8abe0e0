import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

@Suite struct PackageArchiveRoundTripTests {
    let scratch = ArchiveScratch()
    var source: URL { scratch.root.appendingPathComponent("package") }

    /// A package folder with nested, empty, executable and incompressible files, an empty folder
    /// and in-package symlinks (to a file, to a link, across folders); returns its manifest.
    func makePackage() throws -> Manifest {
        let files: [String: Data] = [
            "extension.json": Data("{}".utf8),
            "extension.sig": noiseBytes(300, seed: 7),
            "lib.so": noiseBytes(200_000),
            "data/table.bin": Data(repeating: 0x2A, count: 150_000),
            "data/empty.txt": Data(),
            "bin/tool": Data("#!/bin/sh\necho tool\n".utf8),
        ]
        for (path, data) in files {
            let url = source.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: source.appendingPathComponent("bin/tool").path)
        try FileManager.default.createDirectory(at: source.appendingPathComponent("empty/nested"), withIntermediateDirectories: true)
        let links = ["current.so": "lib.so", "latest.so": "current.so", "data/lib-link": "../lib.so"]
        for (path, target) in links {
            try FileManager.default.createSymbolicLink(atPath: source.appendingPathComponent(path).path, withDestinationPath: target)
        }
        var digests: [String: String] = [:]
        for (path, data) in files where !PackageFiles.formatFiles.contains(path) {
            digests[path] = FileDigest.sha256Hex(of: data)
        }
        for path in ["current.so", "latest.so", "data/lib-link"] {
            digests[path] = FileDigest.sha256Hex(of: files["lib.so"]!)
        }
        return Manifest(id: "org.tests.archive", name: "Archive", version: SemanticVersion(1, 0, 0), kind: .native, entry: "lib.so",
                        abi: ABIRange(min: 1, max: 1), category: "testing", files: digests)
    }

    @Test func packThenUnpackGivesTheSameTree() throws {
        let manifest = try makePackage()
        try PackageArchive.pack(source, to: scratch.archive)
        try PackageArchive.unpack(scratch.archive, into: scratch.destination)

        let expected = try tree(source)
        #expect(try tree(scratch.destination) == expected)
        #expect(expected["latest.so"] == "link current.so")
        #expect(expected["bin/tool"]?.hasPrefix("file x ") == true)
        #expect(expected["lib.so"]?.hasPrefix("file - ") == true)
        #expect(expected["empty/nested"] == "folder")
        try PackageFiles.verify(scratch.destination, manifest: manifest)
    }

    @Test func linksToFoldersRoundTrip() throws {
        try FileManager.default.createDirectory(at: source.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try Data("tool".utf8).write(to: source.appendingPathComponent("bin/tool"))
        try FileManager.default.createSymbolicLink(atPath: source.appendingPathComponent("tools").path, withDestinationPath: "bin")
        try FileManager.default.createSymbolicLink(atPath: source.appendingPathComponent("bin/self").path, withDestinationPath: ".")
        try PackageArchive.pack(source, to: scratch.archive)
        try PackageArchive.unpack(scratch.archive, into: scratch.destination)
        let unpacked = try tree(scratch.destination)
        #expect(unpacked["tools"] == "link bin")
        #expect(unpacked["bin/self"] == "link .")
        #expect(try Data(contentsOf: scratch.destination.appendingPathComponent("tools/tool")) == Data("tool".utf8))
    }

    @Test func packingIsDeterministic() throws {
        _ = try makePackage()
        try PackageArchive.pack(source, to: scratch.archive)
        let later = Date(timeIntervalSinceNow: 3600)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: source.appendingPathComponent("lib.so").path)
        let second = scratch.root.appendingPathComponent("second.hmx")
        try PackageArchive.pack(source, to: second)
        #expect(try Data(contentsOf: scratch.archive) == Data(contentsOf: second))
    }

    @Test func anEmptyFolderRoundTrips() throws {
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try PackageArchive.pack(source, to: scratch.archive)
        try PackageArchive.unpack(scratch.archive, into: scratch.destination)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.destination.path) == [])
    }

    @Test func unpackIntoAnExistingEmptyFolder() throws {
        _ = try makePackage()
        try PackageArchive.pack(source, to: scratch.archive)
        try FileManager.default.createDirectory(at: scratch.destination, withIntermediateDirectories: true)
        try PackageArchive.unpack(scratch.archive, into: scratch.destination)
        #expect(try tree(scratch.destination) == tree(source))
        #expect(scratch.leftovers() == ["out", "package"])
    }

    @Test func archivesFromOtherWritersUnpack() throws {
        _ = try scratch.makeArchive([
            .folder("docs/"), .file("docs/readme.txt", "hello"), .file("lib.so", bytes: noiseBytes(70_000)),
            .file("deflated.txt", String(repeating: "abc", count: 50_000), compression: .deflate), .link("docs/lib", to: "../lib.so"),
        ])
        try PackageArchive.unpack(scratch.archive, into: scratch.destination)
        let unpacked = try tree(scratch.destination)
        #expect(unpacked["docs/readme.txt"] == "file - \(FileDigest.sha256Hex(of: Data("hello".utf8)))")
        #expect(unpacked["deflated.txt"] == "file - \(FileDigest.sha256Hex(of: Data(String(repeating: "abc", count: 50_000).utf8)))")
        #expect(unpacked["docs/lib"] == "link ../lib.so")
        #expect(try Data(contentsOf: scratch.destination.appendingPathComponent("docs/lib")) == noiseBytes(70_000))
    }

    // MARK: - Refused when packing

    @Test(arguments: ["/etc/passwd", "../outside", "sub/../../outside"])
    func packRefusesLinksLeavingTheFolder(_ target: String) throws {
        _ = try makePackage()
        try FileManager.default.createSymbolicLink(atPath: source.appendingPathComponent("escape").path, withDestinationPath: target)
        let error = #expect(throws: ArchiveError.self) { try PackageArchive.pack(source, to: scratch.archive) }
        #expect(error?.code == .linkEscapes)
        #expect(error?.entry == "escape")
        #expect(!FileManager.default.fileExists(atPath: scratch.archive.path))
    }

    @Test func packRefusesAFIFO() throws {
        _ = try makePackage()
        #expect(mkfifo(source.appendingPathComponent("pipe").path, 0o644) == 0)
        let error = #expect(throws: ArchiveError.self) { try PackageArchive.pack(source, to: scratch.archive) }
        #expect(error?.code == .unsupportedEntry)
        #expect(error?.entry == "pipe")
        #expect(!FileManager.default.fileExists(atPath: scratch.archive.path))
    }

    @Test func packRefusesAnExistingArchive() throws {
        _ = try makePackage()
        try Data("keep".utf8).write(to: scratch.archive)
        let error = #expect(throws: ArchiveError.self) { try PackageArchive.pack(source, to: scratch.archive) }
        #expect(error?.code == .destinationExists)
        #expect(try Data(contentsOf: scratch.archive) == Data("keep".utf8))
    }

    @Test func packAppliesTheUnpackLimits() throws {
        _ = try makePackage()
        let tooFew = #expect(throws: ArchiveError.self) {
            try PackageArchive.pack(source, to: scratch.archive, limits: ArchiveLimits(maxEntries: 3))
        }
        #expect(tooFew?.code == .tooManyEntries)
        let tooSmall = #expect(throws: ArchiveError.self) {
            try PackageArchive.pack(source, to: scratch.archive, limits: ArchiveLimits(maxEntryBytes: 160_000))
        }
        #expect(tooSmall?.code == .entryTooLarge)
        #expect(tooSmall?.entry == "lib.so")
        #expect(!FileManager.default.fileExists(atPath: scratch.archive.path))
    }

    #if os(Linux)
    @Test func packRefusesNamesEqualButForCase() throws {
        _ = try makePackage()
        try Data("a".utf8).write(to: source.appendingPathComponent("README"))
        try Data("b".utf8).write(to: source.appendingPathComponent("readme"))
        let error = #expect(throws: ArchiveError.self) { try PackageArchive.pack(source, to: scratch.archive) }
        #expect(error?.code == .duplicateEntry)
    }
    #endif

    @Test func packRefusesAMissingFolder() {
        let error = #expect(throws: ArchiveError.self) {
            try PackageArchive.pack(scratch.root.appendingPathComponent("missing"), to: scratch.archive)
        }
        #expect(error?.code == .io)
    }

    /// Every item below `root` by relative path: "folder", "link <target>", or
    /// "file <x or -> <sha256>".
    func tree(_ root: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let path = enumerator?.nextObject() as? String {
            let absolute = root.appendingPathComponent(path).path
            let attributes = try FileManager.default.attributesOfItem(atPath: absolute)
            switch attributes[.type] as? FileAttributeType {
            case .typeDirectory?:
                result[path] = "folder"
            case .typeSymbolicLink?:
                result[path] = "link " + (try FileManager.default.destinationOfSymbolicLink(atPath: absolute))
            default:
                let mode = (attributes[.posixPermissions] as? Int) ?? 0
                let digest = FileDigest.sha256Hex(of: try Data(contentsOf: URL(fileURLWithPath: absolute)))
                result[path] = "file \(mode & 0o100 != 0 ? "x" : "-") \(digest)"
            }
        }
        return result
    }
}
