#if canImport(Glibc)
import Glibc
#endif
import CHyperMeshSandbox

/// Landlock for a worker: after it, the worker (every thread, and every thread it starts) may only
/// read and execute what loading its extension needs, and write nothing.
///
/// Allowed (read files, read folders, execute; nothing else): the package's own folder, the
/// library folders its payload's dependencies resolve to (``LibraryFolders``), `/dev/null`,
/// `/dev/urandom`, the worker's own `/proc/<pid>` (`/proc/self`) and `/etc/ld.so.cache`. Handled,
/// and so denied everywhere else: every file-system right the kernel's ABI knows (writing,
/// creating, removing, renaming across folders, truncating, device ioctls); TCP bind and connect
/// (ABI 4); abstract Unix sockets and signals to processes outside the worker (ABI 6).
///
/// Best effort by ABI: a right that the kernel's ABI cannot enforce is named in the report
/// (``LandlockRights/unenforced``). Not guaranteed: Landlock does not restrict `stat`, `chdir` or
/// path lookups (an extension can learn that a path exists), nor access through descriptors the
/// worker held before (its socket, standard error).
public enum Landlock {
    /// The kernel's Landlock ABI version, or why there is none.
    public static func abi() -> Result<Int, LandlockUnavailable> {
        let value = hypermesh_landlock_abi()
        if value > 0 { return .success(Int(value)) }
        return .failure(LandlockUnavailable(errno: -value))
    }

    /// Applies the ruleset to the calling process. `paths`: what to allow (folders or files that
    /// do not exist are skipped and named in the detail).
    static func apply(allowing paths: [String]) -> ConfinementStep {
        let abi: Int
        switch Self.abi() {
        case .success(let value): abi = value
        case .failure(let reason): return ConfinementStep("landlock", .unavailable(reason: reason.description))
        }
        let rights = LandlockRights(abi: abi)
        let ruleset = hypermesh_landlock_create_ruleset(rights.handledFileSystem, rights.handledNetwork, rights.scoped)
        guard ruleset >= 0 else {
            return ConfinementStep("landlock", .failed(reason: "landlock_create_ruleset: \(SystemCalls.describe(-ruleset))"))
        }
        var allowed: [String] = []
        var skipped: [String] = []
        for path in paths {
            let access = LandlockRights.isFolder(path) ? rights.readAndExecute : rights.readFile
            let error = hypermesh_landlock_allow_path(ruleset, path, access)
            if error == 0 {
                allowed.append(path)
            } else if error == ENOENT || error == ENOTDIR || error == EACCES {
                skipped.append("\(path) (\(SystemCalls.describe(error)))")
            } else {
                close(ruleset)
                return ConfinementStep("landlock", .failed(reason: "landlock_add_rule \(path): \(SystemCalls.describe(error))"))
            }
        }
        let error = hypermesh_landlock_restrict_self(ruleset)
        guard error == 0 else {
            return ConfinementStep("landlock", .failed(reason: "landlock_restrict_self: \(SystemCalls.describe(error))"))
        }
        var detail = "ABI \(abi); read and execute only: \(allowed.joined(separator: ", ")); no writes"
        if rights.handledNetwork != 0 { detail += "; no TCP bind or connect" }
        if rights.scoped != 0 { detail += "; signals and abstract Unix sockets scoped to the worker" }
        if !rights.unenforced.isEmpty { detail += "; not enforced by this kernel: \(rights.unenforced.joined(separator: ", "))" }
        if !skipped.isEmpty { detail += "; skipped: \(skipped.joined(separator: ", "))" }
        return ConfinementStep("landlock", .applied, detail: detail)
    }
}

/// Why the kernel offers no Landlock.
public struct LandlockUnavailable: Error, Sendable, CustomStringConvertible {
    public var errno: Int32

    public var description: String {
        switch errno {
        case ENOSYS: return "the kernel has no Landlock (built without it): \(SystemCalls.describe(errno))"
        case EOPNOTSUPP: return "Landlock is disabled at boot (lsm= does not list it): \(SystemCalls.describe(errno))"
        default: return "landlock_create_ruleset: \(SystemCalls.describe(errno))"
        }
    }
}

/// The rights a ruleset handles at one Landlock ABI version, and the ones it cannot.
public struct LandlockRights: Sendable, Equatable {
    public static let execute: UInt64 = 1 << 0
    public static let writeFile: UInt64 = 1 << 1
    public static let readFileRight: UInt64 = 1 << 2
    public static let readDirectory: UInt64 = 1 << 3
    static let abi1FileSystem: UInt64 = (1 << 13) - 1  // execute ... make_sym
    static let refer: UInt64 = 1 << 13                  // ABI 2
    static let truncate: UInt64 = 1 << 14               // ABI 3
    static let ioctlDevice: UInt64 = 1 << 15            // ABI 5
    static let bindTCP: UInt64 = 1 << 0                 // ABI 4
    static let connectTCP: UInt64 = 1 << 1              // ABI 4
    static let scopeAbstractUnixSocket: UInt64 = 1 << 0 // ABI 6
    static let scopeSignal: UInt64 = 1 << 1             // ABI 6

    public var abi: Int
    public var handledFileSystem: UInt64
    public var handledNetwork: UInt64
    public var scoped: UInt64
    /// The rights this ABI cannot enforce, by name.
    public var unenforced: [String]

    public init(abi: Int) {
        self.abi = abi
        var fileSystem = Self.abi1FileSystem
        var unenforced: [String] = []
        if abi >= 2 { fileSystem |= Self.refer } else { unenforced.append("linking or renaming files across folders (refer, ABI 2)") }
        if abi >= 3 { fileSystem |= Self.truncate } else { unenforced.append("truncate (ABI 3)") }
        if abi >= 5 { fileSystem |= Self.ioctlDevice } else { unenforced.append("ioctl on devices (ABI 5)") }
        handledFileSystem = fileSystem
        if abi >= 4 {
            handledNetwork = Self.bindTCP | Self.connectTCP
        } else {
            handledNetwork = 0
            unenforced.append("TCP bind and connect (ABI 4)")
        }
        if abi >= 6 {
            scoped = Self.scopeAbstractUnixSocket | Self.scopeSignal
        } else {
            scoped = 0
            unenforced.append("signals to other processes and abstract Unix sockets (scopes, ABI 6)")
        }
        self.unenforced = unenforced
    }

    /// Reading files and folders and executing (mapping libraries), within what this ABI handles.
    var readAndExecute: UInt64 { Self.execute | Self.readFileRight | Self.readDirectory }
    /// Reading one file (a rule on a file may not name folder rights).
    var readFile: UInt64 { Self.readFileRight }

    static func isFolder(_ path: String) -> Bool {
        var information = stat()
        return stat(path, &information) == 0 && (information.st_mode & S_IFMT) == S_IFDIR
    }
}
