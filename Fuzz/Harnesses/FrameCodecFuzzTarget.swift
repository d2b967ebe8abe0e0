import HyperMeshSandbox

/// The host–worker wire protocol, both directions: what a hostile worker may send the host (bytes
/// → ``FrameCodec/decodeFirst(_:)``, frame after frame as the host's stream reader consumes them),
/// and what the host sends (a message built from the input → ``FrameCodec/encode(_:)`` →
/// decoded back). The host-call argument lists (``HostCallArguments``) are checked the same way.
///
/// Invariants: a decoded frame consumes at least its header, never more than the buffer; a decoded
/// message re-encodes to a frame that decodes to the same message; an encoded message decodes to
/// itself using exactly the encoded bytes.
public struct FrameCodecFuzzTarget: FuzzTarget {
    public init() {}
    public var name: String { "frame-codec" }
    public var summary: String { "worker frames both ways: stream decoding of hostile bytes, encode → decode of built messages, host-call arguments" }

    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        var reader = FuzzInput(input)
        switch reader.byte() % 3 {
        case 0: try decodeStream(reader.rest())
        case 1: try encodeBuilt(&reader)
        default: try decodeArguments(reader.rest())
        }
    }

    func decodeStream(_ bytes: [UInt8]) throws(FuzzFinding) {
        var offset = 0
        for _ in 0..<64 {
            let decoded: (message: SandboxMessage, size: Int)?
            do { decoded = try FrameCodec.decodeFirst(bytes[offset...]) } catch { return }
            guard let decoded else { return }
            guard decoded.size >= SandboxProtocol.headerSize, offset + decoded.size <= bytes.count else {
                throw FuzzFinding(name, "a decoded frame claims a size outside the buffer", "size \(decoded.size) at \(offset) of \(bytes.count)")
            }
            try roundTrip(decoded.message)
            offset += decoded.size
        }
    }

    func roundTrip(_ message: SandboxMessage) throws(FuzzFinding) {
        let frame: [UInt8]
        do { frame = try FrameCodec.encode(message) } catch {
            throw FuzzFinding(name, "a decoded \(message.kind.name) message does not encode", "\(error)")
        }
        let again: SandboxMessage
        do { again = try FrameCodec.decode(frame: frame) } catch {
            throw FuzzFinding(name, "an encoded \(message.kind.name) frame does not decode", "\(error)")
        }
        guard again == message else {
            throw FuzzFinding(name, "a \(message.kind.name) message changed through encode → decode", "\(message) ≠ \(again)")
        }
        let streamed: (message: SandboxMessage, size: Int)?
        do { streamed = try FrameCodec.decodeFirst(frame[...] + [0xFF, 0x00]) } catch {
            throw FuzzFinding(name, "an encoded \(message.kind.name) frame followed by more bytes does not decode", "\(error)")
        }
        guard streamed?.message == message, streamed?.size == frame.count else {
            throw FuzzFinding(name, "stream decoding of an encoded \(message.kind.name) frame used the wrong bytes", "\(String(describing: streamed?.size)) ≠ \(frame.count)")
        }
    }

    func encodeBuilt(_ reader: inout FuzzInput) throws(FuzzFinding) {
        try roundTrip(Self.message(from: &reader))
    }

    func decodeArguments(_ bytes: [UInt8]) throws(FuzzFinding) {
        let arguments: [[UInt8]]
        do { arguments = try HostCallArguments.decode(bytes) } catch { return }
        let encoded = HostCallArguments.encode(arguments)
        guard encoded == bytes else {
            throw FuzzFinding(name, "host-call arguments decoded from bytes with a different encoding", "\(arguments.count) arguments")
        }
    }

    /// A message of any kind, its fields drawn from `reader`.
    static func message(from reader: inout FuzzInput) -> SandboxMessage {
        let kind = reader.pick(SandboxMessage.Kind.allCases)
        let id = reader.uint64()
        func text(_ reader: inout FuzzInput) -> String { reader.string(upTo: 64) }
        func optionalText(_ reader: inout FuzzInput) -> String? { reader.bool() ? reader.string(upTo: 64) : nil }
        func status(_ reader: inout FuzzInput) -> Int32 { Int32(bitPattern: reader.uint32()) }
        switch kind {
        case .hello: return .hello(protocolVersion: reader.uint32(), abiVersion: reader.uint32())
        case .load:
            let optional: (inout FuzzInput) -> UInt64? = { $0.bool() ? $0.uint64() : nil }
            let limits = ConfinementLimits(
                addressSpaceBytes: optional(&reader), cpuSeconds: optional(&reader), openFiles: optional(&reader),
                fileSizeBytes: optional(&reader), cgroupMemoryBytes: optional(&reader), cgroupCPUPercent: optional(&reader),
                threads: optional(&reader), noNewPrivileges: reader.bool(), seccomp: reader.bool(), landlock: reader.bool(),
                requiredLayers: Set(ConfinementLayer.allCases.filter { _ in reader.bool() }))
            return .load(libraryPath: text(&reader), extensionID: text(&reader), version: text(&reader), limits: limits)
        case .loaded:
            let metadata = reader.bool()
                ? WorkerMetadata(abiVersion: reader.uint32(), id: text(&reader), version: text(&reader), name: optionalText(&reader),
                                 exportsState: reader.bool(), importsState: reader.bool())
                : nil
            var steps: [ConfinementStep] = []
            for _ in 0..<reader.int(in: 0...3) {
                let outcome: ConfinementOutcome = switch reader.byte() % 3 {
                case 0: .applied
                case 1: .unavailable(reason: text(&reader))
                default: .failed(reason: text(&reader))
                }
                steps.append(ConfinementStep(text(&reader), outcome, detail: text(&reader)))
            }
            let cgroups = (0..<reader.int(in: 0...2)).map { _ in text(&reader) }
            return .loaded(status: status(&reader), message: optionalText(&reader), metadata: metadata,
                           confinement: ConfinementReport(steps: steps, createdCgroups: cgroups))
        case .call: return .call(requestID: id, method: text(&reader), input: reader.bytes(upTo: 255))
        case .result: return .result(requestID: id, status: status(&reader), output: reader.bytes(upTo: 255), message: optionalText(&reader))
        case .hostCall:
            let arguments = (0..<reader.int(in: 0...4)).map { _ in reader.bytes(upTo: 64) }
            return .hostCall(requestID: id, request: HostCallRequest(function: text(&reader), arguments: arguments))
        case .hostResult:
            return .hostResult(requestID: id, reply: HostCallReply(status: status(&reader), output: reader.bytes(upTo: 255), message: optionalText(&reader)))
        case .activate: return .activate(requestID: id)
        case .activated: return .activated(requestID: id, status: status(&reader), message: optionalText(&reader))
        case .deactivate: return .deactivate(requestID: id)
        case .deactivated: return .deactivated(requestID: id, status: status(&reader), message: optionalText(&reader))
        case .health: return .health(requestID: id)
        case .healthReport: return .healthReport(requestID: id, report: reader.bool() ? reader.bytes(upTo: 255) : nil)
        case .shutdown: return .shutdown
        case .refused: return .refused(requestID: id, events: (0..<reader.int(in: 0...4)).map { _ in text(&reader) })
        case .exportState: return .exportState(requestID: id)
        case .stateExported: return .stateExported(requestID: id, status: status(&reader), state: reader.bytes(upTo: 255), message: optionalText(&reader))
        case .importState: return .importState(requestID: id, state: reader.bytes(upTo: 255))
        case .stateImported: return .stateImported(requestID: id, status: status(&reader), message: optionalText(&reader))
        }
    }

    public func seeds() throws -> [FuzzSeed] {
        var seeds: [FuzzSeed] = []
        // One encoded frame per kind (direction 0), and the same choices as a build recipe (direction 1).
        for (index, kind) in SandboxMessage.Kind.allCases.enumerated() {
            let recipe: [UInt8] = [UInt8(index)] + Array(repeating: 7, count: 24) + Array("seed".utf8)
            var reader = FuzzInput(recipe)
            let message = Self.message(from: &reader)
            seeds.append(FuzzSeed("build-\(kind.name)", [1] + recipe))
            if let frame = try? FrameCodec.encode(message) { seeds.append(FuzzSeed("frame-\(kind.name)", [0] + frame)) }
        }
        seeds.append(FuzzSeed("arguments", [2] + HostCallArguments.encode([Array("key".utf8), [], Array(repeating: 1, count: 9)])))
        return seeds
    }
}
