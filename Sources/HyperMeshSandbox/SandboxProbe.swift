#if canImport(Glibc)
import Glibc
#endif
import CHyperMeshSandbox

/// `hypermesh doctor`'s probe: a `hypermesh-sandbox --probe` process, started like a worker (the
/// same namespaces, the same ``Confinement`` with the default limits of an isolated extension),
/// tries the routes out of a worker that the escape tests try, and reports for each whether the
/// kernel refused it; the host adds which layers are engaged.
///
/// The probe loads no extension: its "package folder" is a temporary folder the host makes. A route
/// reported `open` is a route an isolated extension has on this machine.
public enum SandboxProbe {
    /// One route and what happened to it.
    public struct Route: Sendable, Equatable {
        public var name: String
        /// True when the kernel refused it.
        public var refused: Bool
        public var detail: String
    }

    /// The probe's findings.
    public struct Report: Sendable {
        public var confinement: ConfinementReport
        public var routes: [Route]
        /// Each layer engaged or not, with why.
        public var layers: [(layer: ConfinementLayer, engaged: Bool, detail: String)] {
            ConfinementLayer.allCases.map { layer in
                let problem = layer.problem(in: confinement)
                let steps = layer.steps(in: confinement).map(\.description).joined(separator: "; ")
                return (layer, problem == nil, problem ?? steps)
            }
        }
    }

    /// What went wrong when the probe could not run.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The limits the probe confines itself with: an isolated extension's defaults.
    static let limits = ConfinementLimits(addressSpaceBytes: 512 << 20, fileSizeBytes: 16 << 20, threads: 256)

