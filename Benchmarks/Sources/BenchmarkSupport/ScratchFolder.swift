import Foundation
import HyperMeshTestSupport
import Synchronization

/// A temporary folder created on first use and removed by ``remove()``.
///
/// package-benchmark registers every benchmark in every benchmark process but runs only one per
/// process, so a suite creates one `ScratchFolder` per benchmark at registration (cheap: nothing
/// touches the disk) and the benchmark that runs creates it in its setup and removes it in its
/// teardown. Thread-safe.
public final class ScratchFolder: Sendable {
    private let created = Mutex<URL?>(nil)

    public init() {}

    /// The folder, created (empty, uniquely named, under the system's temporary folder) on first use.
    public var url: URL {
        created.withLock { folder in
            if let folder { return folder }
            let made = ExtensionBuilder.temporaryDirectory()
            folder = made
            return made
        }
    }

    /// Deletes the folder and everything in it, if it was created. Later uses create a new one.
    public func remove() {
        let folder = created.withLock { folder in
            defer { folder = nil }
            return folder
        }
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }
}
