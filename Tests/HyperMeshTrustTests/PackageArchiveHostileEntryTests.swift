import Foundation
import HyperMeshTrust
import Testing
import ZIPFoundation

/// Archives whose names, links, duplicates or entry types must be refused before anything is written.
@Suite struct PackageArchiveHostileEntryTests {
    let scratch = ArchiveScratch()

    @Test(arguments: ["../evil", "a/../../evil", "..", "a/..", "..\\evil", "a\\..\\..\\evil", "/tmp/evil", "\\evil", "C:/evil"])
    func namesThatLeaveTheFolder(_ name: String) throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file(name, "evil")])
        scratch.expectRefused(.pathEscapes, entry: name)
        #expect(!FileManager.default.fileExists(atPath: scratch.root.appendingPathComponent("evil").path))
        #expect(!FileManager.default.fileExists(atPath: scratch.root.deletingLastPathComponent().appendingPathComponent("evil").path))
    }

    @Test(arguments: ["./x", "a//b", "a/./b", "a\\b", "x\u{1}y", "file-with-slash/"])
    func namesThatAreNotPlainPaths(_ name: String) throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file(name)])
        scratch.expectRefused(.invalidPath, entry: name)
    }

    @Test func aNonASCIINameWithoutTheUTF8Flag() throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file("caf\u{E9}.txt")])
        try scratch.patchArchive { zip in zip.setFlags(1, 0) }
        scratch.expectRefused(.invalidPath, entry: "caf\u{E9}.txt")
    }

    @Test func aNameThatIsNotUTF8() throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file("caf\u{E9}.txt")])
        try scratch.patchArchive { zip in zip.data[zip.centralRecord(1) + 46 + 3] = 0xFF }
        scratch.expectRefused(.invalidPath)
    }

    @Test(arguments: [
        ("link", "/etc/passwd"), ("link", "../outside"), ("sub/link", "../../outside"), ("link", "sub/../../outside"),
        ("link", "C:/evil"),
    ])
    func linksThatLeaveTheFolder(_ name: String, _ target: String) throws {
        _ = try scratch.makeArchive([.folder("sub/"), .file("sub/ok.txt"), .link(name, to: target)])
        scratch.expectRefused(.linkEscapes, entry: name)
    }

    @Test func aLinkThroughAnotherLinkIsRefused() throws {
        // `sub/up` resolves to the package root, which is fine; `x` goes up once more through it.
        _ = try scratch.makeArchive([.folder("sub/"), .link("sub/up", to: ".."), .link("x", to: "sub/up/../secret")])
        scratch.expectRefused(.linkEscapes, entry: "x")
    }

    @Test(arguments: ["", "a//b", "a\\b"])
    func linkTargetsThatAreNotPlainPaths(_ target: String) throws {
        _ = try scratch.makeArchive([.file("a"), .link("link", to: target)])
        scratch.expectRefused(.invalidPath, entry: "link")
    }

    @Test func anEntryBelowALinkIsRefused() throws {
        _ = try scratch.makeArchive([.folder("sub/"), .link("link", to: "sub"), .file("link/file")])
        scratch.expectRefused(.pathThroughLink, entry: "link/file")
        #expect(!FileManager.default.fileExists(atPath: scratch.root.appendingPathComponent("sub").path))
    }

    @Test func anEntryBelowALinkIsRefusedWhateverTheOrder() throws {
        _ = try scratch.makeArchive([.file("link/file"), .link("link", to: "/tmp")])
        scratch.expectRefused(.pathThroughLink, entry: "link/file")
    }

    @Test(arguments: [
        [TestEntry.file("a"), .file("a")],
        [.file("a"), .folder("a/")],
        [.folder("a/"), .folder("a/")],
        [.file("dir/A.txt"), .file("dir/a.txt")],
        [.file("caf\u{E9}"), .file("cafe\u{301}")],
        [.link("a", to: "b"), .file("a")],
    ])
    func duplicateEntries(_ entries: [TestEntry]) throws {
        _ = try scratch.makeArchive([.file("b")] + entries)
        scratch.expectRefused(.duplicateEntry, entry: entries[1].name)
    }

    @Test func aFileWhereAFolderIsNeeded() throws {
        _ = try scratch.makeArchive([.file("a"), .file("a/b")])
        scratch.expectRefused(.duplicateEntry, entry: "a/b")
    }

    @Test(arguments: [0o010644, 0o020644, 0o060644, 0o140644, 0o170644])
    func entriesOfOtherTypes(_ mode: Int) throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file("special")])
        try scratch.patchArchive { zip in zip.setUnixMode(1, mode) }
        scratch.expectRefused(.unsupportedEntry, entry: "special")
    }

    @Test func encryptedEntries() throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file("secret")])
        try scratch.patchArchive { zip in zip.setFlags(1, 0x0801) }
        scratch.expectRefused(.unsupportedEntry, entry: "secret")
    }

    @Test func otherCompressionMethods() throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file("bzipped", String(repeating: "b", count: 100), compression: .deflate)])
        try scratch.patchArchive { zip in zip.setMethod(1, 12) }
        scratch.expectRefused(.unsupportedEntry, entry: "bzipped")
    }

    @Test func zip64SizesAreRefused() throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file("huge")])
        try scratch.patchArchive { zip in zip.setUInt32(0xFFFF_FFFF, at: zip.centralRecord(1) + 24) }
        scratch.expectRefused(.unsupportedEntry, entry: "huge")
    }

    @Test func aFolderEntryWithDataIsMalformed() throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .folder("dir/")])
        try scratch.patchArchive { zip in
            zip.setUncompressedSize(1, 5)
            zip.setCompressedSize(1, 5)
        }
        scratch.expectRefused(.malformed, entry: "dir/")
    }
}
