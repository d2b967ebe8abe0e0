#if canImport(Glibc)
import Glibc
#endif

/// Why a frame could not be sent or received.
enum ChannelError: Error, Equatable {
    /// The peer closed the socket (end of file, reset or broken pipe).
    case closed
    /// No whole frame arrived before the deadline.
    case timedOut
    /// The bytes received are not a valid frame.
    case frame(FrameError)
    /// Any other system error.
    case system(String)
}

/// Frames over one connected stream socket: writes (`MSG_NOSIGNAL`, so a dead peer is an error,
/// not SIGPIPE) and reads, each with an optional deadline (`poll`). Not thread-safe: the owner
/// serializes use.
final class FrameChannel: @unchecked Sendable {
    let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// What one `recv` reads into: allocated once, not zero-filled again for every read.
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Encodes and sends `message`; blocks until it is sent, or until `deadline` when one is given.
    func send(_ message: SandboxMessage, deadline: ContinuousClock.Instant? = nil) throws(ChannelError) {
        let frame: [UInt8]
        do { frame = try FrameCodec.encode(message) } catch { throw .frame(error) }
        try send(frame: frame, deadline: deadline)
    }

    /// Sends an encoded frame. With a `deadline`, a peer that stops reading cannot hold the sender
    /// past it (`.timedOut`): the socket is written without blocking, and a full buffer is waited
    /// on with `poll` until the deadline.
    func send(frame: [UInt8], deadline: ContinuousClock.Instant?) throws(ChannelError) {
        let flags = Int32(MSG_NOSIGNAL) | (deadline == nil ? 0 : Int32(MSG_DONTWAIT))
        var offset = 0
        while offset < frame.count {
            let sent = frame.withUnsafeBytes { bytes in
                Glibc.send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, flags)
            }
            if sent < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK, let deadline {
                    try wait(for: Int16(POLLOUT), until: deadline)
                    continue
                }
                if code == EPIPE || code == ECONNRESET { throw .closed }
                throw .system("send: \(SystemCalls.describe(code))")
            }
            offset += sent
        }
    }

    /// The next message; waits until `deadline` (forever when nil).
    func receive(deadline: ContinuousClock.Instant? = nil) throws(ChannelError) -> SandboxMessage {
        while true {
            do {
                if let (message, size) = try FrameCodec.decodeFirst(buffer[start...]) {
                    start += size
                    if start == buffer.count {
                        buffer.removeAll(keepingCapacity: buffer.count <= 1 << 20)
                        start = 0
                    }
                    return message
                }
            } catch {
                throw .frame(error)
            }
            try fill(deadline: deadline)
        }
    }

    private func fill(deadline: ContinuousClock.Instant?) throws(ChannelError) {
        if let deadline { try wait(for: Int16(POLLIN), until: deadline) }
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        while true {
            let count = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == ECONNRESET { throw .closed }
                throw .system("recv: \(SystemCalls.describe(code))")
            }
            if count == 0 {
                if buffer.count > start {
                    let need = (try? FrameCodec.frameLength(header: buffer[start...])) ?? nil
                    throw .frame(.truncatedFrame(have: buffer.count - start, need: need ?? SandboxProtocol.headerSize))
                }
                throw .closed
            }
            buffer += scratch[0..<count]
            return
        }
    }

    /// Waits until the socket is ready for `events`, or throws `.timedOut` at `deadline`.
    private func wait(for events: Int16, until deadline: ContinuousClock.Instant) throws(ChannelError) {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { throw .timedOut }
            let (seconds, attoseconds) = left.components
            let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
            let timeout = overflow ? Int32.max : Int32(clamping: milliseconds &+ attoseconds / 1_000_000_000_000_000 &+ 1)
            let ready = poll(&entry, 1, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .system("poll: \(SystemCalls.describe(errno))")
            }
            if ready > 0 { return }
        }
    }
}
