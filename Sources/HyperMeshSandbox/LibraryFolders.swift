#if canImport(Glibc)
import Glibc
#endif

/// Works out the folders a payload's shared-library dependencies resolve to, so that Landlock can
/// allow exactly those: the payload's `DT_NEEDED` entries (and theirs, transitively), looked up as
/// the dynamic loader does — `DT_RPATH` (without `DT_RUNPATH`), `DT_RUNPATH`, then the system
/// library folders (`/etc/ld.so.conf` and its includes, the multiarch and default folders). A
/// dependency the worker has already loaded (its C library, its Swift runtime) is matched by name,
/// as the loader matches it, and not opened again: its folder is not allowed.
///
/// A folder is allowed only if it is trusted: a system library folder, a folder the worker has
/// already mapped a library from (its own runtime), or a folder inside the package. A dependency
/// found anywhere else (an `RPATH` of `/`, `$ORIGIN/..`, a state directory) is not allowed: the
/// loader will then fail with a permission error that names it, instead of the payload being
/// given read access to it. Hand-written: no ELF reader among the project's dependencies, and only
/// the dynamic section of a 64-bit little-endian file is needed.
///
/// Not guaranteed: `dlopen` calls the payload makes at run time are not followed (their libraries
/// must already be in an allowed folder); 32-bit and big-endian files yield no dependencies; a
/// loaded library whose soname differs from its file name is resolved again (harmless).
public struct LibraryFolders: Sendable {
    /// The paths of the shared objects mapped into the worker now (from `/proc/self/maps`).
    public var mappedLibraries: [String]
    private let systemFoldersOverride: [String]?

    /// - Parameters:
    ///   - systemFolders: the loader's folders; nil: read them (only if a dependency needs them).
    ///   - mappedLibraries: the libraries loaded already; default: this process's.
    public init(systemFolders: [String]? = nil, mappedLibraries: [String] = LibraryFolders.librariesMappedNow()) {
        self.systemFoldersOverride = systemFolders
        self.mappedLibraries = mappedLibraries
    }

    /// The folders (resolved, without symbolic links) the dependencies of `library` live in, and
    /// the dependencies that resolved to no trusted folder (by name, with where they were found).
    public func resolve(library: String) -> (folders: [String], refused: [String]) {
        let packageFolder = Self.realFolder(of: library) ?? Self.parent(of: library)
        let loaded = Set(mappedLibraries.map { $0.split(separator: "/").last.map(String.init) ?? $0 })
        var systemFolders: [String]?
        var trustedFolders: Set<String>?
        var folders: [String] = []
        var refused: [String] = []
        var pending = [library]
        var seen: Set<String> = [library]
        while let current = pending.popLast(), seen.count <= 256 {
            guard let dynamic = ELFDynamicSection.load(path: current) else { continue }
            let wanted = dynamic.needed.filter { !loaded.contains($0) }
            guard !wanted.isEmpty else { continue }
            let origin = Self.parent(of: current)
            let searchPath = (dynamic.runpath.isEmpty ? dynamic.rpath : []) + dynamic.runpath
            let system = systemFolders ?? (systemFoldersOverride ?? Self.systemLibraryFolders())
            systemFolders = system
            let expanded = searchPath.map { $0.replacingOrigin(with: origin) } + system
            for name in wanted {
                let candidates = name.contains("/") ? [name] : expanded.map { "\($0)/\(name)" }
                guard let found = candidates.first(where: { access($0, R_OK) == 0 && ELFDynamicSection.isELF(path: $0) }),
                      let folder = Self.realFolder(of: found) else { continue }
                let trusted = trustedFolders ?? Set(system.compactMap { Self.realPath($0) } + mappedLibraries.compactMap { Self.realFolder(of: $0) })
                trustedFolders = trusted
                guard folder != "/", folder == packageFolder || folder.hasPrefix(packageFolder + "/") || trusted.contains(folder) else {
                    refused.append("\(name) at \(found)")
                    continue
                }
                if !folders.contains(folder) { folders.append(folder) }
                if seen.insert(found).inserted { pending.append(found) }
            }
        }
        return (folders, refused)
    }

    /// `/etc/ld.so.conf` (with its `include` lines, one level of globs) and the loader's defaults.
    public static func systemLibraryFolders() -> [String] {
        var folders: [String] = []
        func readConfiguration(_ path: String, depth: Int) {
            guard depth < 4, let text = FileText.read(path) else { return }
            for line in text.split(separator: "\n") {
                let trimmed = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                    .trimmingSpaces() ?? ""
                if trimmed.hasPrefix("include ") {
                    let pattern = String(trimmed.dropFirst("include ".count)).trimmingSpaces()
                    var matches = glob_t()
                    if glob(pattern, 0, nil, &matches) == 0 {
                        for index in 0..<Int(matches.gl_pathc) {
                            if let entry = matches.gl_pathv[index] { readConfiguration(String(cString: entry), depth: depth + 1) }
                        }
                    }
                    globfree(&matches)
                } else if trimmed.hasPrefix("/") {
                    folders.append(trimmed)
                }
            }
        }
        readConfiguration("/etc/ld.so.conf", depth: 0)
        #if arch(x86_64)
        let multiarch = "x86_64-linux-gnu"
        #else
        let multiarch = "aarch64-linux-gnu"
        #endif
        folders += ["/lib/\(multiarch)", "/usr/lib/\(multiarch)", "/lib64", "/usr/lib64", "/lib", "/usr/lib"]
        var unique: [String] = []
        for folder in folders where !unique.contains(folder) { unique.append(folder) }
        return unique
    }

