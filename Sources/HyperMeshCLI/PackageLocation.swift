import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HyperMeshTrust

/// A package named on the command line: a folder, or a `.hmx` archive unpacked into a temporary
/// folder (removed by ``close()``; ``commit()`` packs it back into the archive first).
struct PackageLocation {
    let directory: URL
    /// The archive, when the package was given as one.
    let archive: URL?

    static func open(_ path: String) throws -> PackageLocation {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw PackageError(code: .manifestMissing, message: "no package at \(path)", path: path)
        }
        if isDirectory.boolValue { return PackageLocation(directory: url, archive: nil) }
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("hypermesh-package-\(UUID().uuidString)")
        try PackageArchive.unpack(url, into: temporary)
        return PackageLocation(directory: temporary, archive: url)
    }

    /// Packs the folder back into the archive it came from (replacing it); nothing for a folder.
    func commit() throws {
        guard let archive else { return }
        let replacement = archive.deletingLastPathComponent().appendingPathComponent(".\(archive.lastPathComponent).new")
        try? FileManager.default.removeItem(at: replacement)
        try PackageArchive.pack(directory, to: replacement)
        // rename(2) replaces the archive atomically: readers see the old or the new one.
        guard rename(replacement.path, archive.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: replacement)
            throw ArchiveError(code: .io, message: "cannot replace \(archive.path)", entry: nil, cause: reason)
        }
    }

    /// Removes the temporary folder of an archive.
    func close() {
        if archive != nil { try? FileManager.default.removeItem(at: directory) }
    }
}
