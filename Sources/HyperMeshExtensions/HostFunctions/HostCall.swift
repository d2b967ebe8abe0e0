import CHyperMeshABI
import Foundation
import HyperMeshAudit

/// One admitted call of a ``HostFunction``, as its body sees it: who called and the arguments,
/// already checked against the function's parameters (text is valid UTF-8 and, unless allowed,
/// not empty; an `int32` is 4 bytes).
///
/// Not guaranteed: that the caller is still active when the body returns (an operator may
/// deactivate it meanwhile); a body must not keep the call.
public struct HostCall: Sendable {
    /// The calling extension.
    public var extensionID: String { context.extensionID }
    /// The arguments as bytes, in the function's parameter order.
    public let arguments: [[UInt8]]
    let context: HostContext

    init(context: HostContext, arguments: [[UInt8]]) {
        self.context = context
        self.arguments = arguments
    }

    /// The input of an app function (its one argument).
    public var input: [UInt8] { arguments.first ?? [] }

    /// Argument `index` as text (checked as UTF-8 before the body runs).
    public func text(_ index: Int) -> String {
        String(decoding: arguments[index], as: UTF8.self)
    }

    /// Argument `index` as an `int32` (checked as 4 bytes before the body runs).
    public func int32(_ index: Int) -> Int32 {
        let bytes = arguments[index]
        return Int32(bitPattern: UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
    }

    /// Writes a record of `kind` (default `host_calls`) to the host's audit log, attributed to the caller.
    public func audit(_ kind: AuditKind = .hostCalls, _ message: String, details: [String: String] = [:]) {
        context.security.audit.record(kind, extensionID, message, details: details)
    }

    /// Runs `work` as the host's own work: its CPU time is not charged to the caller's CPU quota
    /// (proving a consensus operation is the node's cost, not the extension's).
    public func asHostWork<T>(_ work: () throws -> T) rethrows -> T {
        try HostWorkCPU.measure(work)
    }
}
