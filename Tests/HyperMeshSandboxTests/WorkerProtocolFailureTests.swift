import Foundation
import HyperMeshSandbox
import HyperMeshTestSupport
import Testing

/// Workers that do not speak the protocol: shell scripts standing in for `hypermesh-sandbox`,
/// writing fixed bytes to fd 3. The host must answer with a typed error and kill them.
@Suite struct WorkerProtocolFailureTests {
    /// A script that writes `octal` (printf octal escapes) to fd 3, then sleeps.
    static func fakeWorker(_ octal: String) throws -> String {
        try script("#!/bin/sh\nprintf '\(octal)' >&3\nexec sleep 30\n")
    }

    /// Writes an executable script through a close-on-exec descriptor: a descriptor open for
    /// writing that leaks into a child spawned meanwhile by another test would make exec fail
    /// with ETXTBSY.
    static func script(_ text: String) throws -> String {
        let path = ExtensionBuilder.temporaryDirectory().appendingPathComponent("fake-sandbox").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        try #require(fd >= 0)
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        try #require(written == bytes.count)
        return path
    }

    static func start(_ executable: String) throws -> WorkerProcess {
        let configuration = WorkerConfiguration(executablePath: executable, libraryPath: "/nonexistent.so", extensionID: "org.x",
                                                version: "1.0.0", startDeadline: .seconds(5))
        return try WorkerProcess(configuration) { _ in HostCallReply(status: 0) }
    }

    @Test func aWorkerOfAnotherProtocolVersionIsRefused() throws {
        // hello: length 9, type 1, protocol 99, ABI 1.
        let fake = try Self.fakeWorker("\\011\\000\\000\\000\\001\\143\\000\\000\\000\\001\\000\\000\\000")
        #expect(throws: WorkerError.versionMismatch(host: SandboxProtocol.version, worker: 99)) { try Self.start(fake) }
    }

    @Test func anOversizedFrameIsAProtocolViolationNotACrash() throws {
        let fake = try Self.fakeWorker("\\377\\377\\377\\377\\001")
        #expect(throws: WorkerError.protocolViolation(.oversized(length: UInt32.max, maximum: SandboxProtocol.maximumFrameSize))) {
            try Self.start(fake)
        }
    }

    @Test func aWorkerThatSaysNothingIsKilledAtTheStartDeadline() throws {
        let fake = try Self.fakeWorker("")
        let configuration = WorkerConfiguration(executablePath: fake, libraryPath: "/nonexistent.so", extensionID: "org.x",
                                                version: "1.0.0", startDeadline: .milliseconds(300))
        #expect(throws: WorkerError.deadlineExceeded(during: "start", deadline: .milliseconds(300))) {
            try WorkerProcess(configuration) { _ in HostCallReply(status: 0) }
        }
    }

    @Test func aWorkerThatExitsBeforeAnsweringIsReportedWithItsExitStatus() throws {
        let path = try Self.script("#!/bin/sh\nexit 7\n")
        #expect(throws: WorkerError.crashed(.exited(7), during: "start")) { try Self.start(path) }
    }
}
