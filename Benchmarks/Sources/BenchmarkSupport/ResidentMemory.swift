import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What this process holds in memory, read from `/proc/self` (Linux only).
public enum ResidentMemory {
    /// The resident set size in bytes: the second field of `/proc/self/statm` (pages) × the page
    /// size. File-backed pages of a mapped library count while they are mapped and resident, even
    /// after the file was deleted.
    public static func residentBytes() throws(BenchmarkSetupError) -> Int {
        let text = try read("/proc/self/statm")
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else {
            throw BenchmarkSetupError(.sanityCheckFailed, "unexpected /proc/self/statm: \(text)")
        }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// How many mappings the process has: the lines of `/proc/self/maps`. A library's image is
    /// several mappings (text, read-only data, relocated data, bss), so an image that stays mapped
    /// shows here even when few of its pages are resident.
    public static func mappingCount() throws(BenchmarkSetupError) -> Int {
        try read("/proc/self/maps").utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    /// Reads a whole /proc file with read(2) until end of file. (Foundation sizes its read by
    /// `stat`, which reports 0 bytes for /proc files, and may stop short.)
    private static func read(_ path: String) throws(BenchmarkSetupError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw BenchmarkSetupError(.sanityCheckFailed, "cannot open \(path) (the memory benchmarks need Linux's /proc)",
                                      cause: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw BenchmarkSetupError(.sanityCheckFailed, "cannot read \(path)", cause: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
