import HyperMeshTestSupport
import Testing
@testable import HyperMeshSandbox

/// The wire protocol without I/O: every message round-trips, every malformed input is a typed error.
@Suite struct FrameCodecTests {
    static let limits = ConfinementLimits(addressSpaceBytes: 512 << 20, cpuSeconds: 10, openFiles: 64, fileSizeBytes: nil,
                                          cgroupMemoryBytes: 256 << 20, cgroupCPUPercent: nil, threads: 64, noNewPrivileges: true, seccomp: false,
                                          landlock: false, requiredLayers: [.landlock, .namespaces])
    static let report = ConfinementReport(
        steps: [ConfinementStep("rlimit.as", .applied, detail: "536870912"),
                ConfinementStep("cgroup", .unavailable(reason: "read-only"), detail: ""),
                ConfinementStep("seccomp", .failed(reason: "EFAULT"), detail: "x")],
        createdCgroups: ["/sys/fs/cgroup/hypermesh-1"])

    static let samples: [SandboxMessage] = [
        .hello(protocolVersion: SandboxProtocol.version, abiVersion: 1),
        .load(libraryPath: "/tmp/lib.so", extensionID: "org.example.ext", version: "1.2.3", limits: limits),
        .load(libraryPath: "", extensionID: "é", version: "0.0.1", limits: ConfinementLimits()),
        .loaded(status: 0, message: nil, metadata: WorkerMetadata(abiVersion: 1, id: "org.x", version: "1.0.0", name: "X"), confinement: report),
        .loaded(status: 1, message: "cannot load", metadata: nil, confinement: ConfinementReport()),
        .loaded(status: 0, message: nil, metadata: WorkerMetadata(abiVersion: 1, id: "org.x", version: "1.0.0", name: nil), confinement: report),
        .call(requestID: 7, method: "echo", input: Array("{\"a\":1}".utf8)),
        .call(requestID: UInt64.max, method: "", input: []),
        .result(requestID: 7, status: 0, output: [0, 1, 2, 255], message: nil),
        .result(requestID: 8, status: 3, output: [], message: "unknown method"),
        .hostCall(requestID: 1, request: HostCallRequest(function: "storage_put", arguments: [Array("k".utf8), [], [0, 0, 0]])),
        .hostCall(requestID: 2, request: HostCallRequest(function: "log", arguments: [])),
        .hostResult(requestID: 1, reply: HostCallReply(status: 0, output: Array("v".utf8), message: nil)),
        .hostResult(requestID: 2, reply: HostCallReply(status: 4, output: [], message: "denied")),
        .activate(requestID: 3), .activated(requestID: 3, status: 0, message: nil),
        .deactivate(requestID: 4), .deactivated(requestID: 4, status: 7, message: "busy"),
        .health(requestID: 5), .healthReport(requestID: 5, report: Array("{}".utf8)), .healthReport(requestID: 6, report: nil),
        .shutdown,
        .loaded(status: 0, message: nil, metadata: WorkerMetadata(abiVersion: 1, id: "org.x", version: "1.0.1", name: nil, exportsState: true, importsState: false),
                confinement: ConfinementReport()),
        .refused(requestID: 9, events: ["socket", "fork", "descriptor limit (32) reached"]), .refused(requestID: 10, events: []),
        .exportState(requestID: 11), .stateExported(requestID: 11, status: 0, state: [1, 2, 3], message: nil),
        .stateExported(requestID: 12, status: 8, state: [], message: "no"),
        .importState(requestID: 13, state: Array("state".utf8)), .stateImported(requestID: 13, status: 0, message: nil),
    ]

    @Test func everyMessageRoundTrips() throws {
        for message in Self.samples {
            let frame = try FrameCodec.encode(message)
            #expect(try FrameCodec.decode(frame: frame) == message)
            #expect(frame[4] == message.kind.rawValue)
            let length = UInt32(frame[0]) | UInt32(frame[1]) << 8 | UInt32(frame[2]) << 16 | UInt32(frame[3]) << 24
            #expect(Int(length) == frame.count - 4)
        }
        #expect(Set(Self.samples.map(\.kind)) == Set(SandboxMessage.Kind.allCases))
    }