    /// The shared objects mapped into this process (from `/proc/self/maps`), each path once.
    public static func librariesMappedNow() -> [String] {
        guard let maps = FileText.read("/proc/self/maps") else { return [] }
        var libraries: [String] = []
        var seen: Set<Substring> = []
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = line[slash...]
            guard path.contains(".so"), seen.insert(path).inserted else { continue }
            libraries.append(String(path))
        }
        return libraries
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The folder of `path` once every symbolic link is resolved (the file's own folder).
    static func realFolder(of path: String) -> String? {
        realPath(path).map(parent(of:))
    }
}

extension String {
    fileprivate func replacingOrigin(with origin: String) -> String {
        var text = ""
        var rest = Substring(self)
        while !rest.isEmpty {
            if rest.hasPrefix("${ORIGIN}") {
                text += origin
                rest = rest.dropFirst(9)
            } else if rest.hasPrefix("$ORIGIN") {
                text += origin
                rest = rest.dropFirst(7)
            } else {
                text.append(rest.removeFirst())
            }
        }
        return text
    }

    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return String(text)
    }
}

/// The `DT_NEEDED`, `DT_RPATH` and `DT_RUNPATH` entries of a 64-bit little-endian ELF file.
struct ELFDynamicSection: Equatable {
    var needed: [String] = []
    var rpath: [String] = []
    var runpath: [String] = []

    /// The largest file read: a shared library's headers and dynamic section are near its start
    /// or its segments, but a hostile file should not make the worker read gigabytes.
    static let largestFile = 512 << 20

    static func isELF(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var information = stat()
        guard fstat(fd, &information) == 0, (information.st_mode & S_IFMT) == S_IFREG else { return false }
        var magic = [UInt8](repeating: 0, count: 4)
        return read(fd, &magic, 4) == 4 && magic == [0x7F, 0x45, 0x4C, 0x46]
    }

    static func load(path: String) -> ELFDynamicSection? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var information = stat()
        guard fstat(fd, &information) == 0, (information.st_mode & S_IFMT) == S_IFREG,
              information.st_size >= 64, information.st_size <= largestFile else { return nil }
        let size = Int(information.st_size)
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapping != MAP_FAILED else { return nil }
        defer { munmap(mapping, size) }
        return parse(UnsafeRawBufferPointer(start: mapping, count: size))
    }

    /// Parses the file's bytes; nil for anything that is not a well-formed 64-bit little-endian ELF.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ELFDynamicSection? {
        func u16(_ offset: Int) -> Int? { offset >= 0 && offset + 2 <= bytes.count ? Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) : nil }
        func u32(_ offset: Int) -> Int? { offset >= 0 && offset + 4 <= bytes.count ? Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) : nil }
        func u64(_ offset: Int) -> UInt64? { offset >= 0 && offset + 8 <= bytes.count ? bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) : nil }
        guard bytes.count >= 64, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46,
              bytes[4] == 2 /* 64-bit */, bytes[5] == 1 /* little-endian */,
              let headerOffset = u64(32), let headerSize = u16(54), let headerCount = u16(56),
              headerSize >= 56, headerOffset < UInt64(bytes.count) else { return nil }
        var loads: [(virtual: UInt64, offset: UInt64, size: UInt64)] = []
        var dynamic: (offset: Int, size: Int)?
        for index in 0..<headerCount {
            let base = Int(headerOffset) + index * headerSize
            guard let type = u32(base), let offset = u64(base + 8), let virtual = u64(base + 16), let fileSize = u64(base + 32) else { return nil }
            if type == 1 { loads.append((virtual, offset, fileSize)) }
            if type == 2, offset < UInt64(bytes.count), fileSize <= UInt64(bytes.count) { dynamic = (Int(offset), Int(fileSize)) }
        }
        guard let dynamic else { return ELFDynamicSection() }
        func fileOffset(ofAddress address: UInt64) -> Int? {
            for load in loads where address >= load.virtual && address - load.virtual < load.size {
                let offset = load.offset + (address - load.virtual)
                return offset < UInt64(bytes.count) ? Int(offset) : nil
            }
            return nil
        }
        var strings: UInt64?
        var entries: [(tag: UInt64, value: UInt64)] = []
        var position = dynamic.offset
        while position + 16 <= dynamic.offset + dynamic.size, let tag = u64(position), let value = u64(position + 8), tag != 0 {
            if tag == 5 { strings = value }
            if tag == 1 || tag == 15 || tag == 29 { entries.append((tag, value)) }
            position += 16
        }
        guard let strings, let table = fileOffset(ofAddress: strings) else { return ELFDynamicSection() }
        func string(at index: UInt64) -> String? {
            guard index < UInt64(bytes.count), table + Int(index) < bytes.count else { return nil }
            let start = table + Int(index)
            var end = start
            while end < bytes.count, end - start < 4096, bytes[end] != 0 { end += 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        var section = ELFDynamicSection()
        for entry in entries.prefix(512) {
            guard let text = string(at: entry.value), !text.isEmpty else { continue }
            switch entry.tag {
            case 1: section.needed.append(text)
            case 15: section.rpath += text.split(separator: ":").map(String.init)
            default: section.runpath += text.split(separator: ":").map(String.init)
            }
        }
        return section
    }
}
