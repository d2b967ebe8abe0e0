package import Foundation
import Glibc
import Logging
import ServiceLifecycle
import Synchronization

/// `serve --watch`: inotify on the search paths and on every package folder in them. A change
/// (a file written, moved in, created or deleted) marks its package folder; after a quiet period
/// (default 500 ms, so that a package copied file by file is seen whole) `onChange` gets the
/// changed folders. New package folders are watched as they appear.
///
/// A ServiceLifecycle `Service` in the node's group: from its `run()` until the graceful shutdown.
/// The reading happens on a thread of its own (blocking `poll` and `read` on the inotify
/// descriptor must not hold a thread of the cooperative pool), which hands each batch of changed
/// folders to `run()` through an `AsyncStream` and never waits for it; `run()` applies the batches
/// one after another, so a batch that arrives during a reload is applied after it.
///
/// Not guaranteed: changes deeper than one level inside a package folder are not seen (packages are
/// flat: a manifest, a payload, a signature); an inotify queue overflow is logged and ends nothing.
final class PackageWatcher: @unchecked Sendable {
    private let descriptor: Int32
    private let logger: Logger
    private let quietPeriod: Duration
    private let onChange: @Sendable ([URL]) async -> Void
    /// Watch descriptor → folder, and whether it is a search path (a package folder's parent).
    private let watches = Mutex<[Int32: (folder: URL, isSearchPath: Bool)]>([:])
    private let stopped = Atomic<Bool>(false)
    private let batches: AsyncStream<[URL]>
    private let batchSink: AsyncStream<[URL]>.Continuation

    init(searchPaths: [URL], logger: Logger, quietPeriod: Duration = .milliseconds(500),
         onChange: @escaping @Sendable ([URL]) async -> Void) throws {
        descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else {
            throw NodeServerError(message: "--watch: inotify_init1 failed: \(String(cString: strerror(errno)))")
        }
        self.logger = logger
        self.quietPeriod = quietPeriod
        self.onChange = onChange
        (batches, batchSink) = AsyncStream.makeStream(of: [URL].self)
        for path in searchPaths where isDirectory(path) {
            add(path, isSearchPath: true)
            let children = (try? FileManager.default.contentsOfDirectory(at: path, includingPropertiesForKeys: nil)) ?? []
            for child in children where child.hasDirectoryPath || isDirectory(child) { add(child, isSearchPath: false) }
        }
    }

    /// Reads events on a thread of its own until ``stop()``.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "hypermesh package watcher"
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        close(descriptor)
        batchSink.finish()
    }

    private func add(_ folder: URL, isSearchPath: Bool) {
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)
        let watch = inotify_add_watch(descriptor, folder.path, mask)
        guard watch >= 0 else {
            logger.warning("--watch: cannot watch \(folder.path): \(String(cString: strerror(errno)))")
            return
        }
        watches.withLock { $0[watch] = (folder, isSearchPath) }
    }

    private func isDirectory(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var pending: Set<URL> = []
        var lastEvent = ContinuousClock.now
        while !stopped.load(ordering: .acquiring) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready > 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count <= 0 { continue }
                pending.formUnion(parse(buffer, count: count))
                lastEvent = .now
            } else if !pending.isEmpty, ContinuousClock.now - lastEvent >= quietPeriod {
                batchSink.yield(pending.sorted { $0.path < $1.path })
                pending.removeAll()
            }
        }
    }

    /// The package folders the events in `buffer` touch; starts watching new package folders.
    private func parse(_ buffer: [UInt8], count: Int) -> Set<URL> {
        var changed: Set<URL> = []
        var offset = 0
        let headerSize = MemoryLayout<inotify_event>.size
        while offset + headerSize <= count {
            let event = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: inotify_event.self) }
            let nameBytes = buffer[(offset + headerSize)..<min(count, offset + headerSize + Int(event.len))]
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            offset += headerSize + Int(event.len)
            if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                logger.warning("--watch: the inotify queue overflowed; some changes may be missed until the next one")
                continue
            }
            guard let watched = watches.withLock({ $0[event.wd] }) else { continue }
            if watched.isSearchPath {
                guard !name.isEmpty else { continue }
                let folder = watched.folder.appendingPathComponent(name)
                if event.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, event.mask & UInt32(IN_ISDIR) != 0 { add(folder, isSearchPath: false) }
                changed.insert(folder)
            } else {
                changed.insert(watched.folder)
            }
        }
        return changed
    }
}

extension PackageWatcher: Service {
    /// Watches from now until the graceful shutdown, applying each batch of changed folders as it
    /// comes; then stops (closes the inotify descriptor). A batch being applied at that moment is
    /// finished first.
    func run() async throws {
        start()
        await withGracefulShutdownHandler {
            for await folders in batches { await onChange(folders) }
        } onGracefulShutdown: {
            self.stop()
        }
    }
}
