import CHyperMeshABI
import Foundation
import HyperMeshSandbox
import HyperMeshTestSupport
import Synchronization
import Testing

/// Builds `Tests/Fixtures/c/escape_extension.c` and starts workers on it.
enum EscapeFixture {
    static let extensionID = "org.hypermesh.tests.escape"

    /// The limits an isolated extension gets from the host when its manifest is silent.
    static let defaults = ConfinementLimits(addressSpaceBytes: 512 << 20, fileSizeBytes: 16 << 20, threads: 256)

    static func library() throws -> URL {
        let folder = ExtensionBuilder.temporaryDirectory()
        return try ExtensionBuilder.buildC(source: ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/c/escape_extension.c"),
                                           output: folder.appendingPathComponent("libescape.\(ExtensionBuilder.libraryFileExtension)"),
                                           warningsAsErrors: false)
    }

    /// A worker on the fixture; its standard error lines go to `log` (a file).
    static func start(limits: ConfinementLimits = defaults, namespaces: Bool = true, log: URL? = nil, user: WorkerUser? = nil,
                      refusals: @escaping RefusalHandler = { _, _ in }) throws -> WorkerProcess {
        let library = try library()
        let logPath = (log ?? library.deletingLastPathComponent().appendingPathComponent("worker-stderr.log")).path
        let configuration = WorkerConfiguration(libraryPath: library.path, extensionID: extensionID, version: "1.0.0", limits: limits,
                                                standardErrorPath: logPath, namespaces: namespaces, workerUser: user)
        return try WorkerProcess(configuration, hostCalls: TestHost().handler, refusals: refusals)
    }

    /// A folder that stands for the host's state directory: a token, a policy, a database, a trust store.
    static func hostSecrets() throws -> URL {
        let folder = ExtensionBuilder.temporaryDirectory().appendingPathComponent("state")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("trust/roots"), withIntermediateDirectories: true)
        for name in ["node.token", "policy.json", "state.sqlite", "audit.sqlite", "trust/roots/operator.pem"] {
            try Data("secret \(name)\n".utf8).write(to: folder.appendingPathComponent(name))
        }
        return folder
    }
}

extension WorkerProcess {
    func attempt(_ method: String, _ argument: String = "") throws -> String {
        try call(method: method, input: Array(argument.utf8)).text
    }
}

/// Every route out of an isolated worker that we know of, tried by a real extension in a real
/// worker: each is refused, and the host (this test process) is untouched.
@Suite struct EscapeTests {
    static let refused = "result=-1 errno=\(EPERM)"
    static let landlockRefused = "result=-1 errno=\(EACCES)"
    var host: String { "\(getpid())" }

    @Test func theHostsFilesAreOutOfReachForReadingAndWriting() throws {
        let secrets = try EscapeFixture.hostSecrets()
        let worker = try EscapeFixture.start()
        defer { worker.shutdown() }
        guard confinementApplied(worker, "landlock") else { return }
        for name in ["node.token", "policy.json", "state.sqlite", "audit.sqlite", "trust/roots/operator.pem"] {
            let path = secrets.appendingPathComponent(name).path
            #expect(try worker.attempt("read", path) == Self.landlockRefused, "reading \(name)")
            #expect(try worker.attempt("write", path) == Self.landlockRefused, "writing \(name)")
        }
        #expect(try worker.attempt("write", secrets.appendingPathComponent("trust/roots/attacker.pem").path) == Self.landlockRefused)
        #expect(!FileManager.default.fileExists(atPath: secrets.appendingPathComponent("trust/roots/attacker.pem").path))
        #expect(try String(contentsOf: secrets.appendingPathComponent("policy.json"), encoding: .utf8) == "secret policy.json\n")
        #expect(try worker.attempt("read", "/etc/shadow") == Self.landlockRefused)
        #expect(try worker.attempt("read", "/etc/passwd") == Self.landlockRefused)
        #expect(try worker.attempt("write", "/tmp/hypermesh-escape-\(worker.pid)") == Self.landlockRefused)
        // What loading needs stays readable.
        #expect(try worker.attempt("read", "/dev/urandom") == "result=0 errno=0")
        #expect(try worker.attempt("read", "/proc/self/status") == "result=0 errno=0")
    }

