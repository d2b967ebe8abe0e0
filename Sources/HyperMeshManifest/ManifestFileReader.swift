import Foundation

/// Reads a manifest file from disk with a size limit, turning file-system failures into
/// ``ManifestError``s (`fileNotFound`, `unreadable`, `tooLarge`).
///
/// Only a regular file is read (see ``RegularFile``): a FIFO, device, socket, folder or symbolic
/// link named `extension.json` is refused as `unreadable` at once, naming what it is, instead of
/// waiting on it.
enum ManifestFileReader {
    static func read(_ file: URL, limit: Int) throws(ManifestError) -> Data {
        try read(path: file.path, folder: file.deletingLastPathComponent().path, limit: limit)
    }

    /// Reads the manifest at `path`, in the package folder `folder` (named by errors).
    static func read(path: String, folder: String, limit: Int) throws(ManifestError) -> Data {
        do throws(RegularFileError) {
            return try RegularFile.contents(of: path, limit: limit)
        } catch {
            switch error {
            case .missing:
                throw ManifestError(
                    code: .fileNotFound,
                    message: "no \(Manifest.fileName) in \(folder); every extension package folder needs one",
                    source: path)
            case .notRegular(_, let kind):
                throw ManifestError(code: .unreadable, message: "\(Manifest.fileName) is a \(kind), not a regular file", source: path)
            case .tooLarge:
                throw ManifestError(
                    code: .tooLarge, message: "the manifest is larger than the maximum of \(limit) bytes", source: path)
            case .unreadable(_, let cause):
                throw ManifestError(
                    code: .unreadable, message: "cannot read \(Manifest.fileName): \(cause)", source: path, cause: cause)
            }
        }
    }
}