    @Test func streamDecodingFindsFramesOneByOne() throws {
        let stream = try Self.samples.flatMap { try FrameCodec.encode($0) }
        var offset = 0
        var decoded: [SandboxMessage] = []
        while let (message, size) = try FrameCodec.decodeFirst(stream[offset...]) {
            decoded.append(message)
            offset += size
        }
        #expect(decoded == Self.samples)
        #expect(offset == stream.count)
        // Every proper prefix of a frame is "need more bytes", never an error.
        let frame = try FrameCodec.encode(Self.samples[1])
        for cut in 0..<frame.count {
            #expect(try FrameCodec.decodeFirst(frame[0..<cut]) == nil)
        }
    }

    @Test func everyTruncationOfEveryMessageIsATypedError() throws {
        for message in Self.samples {
            let frame = try FrameCodec.encode(message)
            for cut in 0..<frame.count {
                #expect(throws: FrameError.self) { try FrameCodec.decode(frame: Array(frame[0..<cut])) }
            }
            // A payload cut short inside a frame whose header agrees with it.
            if frame.count > 5 {
                for cut in 5..<frame.count {
                    let payload = frame[5..<cut]
                    #expect(throws: FrameError.self) { try FrameCodec.decodePayload(type: frame[4], payload) }
                }
            }
        }
    }

    @Test func oversizedAndEmptyFramesAreRefusedFromTheHeader() {
        let maximum = SandboxProtocol.maximumFrameSize
        let over = maximum + 1
        let header: [UInt8] = [UInt8(over & 0xff), UInt8(over >> 8 & 0xff), UInt8(over >> 16 & 0xff), UInt8(over >> 24), 4]
        #expect(throws: FrameError.oversized(length: over, maximum: maximum)) { try FrameCodec.decodeFirst(header[...]) }
        #expect(throws: FrameError.oversized(length: UInt32.max, maximum: maximum)) { try FrameCodec.decodeFirst([255, 255, 255, 255][...]) }
        #expect(throws: FrameError.emptyFrame) { try FrameCodec.decodeFirst([0, 0, 0, 0, 1][...]) }
        #expect(throws: FrameError.truncatedFrame(have: 2, need: 5)) { try FrameCodec.decode(frame: [1, 0]) }
        #expect(throws: FrameError.truncatedFrame(have: 5, need: 9)) { try FrameCodec.decode(frame: [5, 0, 0, 0, 4]) }
    }

    @Test func encodingAMessageAboveTheMaximumThrows() {
        let input = [UInt8](repeating: 7, count: Int(SandboxProtocol.maximumFrameSize))
        #expect(throws: FrameError.self) { try FrameCodec.encode(.call(requestID: 1, method: "big", input: input)) }
        // Just under the maximum is fine.
        let fits = [UInt8](repeating: 7, count: Int(SandboxProtocol.maximumFrameSize) - 1 - 8 - 4 - 3 - 4)
        #expect(throws: Never.self) { try FrameCodec.encode(.call(requestID: 1, method: "big", input: fits)) }
    }