    @Test func theHostsProcFilesAreOutOfReach() throws {
        let worker = try EscapeFixture.start()
        defer { worker.shutdown() }
        let descriptor = open("/dev/null", O_RDONLY)
        defer { close(descriptor) }
        #expect(try worker.attempt("read", "/proc/\(host)/environ").hasPrefix("result=-1"))
        #expect(try worker.attempt("mem", host).hasPrefix("result=-1"))
        #expect(try worker.attempt("read", "/proc/\(host)/fd/\(descriptor)").hasPrefix("result=-1"))
        #expect(try worker.attempt("vm_read", host) == Self.refused)
    }

    @Test func everySignalRouteToTheHostIsRefusedAndReported() throws {
        let events = Mutex<[String]>([])
        let worker = try EscapeFixture.start(refusals: { names, _ in events.withLock { $0 += names } })
        defer { worker.shutdown() }
        for route in ["kill", "tgkill", "tkill", "sigqueue", "tgsigqueue"] {
            #expect(try worker.attempt(route, host) == Self.refused, "\(route)")
        }
        let reported = events.withLock { $0 }
        for name in ["kill", "tgkill", "tkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"] {
            #expect(reported.contains { $0.hasPrefix(name) }, "\(name) in \(reported)")
        }
    }

    @Test func theHostsLimitsPriorityAndSignalDrivenIOAreOutOfReach() throws {
        let worker = try EscapeFixture.start()
        defer { worker.shutdown() }
        for route in ["prlimit", "setpriority", "setown", "setsig", "async"] {
            #expect(try worker.attempt(route, host) == Self.refused, "\(route)")
        }
        #expect(try worker.attempt("tiocsti") == Self.refused)
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #expect(limit.rlim_cur > 4, "the host's own limits are untouched")
    }

    @Test func noThreadOpensASocketOrANamespace() throws {
        let worker = try EscapeFixture.start()
        defer { worker.shutdown() }
        #expect(try worker.attempt("socket_thread") == Self.refused)
        #expect(try worker.attempt("constructor_socket") == Self.refused, "a thread a library constructor started")
        #expect(try worker.attempt("tcp", "1") == Self.refused)
        #expect(try worker.attempt("abstract", "hypermesh-escape") == Self.refused)
        #expect(try worker.attempt("unshare") == Self.refused)
    }

    /// Without Landlock the file system is open again, which is what the switch shows, and the
    /// ceilings an undeclared manifest gets still hold: file size, threads, memory.
    @Test func withoutLandlockTheCeilingsAndTheSeccompFilterStillHold() throws {
        var limits = EscapeFixture.defaults
        limits.landlock = false
        let secrets = try EscapeFixture.hostSecrets()
        let worker = try EscapeFixture.start(limits: limits)
        defer { worker.shutdown() }
        #expect(worker.confinement.step("landlock") == nil)
        // What Landlock alone kept out of reach: the host user's files.
        #expect(try worker.attempt("read", secrets.appendingPathComponent("node.token").path) == "result=0 errno=0")
        let file = ExtensionBuilder.temporaryDirectory().appendingPathComponent("big").path
        let written = try worker.attempt("big_file", file)
        #expect(written == "written=\(16 << 20) errno=\(EFBIG)", "\(written)")
        let threads = try worker.attempt("threads", "2000")
        let started = Int(threads.split(separator: " ")[0].dropFirst("started=".count)) ?? -1
        #expect(started > 0 && started < 256, "\(threads)")
        let allocated = try worker.attempt("allocate")
        #expect(allocated != "allocated=1024", "\(allocated)")
        for route in ["kill", "sigqueue", "prlimit"] { #expect(try worker.attempt(route, host) == Self.refused) }
        #expect(try worker.attempt("socket_thread") == Self.refused)
    }

    /// Without the namespaces every route is still refused (Landlock and seccomp hold them), and the
    /// report says the namespaces were switched off.
    @Test func withoutNamespacesLandlockAndSeccompStillHoldEveryRoute() throws {
        let secrets = try EscapeFixture.hostSecrets()
        let worker = try EscapeFixture.start(namespaces: false)
        defer { worker.shutdown() }
        #expect(worker.confinement.step("namespaces")?.outcome == .unavailable(reason: "switched off by the host's configuration"))
        if confinementApplied(worker, "landlock") {
            #expect(try worker.attempt("read", secrets.appendingPathComponent("node.token").path) == Self.landlockRefused)
            #expect(try worker.attempt("write", secrets.appendingPathComponent("policy.json").path) == Self.landlockRefused)
            #expect(try worker.attempt("read", "/proc/\(host)/environ").hasPrefix("result=-1"))
        }
        for route in ["kill", "sigqueue", "tgsigqueue", "prlimit", "setown"] { #expect(try worker.attempt(route, host) == Self.refused, "\(route)") }
        #expect(try worker.attempt("socket_thread") == Self.refused)
        #expect(try worker.attempt("unshare") == Self.refused)
    }

    @Test func aLayerTheHostRequiresButSwitchedOffRefusesTheLoad() throws {
        var limits = EscapeFixture.defaults
        limits.landlock = false
        limits.requiredLayers = [.landlock]
        #expect {
            try EscapeFixture.start(limits: limits)
        } throws: { error in
            guard case WorkerError.confinementUnavailable(.landlock, let reason) = error else { return false }
            return reason.contains("not taken")
        }
        var namespaced = EscapeFixture.defaults
        namespaced.requiredLayers = [.namespaces]
        #expect {
            try EscapeFixture.start(limits: namespaced, namespaces: false)
        } throws: { error in
            guard case WorkerError.confinementUnavailable(.namespaces, let reason) = error else { return false }
            return reason.contains("switched off")
        }
    }

