import CHyperMeshABI
import Foundation
import HyperMeshSandbox
import Testing

/// Real workers (`hypermesh-sandbox` next to the test executable) on the C fixture: round trips
/// with host calls, and every way an extension can take its worker down or be refused, with the
/// test process unharmed.
@Suite struct WorkerProcessTests {
    @Test func aCallRoundTripsAndHostCallsAreServedByTheHost() throws {
        let host = TestHost()
        let worker = try IsolatedFixture.start(host: host)
        defer { worker.shutdown() }
        #expect(worker.metadata == WorkerMetadata(abiVersion: HYPERMESH_ABI_VERSION, id: IsolatedFixture.extensionID, version: "1.0.0", name: "Isolated"))
        #expect(worker.pid != getpid())

        let echo = try worker.call(method: "echo", input: Array("ping".utf8))
        #expect(echo == WorkerReply(status: HYPERMESH_OK, output: Array("ping".utf8), message: nil))

        let put = try worker.call(method: "put", input: Array("hello".utf8))
        #expect(put.status == HYPERMESH_OK)
        #expect(put.text == "hello")
        #expect(host.storage.withLock { $0["greeting"] } == Array("hello".utf8))
        #expect(host.calls.withLock { $0.map(\.function) } == ["storage_put", "storage_get"])
        #expect(host.calls.withLock { $0.first?.arguments } == [Array("greeting".utf8), Array("hello".utf8)])

        let log = try worker.call(method: "log", input: Array("a line".utf8))
        #expect(log.text == "logged")
        #expect(host.calls.withLock { $0.last } == HostCallRequest(function: "log", arguments: [[2, 0, 0, 0], Array("a line".utf8)]))

        let unknown = try worker.call(method: "nope", input: [])
        #expect(unknown.status == HYPERMESH_ERR_UNKNOWN_METHOD)

        #expect(try worker.activate().status == HYPERMESH_OK)
        #expect(try worker.health() == nil)
        #expect(try worker.deactivate().status == HYPERMESH_OK)
        worker.shutdown()
        #expect(worker.exit == .exited(0))
        #expect(throws: WorkerError.notRunning(.exited(0))) { try worker.call(method: "echo", input: []) }
    }

    @Test func aRefusalByTheHostReachesTheExtensionWithItsMessage() throws {
        let worker = try IsolatedFixture.start(host: TestHost(refuseStorage: true))
        defer { worker.shutdown() }
        let put = try worker.call(method: "put", input: Array("x".utf8))
        #expect(put.status == HYPERMESH_ERR_PERMISSION_DENIED)
        #expect(put.message == "storage_put is not granted")
    }

    /// Sizes the protocol cannot carry are refused on the host side, and the worker goes on: a
    /// request is not sent; a host answer becomes QUOTA_EXCEEDED for the extension.
    @Test func sizesTheProtocolCannotCarryAreRefusedAndTheWorkerGoesOn() throws {
        let worker = try IsolatedFixture.start(host: TestHost(storageAnswerBytes: Int(SandboxProtocol.maximumFrameSize)))
        defer { worker.shutdown() }
        let huge = [UInt8](repeating: 1, count: Int(SandboxProtocol.maximumFrameSize))
        #expect(throws: WorkerError.self) { try worker.call(method: "echo", input: huge) }
        do {
            _ = try worker.call(method: "echo", input: huge)
        } catch {
            guard case .requestTooLarge = error else { Issue.record("\(error)"); return }
        }
        #expect(try worker.call(method: "echo", input: Array("still here".utf8)).text == "still here")
        let put = try worker.call(method: "put", input: Array("x".utf8))
        #expect(put.status == HYPERMESH_ERR_QUOTA_EXCEEDED)
        #expect(put.message?.contains("larger than the worker protocol carries") == true, "\(String(describing: put.message))")
        #expect(try worker.call(method: "echo", input: Array("and here".utf8)).text == "and here")
        #expect(worker.exit == nil)
    }

    /// A host call from an extension thread between requests is answered UNAVAILABLE by the worker
    /// itself (the host is not listening then), and never mixes with the next request's frames.
    @Test func aHostCallBetweenRequestsIsRefusedInTheWorker() throws {
        let host = TestHost()
        let worker = try IsolatedFixture.start(host: host)
        defer { worker.shutdown() }
        #expect(try worker.call(method: "late_host_call", input: []).text == "started")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try worker.call(method: "late_status", input: []).text == "status=\(HYPERMESH_ERR_UNAVAILABLE)")
        #expect(try worker.call(method: "echo", input: Array("after".utf8)).text == "after")
        #expect(!host.calls.withLock { $0 }.contains { $0.function == "storage_put" })
    }

