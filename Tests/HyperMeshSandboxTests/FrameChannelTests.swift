#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import HyperMeshSandbox

/// A peer that stops reading cannot hold a sender that has a deadline: the host sends with the
/// call's deadline, so a worker that never reads its socket ends in `.timedOut`, not a hang.
@Suite struct FrameChannelTests {
    @Test func aSendToAPeerThatNeverReadsEndsAtTheDeadline() throws {
        var sockets: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &sockets) == 0)
        defer { close(sockets[0]); close(sockets[1]) }
        let channel = FrameChannel(descriptor: sockets[0])
        let frame = try FrameCodec.encode(.call(requestID: 1, method: "echo", input: [UInt8](repeating: 1, count: 8 << 20)))
        let started = ContinuousClock.now
        #expect(throws: ChannelError.timedOut) {
            try channel.send(frame: frame, deadline: .now + .milliseconds(200))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aSendWithADeadlineDeliversWhenThePeerReads() throws {
        var sockets: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &sockets) == 0)
        defer { close(sockets[0]); close(sockets[1]) }
        let sender = FrameChannel(descriptor: sockets[0])
        let receiver = FrameChannel(descriptor: sockets[1])
        let input = [UInt8](repeating: 3, count: 4 << 20)
        let writer = Thread { try? sender.send(.call(requestID: 9, method: "echo", input: input), deadline: .now + .seconds(30)) }
        writer.start()
        let received = try receiver.receive(deadline: .now + .seconds(30))
        #expect(received == .call(requestID: 9, method: "echo", input: input))
    }
}