    @Test func unknownTypesTrailingBytesAndBadFieldsAreTypedErrors() throws {
        #expect(throws: FrameError.unknownType(0)) { try FrameCodec.decode(frame: [1, 0, 0, 0, 0]) }
        #expect(throws: FrameError.unknownType(200)) { try FrameCodec.decode(frame: [1, 0, 0, 0, 200]) }
        // shutdown with a payload byte.
        #expect(throws: FrameError.trailingBytes(message: "shutdown", count: 1)) { try FrameCodec.decode(frame: [2, 0, 0, 0, 14, 0]) }
        // Two frames where one is expected.
        let two = try FrameCodec.encode(.shutdown) + FrameCodec.encode(.shutdown)
        #expect(throws: FrameError.trailingBytes(message: "frame", count: 5)) { try FrameCodec.decode(frame: two) }
        // A flag that is neither 0 nor 1 (the message flag of a result).
        var result = try FrameCodec.encode(.result(requestID: 1, status: 0, output: [], message: nil))
        result[result.count - 1] = 2
        #expect(throws: FrameError.invalidField(message: "result", field: "message", reason: "flag 2 is neither 0 nor 1")) {
            try FrameCodec.decode(frame: result)
        }
        // A method that is not UTF-8.
        var call = try FrameCodec.encode(.call(requestID: 1, method: "ab", input: []))
        call[5 + 8 + 4] = 0xff
        #expect(throws: FrameError.invalidField(message: "call", field: "method", reason: "not valid UTF-8")) { try FrameCodec.decode(frame: call) }
        // A byte string whose length runs past the payload.
        var lying = try FrameCodec.encode(.call(requestID: 1, method: "ab", input: [1]))
        lying[5 + 8] = 200
        #expect(throws: FrameError.self) { try FrameCodec.decode(frame: lying) }
        // An unknown confinement outcome.
        let loaded = try FrameCodec.encode(.loaded(status: 0, message: nil, metadata: nil,
                                                   confinement: ConfinementReport(steps: [ConfinementStep("x", .applied)])))
        var badOutcome = loaded
        badOutcome[5 + 4 + 1 + 1 + 4 + 4 + 1] = 9
        #expect(throws: FrameError.invalidField(message: "loaded", field: "step.outcome", reason: "unknown outcome 9")) {
            try FrameCodec.decode(frame: badOutcome)
        }
        // A step count no payload could hold.
        var hugeCount = loaded
        hugeCount.replaceSubrange((5 + 4 + 1 + 1)..<(5 + 4 + 1 + 1 + 4), with: [255, 255, 255, 255])
        #expect(throws: FrameError.truncatedPayload(message: "loaded", field: "steps")) { try FrameCodec.decode(frame: hugeCount) }
    }

    /// The host never trusts a count from the worker beyond what the worker could honestly send:
    /// a forged report cannot make it audit millions of refusals or remove many folders.
    @Test func countsAboveWhatAWorkerCanHonestlySendAreRefused() throws {
        let tooMany = [String](repeating: "socket", count: SandboxRefusals.maximumEvents + 1)
        let refused = try FrameCodec.encode(.refused(requestID: 1, events: tooMany))
        #expect(throws: FrameError.invalidField(message: "refused", field: "events", reason: "\(tooMany.count) events, at most \(SandboxRefusals.maximumEvents) in one report")) {
            try FrameCodec.decode(frame: refused)
        }
        let most = [String](repeating: "socket", count: SandboxRefusals.maximumEvents)
        #expect(throws: Never.self) { try FrameCodec.decode(frame: try FrameCodec.encode(.refused(requestID: 1, events: most))) }
        let loaded = try FrameCodec.encode(.loaded(status: 0, message: nil, metadata: nil,
                                                   confinement: ConfinementReport(createdCgroups: ["/a", "/b", "/c", "/d"])))
        #expect(throws: FrameError.invalidField(message: "loaded", field: "createdCgroups", reason: "4 folders, at most 3 (memory, cpu and pids)")) {
            try FrameCodec.decode(frame: loaded)
        }
    }

    @Test func hostCallArgumentsRoundTripAndRefuseGarbage() throws {
        let arguments: [[UInt8]] = [[], [1], Array(repeating: 9, count: 1000)]
        #expect(try HostCallArguments.decode(HostCallArguments.encode(arguments)) == arguments)
        #expect(try HostCallArguments.decode(HostCallArguments.encode([])) == [])
        #expect(throws: FrameError.self) { try HostCallArguments.decode([]) }
        #expect(throws: FrameError.self) { try HostCallArguments.decode([255, 255, 255, 255]) }
        #expect(throws: FrameError.self) { try HostCallArguments.decode(HostCallArguments.encode([[1, 2]]) + [0]) }
        #expect(throws: FrameError.self) { try HostCallArguments.decode(Array(HostCallArguments.encode([[1, 2]]).dropLast())) }
    }

    /// Deterministic garbage: decoding random bytes never traps.
    @Test func randomBytesNeverCrashTheDecoder() {
        var generator = SplitMix64(state: 42)
        for _ in 0..<5000 {
            let count = Int(generator.next() % 64)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if bytes.count >= 5 {
                let length = UInt32(bytes.count - 4)
                bytes[0] = UInt8(length & 0xff); bytes[1] = 0; bytes[2] = 0; bytes[3] = 0
                bytes[4] = UInt8(1 + generator.next() % 14)
            }
            _ = try? FrameCodec.decode(frame: bytes)
            _ = try? FrameCodec.decodeFirst(bytes[...])
        }
    }
}