    @Test func aNullDereferenceKillsOnlyTheWorkerAndIsReportedWithTheSignalAndTheCall() throws {
        let worker = try IsolatedFixture.start()
        #expect(throws: WorkerError.crashed(.signaled(SIGSEGV), during: "call crash")) {
            try worker.call(method: "crash", input: [])
        }
        #expect(worker.exit == .signaled(SIGSEGV))
        #expect(throws: WorkerError.notRunning(.signaled(SIGSEGV))) { try worker.call(method: "echo", input: []) }
        // This process is unharmed: a new worker starts and answers.
        let next = try IsolatedFixture.start()
        defer { next.shutdown() }
        #expect(try next.call(method: "echo", input: [1]).output == [1])
    }

    @Test func aCallThatNeverReturnsIsKilledAtTheDeadline() throws {
        let worker = try IsolatedFixture.start(deadline: .milliseconds(500))
        let started = ContinuousClock.now
        #expect(throws: WorkerError.deadlineExceeded(during: "call spin", deadline: .milliseconds(500))) {
            try worker.call(method: "spin", input: [])
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(500) && elapsed < .seconds(5))
        #expect(worker.exit == .signaled(SIGKILL))
    }

    @Test func cpuSecondsEndAWorkerThatSpinsWithSIGXCPU() throws {
        let worker = try IsolatedFixture.start(limits: ConfinementLimits(cpuSeconds: 1), deadline: .seconds(20))
        guard confinementApplied(worker, "rlimit.cpu") else { return worker.shutdown() }
        #expect(throws: WorkerError.crashed(.signaled(SIGXCPU), during: "call spin")) {
            try worker.call(method: "spin", input: [])
        }
    }

    @Test func allocatingPastTheAddressSpaceLimitEndsTheWorker() throws {
        let worker = try IsolatedFixture.start(limits: ConfinementLimits(addressSpaceBytes: 512 << 20))
        guard confinementApplied(worker, "rlimit.as") else { return worker.shutdown() }
        // The fixture writes through the NULL that malloc returns under the limit.
        #expect(throws: WorkerError.crashed(.signaled(SIGSEGV), during: "call allocate")) {
            try worker.call(method: "allocate", input: [])
        }
    }

    @Test func openingFilesStopsAtTheDescriptorLimit() throws {
        let worker = try IsolatedFixture.start(limits: ConfinementLimits(openFiles: 32))
        defer { worker.shutdown() }
        guard confinementApplied(worker, "rlimit.nofile") else { return }
        let reply = try worker.call(method: "open_files", input: [])
        let fields = Self.fields(reply.text)
        #expect(fields["errno"] == EMFILE, "\(reply.text)")
        #expect((fields["opened"] ?? 99) < 32 && (fields["opened"] ?? 0) > 20, "\(reply.text)")
        // The worker still answers: only the extension's own descriptors ran out.
        #expect(try worker.call(method: "echo", input: [7]).output == [7])
    }

    @Test func seccompRefusesSocketsProcessesAndProgramsButNotThreads() throws {
        let worker = try IsolatedFixture.start()
        defer { worker.shutdown() }
        print("confinement of the worker:\n\(worker.confinement)")
        #expect(confinementApplied(worker, "core_dumps"))
        _ = confinementApplied(worker, "no_new_privs")
        guard confinementApplied(worker, "seccomp") else { return }
        for method in ["socket", "fork", "exec"] {
            let reply = try worker.call(method: method, input: [])
            #expect(Self.fields(reply.text) == ["result": -1, "errno": EPERM], "\(method): \(reply.text)")
        }
        #expect(try worker.call(method: "thread", input: []).text == "thread=ok")
        // The worker's own socket still works after all that.
        #expect(try worker.call(method: "echo", input: [3]).output == [3])
    }

    @Test func cgroupLimitsAreAppliedOrReportedWithAReason() throws {
        let worker = try IsolatedFixture.start(limits: ConfinementLimits(cgroupMemoryBytes: 256 << 20, cgroupCPUPercent: 50))
        let report = worker.confinement
        print("cgroup steps:\n\(report.steps.filter { $0.name.hasPrefix("cgroup") }.map(\.description).joined(separator: "\n"))")
        for name in ["cgroup", "cgroup.memory", "cgroup.cpu"] where name == "cgroup" || report.step("cgroup")?.outcome.isApplied == true {
            let step = try #require(report.step(name), "\(name) is not reported")
            if case .failed(let reason) = step.outcome { Issue.record("\(name) failed: \(reason)") }
        }
        #expect(try worker.call(method: "echo", input: [5]).output == [5])
        worker.shutdown()
        // The cgroups it created are gone with it.
        for path in report.createdCgroups { #expect(!FileManager.default.fileExists(atPath: path), "\(path) was left behind") }
    }

    @Test func aLibraryThatIsNotTheExpectedExtensionIsRefusedByTheWorker() throws {
        do {
            let worker = try IsolatedFixture.start(extensionID: "org.hypermesh.tests.other")
            worker.shutdown()
            Issue.record("the worker loaded a library with another id")
        } catch let error as WorkerError {
            guard case .loadFailed(let status, let message, let confinement) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(status == HYPERMESH_ERR_INVALID_ARGUMENT)
            #expect(message?.contains("org.hypermesh.tests.isolated") == true)
            #expect(confinement.step("core_dumps") != nil)
        }
    }

    @Test func aMissingExecutableIsATypedError() throws {
        let configuration = WorkerConfiguration(executablePath: "/nonexistent/hypermesh-sandbox", libraryPath: "/x.so", extensionID: "a", version: "1.0.0")
        #expect(throws: WorkerError.executableNotFound("/nonexistent/hypermesh-sandbox")) {
            try WorkerProcess(configuration) { _ in HostCallReply(status: 0) }
        }
    }

    /// "result=-1 errno=1" as a dictionary.
    static func fields(_ text: String) -> [String: Int32] {
        var fields: [String: Int32] = [:]
        for pair in text.split(separator: " ") {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let value = Int32(parts[1]) { fields[String(parts[0])] = value }
        }
        return fields
    }
}
