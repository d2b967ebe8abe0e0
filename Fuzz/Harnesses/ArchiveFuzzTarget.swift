import Foundation
import HyperMeshTrust

/// The `.hmx` archive: ``ZipCentralDirectory`` and the two-pass unpacker, through
/// ``PackageArchive/unpack(_:into:limits:)`` into a fresh folder per input.
///
/// Invariants, whatever the bytes: nothing is created outside the destination (the folder that
/// holds it contains only the archive and, after a success, the destination); a refused archive
/// leaves no destination behind; an accepted one holds no symlink that leads outside it and no
/// more bytes than the limits allow.
public struct ArchiveFuzzTarget: FuzzTarget {
    /// Small limits, so that size checks are reached with small inputs.
    static let limits = ArchiveLimits(maxEntries: 64, maxEntryBytes: 1 << 20, maxTotalBytes: 4 << 20)

    public init() {}
    public var name: String { "archive" }
    public var summary: String { ".hmx archives: the ZIP central directory, names, sizes, symlinks, and the unpacker (into a temporary folder)" }

    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        let fileManager = FileManager.default
        let root = fileManager.temporaryDirectory.appendingPathComponent("hypermesh-fuzz-archive-\(getpid())-\(UUID().uuidString)")
        defer { try? fileManager.removeItem(at: root) }
        let archive = root.appendingPathComponent("input.hmx")
        let destination = root.appendingPathComponent("out")
        do {
            try fileManager.createDirectory(at: root, withIntermediateDirectories: true)
            try Data(input).write(to: archive)
        } catch {
            throw FuzzFinding(name, "the harness cannot write its temporary archive", "\(error)")
        }
        let accepted: Bool
        do {
            try PackageArchive.unpack(archive, into: destination, limits: Self.limits)
            accepted = true
        } catch {
            accepted = false
        }
        let besides = ((try? fileManager.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
        let expected = accepted ? ["input.hmx", "out"] : ["input.hmx"]
        guard besides == expected else {
            throw FuzzFinding(name, accepted ? "unpacking wrote beside the destination" : "a refused archive left files behind",
                              besides.joined(separator: ", "))
        }
        guard accepted else { return }
        try checkTree(destination)
    }

    /// Every symlink resolves inside `destination`; the regular files add up to at most the limit.
    func checkTree(_ destination: URL) throws(FuzzFinding) {
        let base = destination.resolvingSymlinksInPath().path
        var total: Int64 = 0
        guard let walker = FileManager.default.enumerator(atPath: destination.path) else { return }
        while let relative = walker.nextObject() as? String {
            let path = destination.appendingPathComponent(relative).path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { continue }
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                guard resolved == base || resolved.hasPrefix(base + "/") else {
                    throw FuzzFinding(name, "an unpacked symlink leads outside the destination", "\(relative) → \(resolved)")
                }
            } else if attributes[.type] as? FileAttributeType == .typeRegular {
                total += (attributes[.size] as? NSNumber)?.int64Value ?? 0
            }
        }
        guard total <= Self.limits.maxTotalBytes else {
            throw FuzzFinding(name, "unpacked more bytes than the limit", "\(total) > \(Self.limits.maxTotalBytes)")
        }
    }

    public func seeds() throws -> [FuzzSeed] {
        let fileManager = FileManager.default
        let root = fileManager.temporaryDirectory.appendingPathComponent("hypermesh-fuzz-seeds-\(UUID().uuidString)")
        defer { try? fileManager.removeItem(at: root) }
        let package = root.appendingPathComponent("package")
        try fileManager.createDirectory(at: package.appendingPathComponent("assets/icons"), withIntermediateDirectories: true)
        try Data(#"{"id":"org.example.seed","version":"1.0.0"}"#.utf8).write(to: package.appendingPathComponent("extension.json"))
        try Data(repeating: 0x5A, count: 300).write(to: package.appendingPathComponent("libseed.so"))
        try Data("icon".utf8).write(to: package.appendingPathComponent("assets/icons/a.txt"))
        try fileManager.createSymbolicLink(atPath: package.appendingPathComponent("assets/current").path, withDestinationPath: "icons")
        let archive = root.appendingPathComponent("seed.hmx")
        try PackageArchive.pack(package, to: archive)
        return [FuzzSeed("package", Array(try Data(contentsOf: archive)))]
    }
}
