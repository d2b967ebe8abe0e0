import CHyperMeshABI
import Foundation
import HyperMeshSandbox
import HyperMeshTestSupport
import Synchronization
import Testing

/// Builds `Tests/Fixtures/c/isolated_extension.c` (once per process, through ExtensionBuilder's
/// cache) and starts workers on it.
enum IsolatedFixture {
    static let extensionID = "org.hypermesh.tests.isolated"
    static let version = "1.0.0"

    static var source: URL {
        ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/c/isolated_extension.c")
    }

    static func library() throws -> URL {
        let folder = ExtensionBuilder.temporaryDirectory()
        return try ExtensionBuilder.buildC(source: source, output: folder.appendingPathComponent("libisolated.\(ExtensionBuilder.libraryFileExtension)"))
    }

    /// A worker on the fixture with `limits`; its standard error goes to a temporary file.
    static func start(
        limits: ConfinementLimits = ConfinementLimits(), deadline: Duration = .seconds(10),
        extensionID: String = extensionID, host: TestHost = TestHost()
    ) throws -> WorkerProcess {
        let library = try library()
        let log = library.deletingLastPathComponent().appendingPathComponent("worker-stderr.log").path
        let configuration = WorkerConfiguration(
            libraryPath: library.path, extensionID: extensionID, version: version, limits: limits,
            callDeadline: deadline, standardErrorPath: log)
        return try WorkerProcess(configuration, hostCalls: host.handler)
    }
}

/// The host side of the tests' host calls: storage in a dictionary, every call recorded, every
/// function but storage and log refused.
final class TestHost: Sendable {
    let calls = Mutex<[HostCallRequest]>([])
    let storage = Mutex<[String: [UInt8]]>([:])
    let refuseStorage: Bool
    /// When set, `storage_get` answers this many bytes, whatever was stored.
    let storageAnswerBytes: Int?

    init(refuseStorage: Bool = false, storageAnswerBytes: Int? = nil) {
        self.refuseStorage = refuseStorage
        self.storageAnswerBytes = storageAnswerBytes
    }

    var handler: HostCallHandler {
        { [self] request in
            calls.withLock { $0.append(request) }
            switch request.function {
            case "storage_put" where !refuseStorage && request.arguments.count == 2:
                storage.withLock { $0[String(decoding: request.arguments[0], as: UTF8.self)] = request.arguments[1] }
                return HostCallReply(status: HYPERMESH_OK)
            case "storage_get" where !refuseStorage && request.arguments.count == 1:
                if let storageAnswerBytes { return HostCallReply(status: HYPERMESH_OK, output: [UInt8](repeating: 7, count: storageAnswerBytes)) }
                let key = String(decoding: request.arguments[0], as: UTF8.self)
                guard let value = storage.withLock({ $0[key] }) else {
                    return HostCallReply(status: HYPERMESH_ERR_NOT_FOUND, message: "no key \(key)")
                }
                return HostCallReply(status: HYPERMESH_OK, output: value)
            case "log":
                return HostCallReply(status: HYPERMESH_OK)
            default:
                return HostCallReply(status: HYPERMESH_ERR_PERMISSION_DENIED, message: "\(request.function) is not granted")
            }
        }
    }
}

extension WorkerReply {
    var text: String { String(decoding: output, as: UTF8.self) }
}

/// Whether the worker reports `step` applied; when it reports it unavailable, the test records
/// why and returns false (the mechanism does not exist here); a failure is a test failure.
func confinementApplied(_ worker: WorkerProcess, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    guard let reported = worker.confinement.step(step) else {
        Issue.record("the worker did not report \(step):\n\(worker.confinement)", sourceLocation: sourceLocation)
        return false
    }
    switch reported.outcome {
    case .applied: return true
    case .unavailable(let reason):
        print("\(step) is unavailable on this machine: \(reason)")
        return false
    case .failed(let reason):
        Issue.record("\(step) failed: \(reason)", sourceLocation: sourceLocation)
        return false
    }
}