    /// Runs a probe and waits for its report (at most `deadline`).
    public static func run(executablePath: String? = nil, deadline: Duration = .seconds(10)) throws(Failure) -> Report {
        let executable: String
        do throws(WorkerError) { executable = try WorkerProcess.locateExecutable(executablePath) } catch { throw Failure(description: "\(error)") }
        var template = Array("/tmp/hypermesh-probe-XXXXXX".utf8CString)
        guard let folderPointer = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(description: "cannot make a temporary folder: \(SystemCalls.describe(errno))")
        }
        let folder = String(cString: folderPointer)
        let secret = "\(folder)/host-secret"
        // The probe's "package folder" (what Landlock lets it read) is a folder of its own, beside
        // the host's secret, as a package folder is beside the host's state directory.
        mkdir("\(folder)/package", 0o755)
        defer {
            unlink(secret)
            unlink("\(folder)/written-by-the-probe")
            rmdir("\(folder)/package")
            rmdir(folder)
        }
        _ = FileText.write(secret, "a file of the host's user that a worker must not read\n", creating: true)
        var sockets: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0 else {
            throw Failure(description: "socketpair: \(SystemCalls.describe(errno))")
        }
        defer { close(sockets[0]) }
        let configuration = WorkerConfiguration(libraryPath: "\(folder)/package/probe", extensionID: "probe", version: "0")
        let spawned: WorkerSpawner.Spawned
        do throws(WorkerError) {
            spawned = try WorkerSpawner.spawn(executable, socket: sockets[1], configuration: configuration,
                                              arguments: ["--probe", folder, "\(getpid())"])
        } catch {
            close(sockets[1])
            throw Failure(description: "\(error)")
        }
        close(sockets[1])
        WorkerLogRelay.start(reading: spawned.standardError, workerPID: spawned.pid, extensionID: "probe", appendingTo: nil)
        let text = readAll(sockets[0], deadline: deadline)
        let exit = WorkerProcess.reap(spawned.pid, kill: text == nil)
        guard let text else { throw Failure(description: "the probe did not answer within \(deadline) (\(exit))") }
        var report = Report(confinement: ConfinementReport(steps: [spawned.namespaces]), routes: [])
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            if fields.count == 4, fields[0] == "step" {
                let outcome: ConfinementOutcome = fields[2] == "applied" ? .applied
                    : fields[2].hasPrefix("unavailable: ") ? .unavailable(reason: String(fields[2].dropFirst(13)))
                    : .failed(reason: String(fields[2].dropFirst(min(8, fields[2].count))))
                report.confinement.steps.append(ConfinementStep(fields[1], outcome, detail: fields[3]))
            } else if fields.count == 4, fields[0] == "route" {
                report.routes.append(Route(name: fields[1], refused: fields[2] == "refused", detail: fields[3]))
            }
        }
        guard !report.routes.isEmpty else { throw Failure(description: "the probe reported nothing (\(exit))") }
        return report
    }

    private static func readAll(_ descriptor: Int32, deadline: Duration) -> String? {
        let end = ContinuousClock.now + deadline
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = end - ContinuousClock.now
            guard left > .zero else { return nil }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            let ready = poll(&entry, 1, max(milliseconds, 1))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes += chunk[0..<count]
            if bytes.count > 1 << 20 { return String(decoding: bytes, as: UTF8.self) }
        }
    }

    // MARK: - The probe process

    /// `hypermesh-sandbox --probe FOLDER HOSTPID`: confines itself, tries each route, writes the
    /// report to fd 3 (tab-separated lines), exits 0.
    static func probe(folder: String, host: pid_t, output: Int32) -> Int32 {
        let report = Confinement.apply(limits, libraryPath: "\(folder)/package/probe")
        var lines: [String] = report.steps.map { step in
            "step\t\(step.name)\t\("\(step.outcome)".replacingNewlines())\t\(step.detail.replacingNewlines())"
        }
        func route(_ name: String, _ result: Int, _ code: Int32) {
            lines.append(result < 0 ? "route\t\(name)\trefused\t\(SystemCalls.describe(code))" : "route\t\(name)\topen\tthe kernel allowed it")
        }
        func opening(_ path: String, _ flags: Int32) -> (Int, Int32) {
            let fd = open(path, flags | O_CLOEXEC, 0o600)
            let code = errno
            if fd >= 0 { close(fd) }
            return (Int(fd), code)
        }
        var (result, code) = opening("\(folder)/host-secret", O_RDONLY)
        route("read a file of the host's user", result, code)
        (result, code) = opening("\(folder)/written-by-the-probe", O_WRONLY | O_CREAT)
        route("write a file", result, code)
        (result, code) = opening("/proc/\(host)/environ", O_RDONLY)
        route("read /proc/<host>/environ", result, code)
        (result, code) = opening("/proc/\(host)/mem", O_RDWR)
        route("open /proc/<host>/mem read-write", result, code)
        errno = 0
        route("kill the host (signal 0)", Int(kill(host, 0)), errno)
        errno = 0
        route("sigqueue to the host (signal 0)", Int(sigqueue(host, 0, sigval(sival_int: 0))), errno)
        for (name, number) in [("rt_tgsigqueueinfo to the host (signal 0)", HYPERMESH_PROBE_TGSIGQUEUE), ("prlimit of the host", HYPERMESH_PROBE_PRLIMIT),
                               ("read the host's memory (process_vm_readv)", HYPERMESH_PROBE_VM_READ)] {
            let code = hypermesh_probe_route(Int32(number), host)
            route(name, code == 0 ? 0 : -1, code)
        }
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            errno = 0
            route("fcntl F_SETOWN to the host", Int(fcntl(ends[0], F_SETOWN, host)), errno)
            close(ends[0]); close(ends[1])
        }
        errno = 0
        let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        route("open a TCP socket", Int(tcp), errno)
        if tcp >= 0 { close(tcp) }
        let unshared = hypermesh_probe_route(Int32(HYPERMESH_PROBE_UNSHARE), host)
        route("unshare a user namespace", unshared == 0 ? 0 : -1, unshared)
        let text = lines.joined(separator: "\n") + "\n"
        _ = text.withCString { write(output, $0, strlen($0)) }
        return 0
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\t" ? " " : $0 })
    }
}