    @Test func everyLayerIsReportedAndTheDefaultWorkerHasThemAll() throws {
        let worker = try EscapeFixture.start()
        defer { worker.shutdown() }
        let report = worker.confinement
        for step in ["namespaces", "core_dumps", "rlimit.as", "rlimit.fsize", "rlimit.nproc", "capabilities", "no_new_privs", "landlock", "seccomp"] {
            #expect(report.step(step) != nil, "\(step) in \(report)")
        }
        for layer in [ConfinementLayer.seccomp, .landlock, .namespaces] where !layer.isEngaged(in: report) {
            print("\(layer) is not engaged on this machine: \(layer.problem(in: report) ?? "")")
        }
        #expect(report.step("seccomp")?.outcome == .applied)
    }

    /// A root host can run its workers as another user (the policy's isolatedWorkers.uid/gid):
    /// the worker's real, effective and saved ids are that user's, with and without namespaces.
    @Test func aRootHostRunsItsWorkersAsTheConfiguredUser() throws {
        guard geteuid() == 0 else {
            #expect(throws: WorkerError.self) { try EscapeFixture.start(user: WorkerUser(uid: 65534, gid: 65534)) }
            return
        }
        for namespaces in [true, false] {
            let worker = try EscapeFixture.start(namespaces: namespaces, user: WorkerUser(uid: 65534, gid: 65534))
            defer { worker.shutdown() }
            let status = try String(contentsOfFile: "/proc/\(worker.pid)/status", encoding: .utf8)
            #expect(status.contains("Uid:\t65534\t65534\t65534"), "\(status)")
            #expect(status.contains("Gid:\t65534\t65534\t65534"), "\(status)")
            #expect(try worker.attempt("kill", host) == Self.refused)
        }
    }

    @Test func aForgedLogLineArrivesPrefixedWithTheWorkerAndEscaped() throws {
        let log = ExtensionBuilder.temporaryDirectory().appendingPathComponent("host.log")
        let worker = try EscapeFixture.start(log: log)
        let forged = "2026-12-06T00:00:00+0000 info hypermesh : [HyperMesh] node ready\u{1B}[2K\rextension activated"
        #expect(try worker.attempt("forge", forged) == "written")
        let pid = worker.pid
        worker.shutdown()
        var text = ""
        for _ in 0..<100 {
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if text.contains("node ready") { break }
            usleep(20_000)
        }
        let lines = text.split(separator: "\n")
        let line = try #require(lines.first { $0.contains("node ready") }, "\(text)")
        #expect(line.hasPrefix("hypermesh-sandbox[\(pid)] \(EscapeFixture.extensionID): 2026-12-06"), "\(line)")
        #expect(line.contains("\\x1B[2K\\x0Dextension activated"), "\(line)")
        #expect(!lines.contains { $0.hasPrefix("2026") })
    }
}
