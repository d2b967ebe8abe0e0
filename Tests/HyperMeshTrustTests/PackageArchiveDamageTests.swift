import Foundation
import HyperMeshTrust
import Testing
import ZIPFoundation

/// Truncated, damaged and lying archives, the limits, and the destination rules.
@Suite struct PackageArchiveDamageTests {
    let scratch = ArchiveScratch()

    /// A small but realistic archive: a folder, a deflated file, a stored file, a link.
    func makeArchive() throws {
        _ = try scratch.makeArchive([
            .folder("data/"), .file("lib.so", bytes: noiseBytes(40_000)), .file("data/notes.txt", "stored text"), .link("current.so", to: "lib.so"),
        ])
    }

    func truncateArchive(to length: (Int) -> Int) throws {
        let data = try Data(contentsOf: scratch.archive)
        try data.prefix(length(data.count)).write(to: scratch.archive)
    }

    @Test func theIntactArchiveUnpacks() throws {
        try makeArchive()
        try PackageArchive.unpack(scratch.archive, into: scratch.destination)
        #expect(try Data(contentsOf: scratch.destination.appendingPathComponent("current.so")) == noiseBytes(40_000))
    }

    @Test(arguments: [0.5, 0.9])
    func cutShort(_ fraction: Double) throws {
        try makeArchive()
        try truncateArchive { Int(Double($0) * fraction) }
        scratch.expectRefused(.malformed)
    }

    @Test(arguments: [1, 10, 22, 40])
    func lastBytesCutOff(_ count: Int) throws {
        try makeArchive()
        try truncateArchive { $0 - count }
        scratch.expectRefused(.malformed)
    }

    @Test func emptyAndForeignFiles() throws {
        try Data().write(to: scratch.archive)
        scratch.expectRefused(.malformed)
        try Data(String(repeating: "not a zip archive\n", count: 100).utf8).write(to: scratch.archive)
        scratch.expectRefused(.malformed)
    }

    @Test func aMissingArchiveIsAnIOError() {
        scratch.expectRefused(.io)
    }

    @Test func aChangedStoredByteFailsTheCRC() throws {
        try makeArchive()
        try scratch.patchArchive { zip in zip.data[zip.dataOffset(2)] ^= 0x01 }
        scratch.expectRefused(.malformed, entry: "data/notes.txt")
    }

    @Test func changedDeflateDataIsRefused() throws {
        try makeArchive()
        try scratch.patchArchive { zip in
            let start = zip.dataOffset(1) + zip.compressedSize(1) / 2
            for offset in start..<start + 64 { zip.data[offset] ^= 0x5A }
        }
        scratch.expectRefused(.malformed, entry: "lib.so")
    }

