import Foundation
import Synchronization

/// Where commands write. Defaults to the process's standard output and error; tests bind
/// ``current`` to a ``Console/capture()`` console to read what a command printed.
public final class Console: Sendable {
    @TaskLocal public static var current = Console()

    private final class Buffer: Sendable {
        let text = Mutex((out: "", err: ""))
        func withLock<T>(_ body: (inout (out: String, err: String)) -> T) -> T { text.withLock { body(&$0) } }
    }

    private let captured: Buffer?

    /// A console that writes to the process's stdout and stderr.
    public init() { captured = nil }

    private init(capturing: Bool) { captured = Buffer() }

    /// A console that keeps everything in memory.
    public static func capture() -> Console { Console(capturing: true) }

    public func out(_ text: String) {
        if let captured { captured.withLock { $0.out += text + "\n" } } else { print(text) }
    }

    public func err(_ text: String) {
        if let captured {
            captured.withLock { $0.err += text + "\n" }
        } else {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    /// What was written to standard output (captured consoles only).
    public var standardOutput: String { captured?.withLock { $0.out } ?? "" }
    /// What was written to standard error (captured consoles only).
    public var standardError: String { captured?.withLock { $0.err } ?? "" }
}
