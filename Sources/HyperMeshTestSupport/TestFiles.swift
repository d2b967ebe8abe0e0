import Foundation

/// File steps shared by the builders of this target, each failure a `TestSupportError` naming the path.
enum TestFiles {
    static func createDirectory(_ url: URL) throws(TestSupportError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw TestSupportError(code: .fileSystem, message: "cannot create \(url.path)", cause: "\(error)")
        }
    }

    static func copy(_ source: URL, to destination: URL) throws(TestSupportError) {
        guard source.standardizedFileURL != destination.standardizedFileURL else { return }
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: destination.path) {
                try FileManager.default.removeItem(at: destination)
            }
            try FileManager.default.copyItem(at: source, to: destination)
        } catch {
            throw TestSupportError(code: .fileSystem, message: "cannot copy \(source.path) to \(destination.path)", cause: "\(error)")
        }
    }
}
