#if canImport(Glibc)
import Glibc
#endif

/// Carries a worker's standard error to the host's log: the worker writes into a pipe, and a
/// thread of the host reads it and writes each line, prefixed with the worker's pid and extension,
/// to the host's standard error (or appends it to a file). An extension therefore cannot print a
/// line that looks like the host's own: every byte it writes ends up after the prefix, with
/// control characters (an escape sequence, a carriage return, a bare newline inside a line) shown
/// as `\xNN`.
///
/// A dedicated thread, not a Swift concurrency task: it blocks in `read`. It ends when the worker's
/// end of the pipe closes (the worker exited). Lines longer than ``longestLine`` bytes are cut
/// (`…` marks the cut) and the rest of the line is dropped.
enum WorkerLogRelay {
    static let longestLine = 4096

    /// Starts the thread reading `descriptor` (which it closes at the end).
    static func start(reading descriptor: Int32, workerPID: pid_t, extensionID: String, appendingTo path: String?) {
        let output: Int32 = path.map { open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600) } ?? dup(2)
        let context = Unmanaged.passRetained(RelayContext(input: descriptor, output: output,
                                                         prefix: "hypermesh-sandbox[\(workerPID)] \(sanitized(Array(extensionID.utf8))): "))
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { argument in
            let context = Unmanaged<RelayContext>.fromOpaque(argument!).takeRetainedValue()
            context.run()
            return nil
        }, context.toOpaque())
        if created == 0 {
            pthread_detach(thread)
        } else {
            context.release()
            close(descriptor)
            if output >= 0 { close(output) }
        }
    }

    /// `bytes` with every control character, DEL and byte that is not part of valid UTF-8 shown as
    /// `\xNN` (a tab stays a tab).
    static func sanitized(_ bytes: [UInt8]) -> String {
        var text = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x09 || (byte >= 0x20 && byte < 0x7F) {
                text.unicodeScalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            if byte >= 0xC2, let (scalar, length) = decodeScalar(bytes, at: index), scalar.value >= 0xA0 {
                text.unicodeScalars.append(scalar)
                index += length
                continue
            }
            text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            index += 1
        }
        return text
    }

    private static func decodeScalar(_ bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        let first = bytes[index]
        let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
        guard first < 0xF5, index + length <= bytes.count else { return nil }
        var decoder = UTF8()
        var iterator = bytes[index..<index + length].makeIterator()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return (scalar, length) }
        return nil
    }
}

private final class RelayContext {
    let input: Int32
    let output: Int32
    let prefix: String

    init(input: Int32, output: Int32, prefix: String) {
        self.input = input
        self.output = output
        self.prefix = prefix
    }

    func run() {
        defer {
            close(input)
            if output >= 0 { close(output) }
        }
        var line: [UInt8] = []
        var cut = false
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            for byte in chunk[0..<count] {
                if byte == 0x0A {
                    emit(line, cut: cut)
                    line.removeAll(keepingCapacity: true)
                    cut = false
                } else if line.count < WorkerLogRelay.longestLine {
                    line.append(byte)
                } else {
                    cut = true
                }
            }
        }
        if !line.isEmpty { emit(line, cut: cut) }
    }

    private func emit(_ line: [UInt8], cut: Bool) {
        guard output >= 0 else { return }
        let text = prefix + WorkerLogRelay.sanitized(line) + (cut ? "…" : "") + "\n"
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
        bytes.removeAll()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
