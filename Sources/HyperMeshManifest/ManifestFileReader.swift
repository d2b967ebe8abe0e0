import Foundation

/// Reads a manifest file from disk with a size limit, turning file-system failures into
/// ``ManifestError``s (`fileNotFound`, `unreadable`, `tooLarge`).
enum ManifestFileReader {
    static func read(_ file: URL, limit: Int) throws(ManifestError) -> Data {
        let path = file.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ManifestError(
                code: .fileNotFound,
                message: "no \(Manifest.fileName) in \(file.deletingLastPathComponent().path); every extension package folder needs one",
                source: path)
        }
        guard !isDirectory.boolValue else {
            throw ManifestError(code: .unreadable, message: "\(Manifest.fileName) is a folder, not a file", source: path)
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw ManifestError(
                code: .unreadable, message: "cannot read \(Manifest.fileName): \(error.localizedDescription)",
                source: path, cause: String(describing: error))
        }
        guard data.count <= limit else {
            throw ManifestError(
                code: .tooLarge, message: "the manifest is larger than the maximum of \(limit) bytes", source: path)
        }
        return data
    }
}
