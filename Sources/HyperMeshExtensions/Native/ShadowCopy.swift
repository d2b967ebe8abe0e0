import Foundation

/// A private copy of a native library under the state dir, mapped by a hot reload or by an
/// isolated worker (made by ``VerifiedPayload/privateCopy(of:stateDirectory:)``, which checks the
/// bytes it copies). `dlopen` of a path that is already open returns the library already mapped, so
/// a new version of a library replaced in place (or a second instance of the same file) needs a
/// path of its own.
///
/// Layout: `<state dir>/shadow/<extension id>/<version>-<random>/<file name>`. The folder is removed
/// when the image it served is retired; a Swift library stays mapped after that (its file is gone,
/// its pages are not).
enum ShadowCopy {
    static func make(of payload: URL, stateDirectory: URL, extensionID: String, version: String) throws(ExtensionError) -> URL {
        let copy = try newFolder(stateDirectory: stateDirectory, extensionID: extensionID, version: version)
            .appendingPathComponent(payload.lastPathComponent)
        do {
            try FileManager.default.copyItem(at: payload, to: copy)
        } catch {
            remove(copy, stateDirectory: stateDirectory)
            throw ExtensionError(.libraryOpenFailed, extensionID: extensionID, "cannot make a shadow copy of \(payload.path) for the reload", cause: "\(error)")
        }
        return copy
    }

    /// Creates a new, empty folder for one shadow copy: `<state dir>/shadow/<extension id>/<version>-<random>`
    /// (owner only).
    static func newFolder(stateDirectory: URL, extensionID: String, version: String) throws(ExtensionError) -> URL {
        let folder = stateDirectory.appendingPathComponent("shadow").appendingPathComponent(extensionID)
            .appendingPathComponent("\(version)-\(UUID().uuidString.prefix(8).lowercased())")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ExtensionError(.libraryOpenFailed, extensionID: extensionID, "cannot create the folder \(folder.path) for a private copy of the library", cause: "\(error)")
        }
        return folder
    }

    /// Removes the folder of a shadow copy made under `stateDirectory`; no effect on any other
    /// path (a library mapped from its package folder, wherever that is).
    static func remove(_ copy: URL, stateDirectory: URL) {
        guard isShadowCopy(copy, stateDirectory: stateDirectory) else { return }
        try? FileManager.default.removeItem(at: copy.deletingLastPathComponent())
    }

    /// Whether `path` has the layout of a shadow copy under `stateDirectory`:
    /// `<state dir>/shadow/<extension id>/<folder>/<file name>`.
    static func isShadowCopy(_ path: URL, stateDirectory: URL) -> Bool {
        let shadowRoot = path.standardizedFileURL.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return shadowRoot.path == stateDirectory.appendingPathComponent("shadow").standardizedFileURL.path
    }
}
