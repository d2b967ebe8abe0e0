import Foundation
import NIOCore

/// Splits a streamed gateway answer (watch, keep-alive) into its messages: the gateway writes one
/// JSON object per line (`{"result":…}\n`), and chunk boundaries may fall anywhere, so bytes are
/// kept until a newline completes a message. A message longer than ``maximumLineBytes`` is refused.
struct EtcdJSONLines {
    /// Default 64 MiB: far above etcd's default request limit (1.5 MiB) times a batch of events.
    var maximumLineBytes = 64 * 1024 * 1024
    private var pending: [UInt8] = []

    /// The complete lines `buffer` finishes (without the newline; empty lines skipped).
    mutating func append(_ buffer: ByteBuffer, endpoint: String) throws(EtcdError) -> [Data] {
        var lines: [Data] = []
        for byte in buffer.readableBytesView {
            if byte == UInt8(ascii: "\n") {
                if pending.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) {
                    lines.append(Data(pending))
                }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        guard pending.count <= maximumLineBytes else {
            throw EtcdError(.protocolViolation, subject: endpoint, "a streamed message is longer than \(maximumLineBytes) bytes")
        }
        return lines
    }

    /// What is left after the stream ended: the last message when it was not newline-terminated.
    var remainder: Data? {
        pending.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) ? Data(pending) : nil
    }
}