    /// A stored deflate block that claims 65,535 bytes in an entry of a few dozen: the stream
    /// never ends inside the entry (ZIPFoundation's own `extract` would read on and spin at the end
    /// of the file). Declared 3,000 bytes, it is refused once it produces more; declared 100,000,
    /// once it asks for input past its compressed bytes.
    @Test(arguments: [3000, 100_000])
    func aDeflateStreamThatDoesNotEndIsRefused(_ declaredSize: Int) throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file("endless", String(repeating: "xyz", count: 1000), compression: .deflate)])
        try scratch.patchArchive { zip in
            let start = zip.dataOffset(1)
            zip.data.replaceSubrange(start..<start + 5, with: [0x00, 0xFF, 0xFF, 0x00, 0x00])
            zip.setUncompressedSize(1, declaredSize)
        }
        scratch.expectRefused(.malformed, entry: "endless")
    }

    @Test func aLocalHeaderThatDisagreesIsRefused() throws {
        try makeArchive()
        try scratch.patchArchive { zip in zip.data[zip.localHeader(1) + 30] = UInt8(ascii: "X") }
        scratch.expectRefused(.malformed, entry: "lib.so")
    }

    @Test func dataRunningIntoTheCentralDirectoryIsRefused() throws {
        try makeArchive()
        try scratch.patchArchive { zip in
            zip.setCompressedSize(3, zip.compressedSize(3) + 200)
            zip.setUncompressedSize(3, zip.compressedSize(3))
        }
        scratch.expectRefused(.malformed, entry: "current.so")
    }

    @Test func bytesMissingFromTheMiddleAreRefused() throws {
        try makeArchive()
        try scratch.patchArchive { zip in
            let start = zip.dataOffset(1) + 100
            zip.data.removeSubrange(start..<start + 100)
        }
        scratch.expectRefused(.malformed)
    }

    @Test func anEntryCountThatDoesNotMatchIsRefused() throws {
        try makeArchive()
        try scratch.patchArchive { zip in zip.setEntryCount(3) }
        scratch.expectRefused(.malformed)
        try scratch.patchArchive { zip in zip.setEntryCount(5) }
        scratch.expectRefused(.malformed)
    }

    // MARK: - Limits

    @Test func anArchiveThatExpandsPastTheTotalIsRefusedFromItsHeaders() throws {
        _ = try scratch.makeArchive([.file("zeros", bytes: Data(count: 8 << 20))])
        #expect(try Data(contentsOf: scratch.archive).count < 64 << 10, "small on disk")
        scratch.expectRefused(.tooLarge, limits: ArchiveLimits(maxTotalBytes: 1 << 20))
    }

    @Test func filesThatAddUpPastTheTotalAreRefused() throws {
        _ = try scratch.makeArchive((1...3).map { .file("part\($0)", bytes: Data(count: 512 << 10)) })
        scratch.expectRefused(.tooLarge, limits: ArchiveLimits(maxTotalBytes: 1 << 20))
        try PackageArchive.unpack(scratch.archive, into: scratch.destination, limits: ArchiveLimits(maxTotalBytes: 3 << 19))
    }

    @Test func aFilePastTheEntryLimitIsRefusedFromItsHeader() throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file("big", bytes: Data(count: 2 << 20))])
        scratch.expectRefused(.entryTooLarge, entry: "big", limits: ArchiveLimits(maxEntryBytes: 1 << 20))
    }

    /// Headers that understate the size: 8 MiB of zeros announced as 1,000 bytes, so the header
    /// passes every limit. The bytes actually produced are counted while extracting and the file
    /// is refused at the first chunk past its declared size, whatever the limits.
    @Test(arguments: [ArchiveLimits.standard, ArchiveLimits(maxTotalBytes: 1 << 20), ArchiveLimits(maxEntryBytes: 1 << 20)])
    func aHeaderThatUnderstatesTheSizeIsRefusedWhileExpanding(_ limits: ArchiveLimits) throws {
        _ = try scratch.makeArchive([.file("ok.txt"), .file("bomb", bytes: Data(count: 8 << 20))])
        try scratch.patchArchive { zip in zip.setUncompressedSize(1, 1000) }
        #expect(try Data(contentsOf: scratch.archive).count < 64 << 10, "small on disk")
        scratch.expectRefused(.malformed, entry: "bomb", limits: limits)
    }

    @Test func tooManyEntries() throws {
        _ = try scratch.makeArchive((1...11).map { .file("file\($0)") })
        scratch.expectRefused(.tooManyEntries, limits: ArchiveLimits(maxEntries: 10))
        try PackageArchive.unpack(scratch.archive, into: scratch.destination, limits: ArchiveLimits(maxEntries: 11))
    }

    // MARK: - Destination

    @Test func aNonEmptyDestinationIsRefusedAndKept() throws {
        try makeArchive()
        try FileManager.default.createDirectory(at: scratch.destination, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: scratch.destination.appendingPathComponent("keep.txt"))
        let error = #expect(throws: ArchiveError.self) { try PackageArchive.unpack(scratch.archive, into: scratch.destination) }
        #expect(error?.code == .destinationExists)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.destination.path) == ["keep.txt"])
        #expect(scratch.leftovers() == ["out"])
    }

    @Test func aFileOrALinkAsDestinationIsRefused() throws {
        try makeArchive()
        try Data("mine".utf8).write(to: scratch.destination)
        let onFile = #expect(throws: ArchiveError.self) { try PackageArchive.unpack(scratch.archive, into: scratch.destination) }
        #expect(onFile?.code == .destinationExists)
        try FileManager.default.removeItem(at: scratch.destination)
        let empty = scratch.root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: scratch.destination, withDestinationURL: empty)
        let onLink = #expect(throws: ArchiveError.self) { try PackageArchive.unpack(scratch.archive, into: scratch.destination) }
        #expect(onLink?.code == .destinationExists)
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path) == [])
    }

    @Test func aMissingParentFolderIsAnIOError() throws {
        try makeArchive()
        let error = #expect(throws: ArchiveError.self) {
            try PackageArchive.unpack(scratch.archive, into: scratch.root.appendingPathComponent("missing/out"))
        }
        #expect(error?.code == .io)
        #expect(scratch.leftovers() == [])
    }

    @Test func errorsDescribeThemselves() {
        let error = ArchiveError(code: .pathEscapes, message: "entry '../x' leaves the folder", entry: "../x", cause: "test")
        #expect(error.description == "[archive.path_escapes] entry '../x' leaves the folder (cause: test)")
    }
}
