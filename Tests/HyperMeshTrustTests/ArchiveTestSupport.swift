import Foundation
import HyperMeshTestSupport
import HyperMeshTrust
import Testing
import ZIPFoundation

/// One entry of a hand-built test archive.
struct TestEntry: Sendable {
    enum Kind: Sendable {
        case file
        case folder
        case link
    }

    var name: String
    var kind: Kind = .file
    var data = Data()
    var deflate = false

    static func file(_ name: String, _ text: String = "content", compression: CompressionMethod = .none) -> TestEntry {
        TestEntry(name: name, data: Data(text.utf8), deflate: compression == .deflate)
    }

    static func file(_ name: String, bytes: Data, compression: CompressionMethod = .deflate) -> TestEntry {
        TestEntry(name: name, data: bytes, deflate: compression == .deflate)
    }

    static func folder(_ name: String) -> TestEntry {
        TestEntry(name: name, kind: .folder)
    }

    static func link(_ name: String, to target: String) -> TestEntry {
        TestEntry(name: name, kind: .link, data: Data(target.utf8))
    }

    var zipType: Entry.EntryType {
        switch kind {
        case .file: .file
        case .folder: .directory
        case .link: .symlink
        }
    }
}

/// A scratch folder with an archive path and a destination path inside it.
struct ArchiveScratch {
    let root = ExtensionBuilder.temporaryDirectory()
    var archive: URL { root.appendingPathComponent("package.hmx") }
    var destination: URL { root.appendingPathComponent("out") }

    /// Writes an archive with ZIPFoundation's writer, exactly as given (hostile names included).
    func makeArchive(_ entries: [TestEntry]) throws -> URL {
        let archive = try Archive(url: self.archive, accessMode: .create)
        for entry in entries {
            let data = entry.data
            let provider: Provider = { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
            try archive.addEntry(with: entry.name, type: entry.zipType, uncompressedSize: Int64(data.count),
                                 compressionMethod: entry.deflate ? .deflate : .none, provider: provider)
        }
        return self.archive
    }

    /// Rewrites the archive's bytes.
    func patchArchive(_ change: (inout ZipBytes) throws -> Void) throws {
        var bytes = ZipBytes(data: try Data(contentsOf: archive))
        try change(&bytes)
        try bytes.data.write(to: archive)
    }

    /// Unpacking must fail with `code` (naming `entry` when given) and leave nothing behind: no
    /// destination, no staging folder, nothing but the archive in the scratch folder.
    func expectRefused(_ code: ArchiveError.Code, entry: String? = nil, limits: ArchiveLimits = .standard,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: ArchiveError.self, sourceLocation: sourceLocation) {
            try PackageArchive.unpack(archive, into: destination, limits: limits)
        }
        #expect(error?.code == code, "\(String(describing: error))", sourceLocation: sourceLocation)
        if let entry {
            #expect(error?.entry == entry, sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: destination.path), sourceLocation: sourceLocation)
        #expect(leftovers() == [], sourceLocation: sourceLocation)
    }

    /// Everything in the scratch folder except the archive.
    func leftovers() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { $0 != archive.lastPathComponent }.sorted()
    }
}

/// An archive's bytes, with the offsets of its records, for making damaged or lying archives out
/// of well-formed ones (written by ZIPFoundation: no archive comment, no extra fields).
struct ZipBytes {
    var data: Data

    private func uint16(at offset: Int) -> Int { Int(data[offset]) | Int(data[offset + 1]) << 8 }
    private func uint32(at offset: Int) -> Int { uint16(at: offset) | uint16(at: offset + 2) << 16 }

    mutating func setUInt16(_ value: Int, at offset: Int) {
        data[offset] = UInt8(value & 0xFF)
        data[offset + 1] = UInt8((value >> 8) & 0xFF)
    }

    mutating func setUInt32(_ value: Int, at offset: Int) {
        setUInt16(value & 0xFFFF, at: offset)
        setUInt16((value >> 16) & 0xFFFF, at: offset + 2)
    }

    var endRecordOffset: Int { data.count - 22 }

    /// Where the central directory record of entry `index` starts.
    func centralRecord(_ index: Int) -> Int {
        var offset = uint32(at: endRecordOffset + 16)
        for _ in 0..<index {
            offset += 46 + uint16(at: offset + 28) + uint16(at: offset + 30) + uint16(at: offset + 32)
        }
        return offset
    }

    /// Where the local header of entry `index` starts.
    func localHeader(_ index: Int) -> Int { uint32(at: centralRecord(index) + 42) }

    /// Where the data of entry `index` starts.
    func dataOffset(_ index: Int) -> Int {
        let header = localHeader(index)
        return header + 30 + uint16(at: header + 26) + uint16(at: header + 28)
    }

    func compressedSize(_ index: Int) -> Int { uint32(at: centralRecord(index) + 20) }

    /// Sets the uncompressed size in both the central record and the local header.
    mutating func setUncompressedSize(_ index: Int, _ size: Int) {
        setUInt32(size, at: centralRecord(index) + 24)
        setUInt32(size, at: localHeader(index) + 22)
    }

    mutating func setCompressedSize(_ index: Int, _ size: Int) {
        setUInt32(size, at: centralRecord(index) + 20)
        setUInt32(size, at: localHeader(index) + 18)
    }

    /// Sets the general-purpose flags in both headers.
    mutating func setFlags(_ index: Int, _ flags: Int) {
        setUInt16(flags, at: centralRecord(index) + 8)
        setUInt16(flags, at: localHeader(index) + 6)
    }

    /// Sets the compression method in both headers.
    mutating func setMethod(_ index: Int, _ method: Int) {
        setUInt16(method, at: centralRecord(index) + 10)
        setUInt16(method, at: localHeader(index) + 8)
    }

    /// Sets the Unix mode (type and permission bits) stored in the central record.
    mutating func setUnixMode(_ index: Int, _ mode: Int) {
        setUInt32(mode << 16, at: centralRecord(index) + 38)
    }

    /// Sets the entry count of the end record.
    mutating func setEntryCount(_ count: Int) {
        setUInt16(count, at: endRecordOffset + 8)
        setUInt16(count, at: endRecordOffset + 10)
    }
}

/// Bytes that do not compress (a fixed linear congruential sequence).
func noiseBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> Data {
    var state = seed
    var bytes = Data(count: count)
    for index in 0..<count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes[index] = UInt8(truncatingIfNeeded: state >> 56)
    }
    return bytes
}
