import Foundation
import NIOCore
import Testing

@testable import HyperMeshFleet

@Suite("etcd streamed message framing")
struct EtcdJSONLinesTests {
    @Test("messages split across chunks and several messages in one chunk come out whole and in order")
    func reassemblesLines() throws {
        var lines = EtcdJSONLines()
        #expect(try lines.append(ByteBuffer(string: "{\"result\":{\"a"), endpoint: "e").isEmpty)
        let first = try lines.append(ByteBuffer(string: "\":1}}\n{\"result\":2}\n\r\n{\"res"), endpoint: "e")
        #expect(first.map { String(decoding: $0, as: UTF8.self) } == ["{\"result\":{\"a\":1}}", "{\"result\":2}"])
        #expect(try lines.append(ByteBuffer(string: "ult\":3}"), endpoint: "e").isEmpty)
        #expect(lines.remainder.map { String(decoding: $0, as: UTF8.self) } == "{\"result\":3}")
    }

    @Test("a message longer than the bound is refused as a protocol violation")
    func refusesOversizedLines() {
        var lines = EtcdJSONLines()
        lines.maximumLineBytes = 8
        let error = #expect(throws: EtcdError.self) { try lines.append(ByteBuffer(string: "0123456789"), endpoint: "e") }
        #expect(error?.code == .protocolViolation)
    }

    @Test("prefix ranges end after the last key with the prefix")
    func prefixRanges() {
        #expect(EtcdKeyRange.prefix("/a/").rangeEnd == Data("/a0".utf8))
        #expect(EtcdKeyRange.prefix("").key == Data([0]) && EtcdKeyRange.prefix("").rangeEnd == Data([0]))
        #expect(EtcdKeyRange.single("/a").rangeEnd == nil)
    }
}
