/// Encodes and decodes the frames of the host–worker protocol. Pure: no I/O, no state.
///
/// A frame is `u32 length` (little-endian; the number of bytes that follow it: the type byte and
/// the payload, at least 1, at most ``SandboxProtocol/maximumFrameSize``), `u8 type`
/// (``SandboxMessage/Kind``), then the payload: fields in a fixed order, integers little-endian,
/// byte strings and strings as `u32 length` + bytes (strings UTF-8), optional values as a `u8`
/// flag (0 or 1) followed by the value when 1. A payload must end exactly after its last field.
public enum FrameCodec {
    /// The whole frame (header and payload) for `message`. Throws ``FrameError/oversized(length:maximum:)``
    /// if it would not fit the maximum frame size.
    public static func encode(_ message: SandboxMessage) throws(FrameError) -> [UInt8] {
        var payload = WireWriter()
        switch message {
        case .hello(let protocolVersion, let abiVersion):
            payload.u32(protocolVersion)
            payload.u32(abiVersion)
        case .load(let libraryPath, let extensionID, let version, let limits):
            payload.string(libraryPath)
            payload.string(extensionID)
            payload.string(version)
            writeLimits(limits, &payload)
        case .loaded(let status, let message, let metadata, let confinement):
            payload.i32(status)
            payload.optionalString(message)
            payload.bool(metadata != nil)
            if let metadata {
                payload.u32(metadata.abiVersion)
                payload.string(metadata.id)
                payload.string(metadata.version)
                payload.optionalString(metadata.name)
                payload.bool(metadata.exportsState)
                payload.bool(metadata.importsState)
            }
            writeReport(confinement, &payload)
        case .call(let requestID, let method, let input):
            payload.u64(requestID)
            payload.string(method)
            payload.data(input)
        case .result(let requestID, let status, let output, let message):
            payload.u64(requestID)
            payload.i32(status)
            payload.data(output)
            payload.optionalString(message)
        case .hostCall(let requestID, let request):
            payload.u64(requestID)
            payload.string(request.function)
            payload.data(HostCallArguments.encode(request.arguments))
        case .hostResult(let requestID, let reply):
            payload.u64(requestID)
            payload.i32(reply.status)
            payload.data(reply.output)
            payload.optionalString(reply.message)
        case .activate(let requestID), .deactivate(let requestID), .health(let requestID):
            payload.u64(requestID)
        case .activated(let requestID, let status, let message), .deactivated(let requestID, let status, let message):
            payload.u64(requestID)
            payload.i32(status)
            payload.optionalString(message)
        case .healthReport(let requestID, let report):
            payload.u64(requestID)
            payload.optionalData(report)
        case .shutdown:
            break
        case .refused(let requestID, let events):
            payload.u64(requestID)
            payload.u32(UInt32(events.count))
            for event in events { payload.string(event) }
        case .exportState(let requestID):
            payload.u64(requestID)
        case .stateExported(let requestID, let status, let state, let message):
            payload.u64(requestID)
            payload.i32(status)
            payload.data(state)
            payload.optionalString(message)
        case .importState(let requestID, let state):
            payload.u64(requestID)
            payload.data(state)
        case .stateImported(let requestID, let status, let message):
            payload.u64(requestID)
            payload.i32(status)
            payload.optionalString(message)
        }
        let length = payload.bytes.count + 1
        guard length <= Int(SandboxProtocol.maximumFrameSize) else {
            throw .oversized(length: UInt32(clamping: length), maximum: SandboxProtocol.maximumFrameSize)
        }
        var frame = WireWriter()
        frame.u32(UInt32(length))
        frame.u8(message.kind.rawValue)
        return frame.bytes + payload.bytes
    }

    /// The length a frame header declares once `buffer` holds at least the 5 header bytes, checked
    /// against the maximum; nil while the header is incomplete.
    public static func frameLength(header buffer: ArraySlice<UInt8>) throws(FrameError) -> Int? {
        guard buffer.count >= 4 else { return nil }
        var reader = WireReader(buffer.prefix(4), context: "frame header")
        let length = try reader.u32("length")
        guard length > 0 else { throw .emptyFrame }
        guard length <= SandboxProtocol.maximumFrameSize else {
            throw .oversized(length: length, maximum: SandboxProtocol.maximumFrameSize)
        }
        return Int(length) + 4
    }

    /// Decodes the first frame of a stream buffer: the message and the number of bytes it used, or
    /// nil when the buffer does not yet hold a whole frame. A bad header or payload throws at once
    /// (an oversized length is refused before its bytes arrive).
    public static func decodeFirst(_ buffer: ArraySlice<UInt8>) throws(FrameError) -> (message: SandboxMessage, size: Int)? {
        guard let size = try frameLength(header: buffer), buffer.count >= size else { return nil }
        let start = buffer.startIndex
        let message = try decodePayload(type: buffer[start + 4], buffer[(start + 5)..<(start + size)])
        return (message, size)
    }

    /// Decodes exactly one whole frame: a frame cut short is ``FrameError/truncatedFrame(have:need:)``,
    /// bytes after it are ``FrameError/trailingBytes(message:count:)``.
    public static func decode(frame: [UInt8]) throws(FrameError) -> SandboxMessage {
        guard let size = try frameLength(header: frame[...]) else {
            throw .truncatedFrame(have: frame.count, need: SandboxProtocol.headerSize)
        }
        guard frame.count >= size else { throw .truncatedFrame(have: frame.count, need: size) }
        guard frame.count == size else { throw .trailingBytes(message: "frame", count: frame.count - size) }
        return try decodePayload(type: frame[4], frame[5..<size])
    }

    /// Decodes a payload of message type `type`.
    public static func decodePayload(type: UInt8, _ payload: ArraySlice<UInt8>) throws(FrameError) -> SandboxMessage {
        guard let kind = SandboxMessage.Kind(rawValue: type) else { throw .unknownType(type) }
        var reader = WireReader(payload, context: kind.name)
        let message: SandboxMessage
        switch kind {
        case .hello:
            message = .hello(protocolVersion: try reader.u32("protocolVersion"), abiVersion: try reader.u32("abiVersion"))
        case .load:
            message = .load(libraryPath: try reader.string("libraryPath"), extensionID: try reader.string("extensionID"),
                            version: try reader.string("version"), limits: try readLimits(&reader))
        case .loaded:
            let status = try reader.i32("status")
            let text = try reader.optionalString("message")
            var metadata: WorkerMetadata?
            if try reader.bool("metadata") {
                metadata = WorkerMetadata(abiVersion: try reader.u32("abiVersion"), id: try reader.string("id"),
                                          version: try reader.string("version"), name: try reader.optionalString("name"),
                                          exportsState: try reader.bool("exportsState"), importsState: try reader.bool("importsState"))
            }
            message = .loaded(status: status, message: text, metadata: metadata, confinement: try readReport(&reader))
        case .call:
            message = .call(requestID: try reader.u64("requestID"), method: try reader.string("method"), input: try reader.data("input"))
        case .result:
            message = .result(requestID: try reader.u64("requestID"), status: try reader.i32("status"),
                              output: try reader.data("output"), message: try reader.optionalString("message"))
        case .hostCall:
            let requestID = try reader.u64("requestID")
            let function = try reader.string("function")
            let arguments = try HostCallArguments.decode(try reader.data("arguments"))
            message = .hostCall(requestID: requestID, request: HostCallRequest(function: function, arguments: arguments))
        case .hostResult:
            let requestID = try reader.u64("requestID")
            message = .hostResult(requestID: requestID, reply: HostCallReply(
                status: try reader.i32("status"), output: try reader.data("output"), message: try reader.optionalString("message")))
        case .activate: message = .activate(requestID: try reader.u64("requestID"))
        case .deactivate: message = .deactivate(requestID: try reader.u64("requestID"))
        case .health: message = .health(requestID: try reader.u64("requestID"))
        case .activated:
            message = .activated(requestID: try reader.u64("requestID"), status: try reader.i32("status"), message: try reader.optionalString("message"))
        case .deactivated:
            message = .deactivated(requestID: try reader.u64("requestID"), status: try reader.i32("status"), message: try reader.optionalString("message"))
        case .healthReport:
            message = .healthReport(requestID: try reader.u64("requestID"), report: try reader.optionalData("report"))
        case .shutdown:
            message = .shutdown
        case .refused:
            let requestID = try reader.u64("requestID")
            let count = try reader.u32("events")
            guard Int(count) <= SandboxRefusals.maximumEvents else {
                throw .invalidField(message: reader.context, field: "events", reason: "\(count) events, at most \(SandboxRefusals.maximumEvents) in one report")
            }
            guard Int(count) <= reader.remaining / 4 else { throw .truncatedPayload(message: reader.context, field: "events") }
            var events: [String] = []
            for _ in 0..<count { events.append(try reader.string("event")) }
            message = .refused(requestID: requestID, events: events)
        case .exportState:
            message = .exportState(requestID: try reader.u64("requestID"))
        case .stateExported:
            message = .stateExported(requestID: try reader.u64("requestID"), status: try reader.i32("status"),
                                     state: try reader.data("state"), message: try reader.optionalString("message"))
        case .importState:
            message = .importState(requestID: try reader.u64("requestID"), state: try reader.data("state"))
        case .stateImported:
            message = .stateImported(requestID: try reader.u64("requestID"), status: try reader.i32("status"), message: try reader.optionalString("message"))
        }
        try reader.finish()
        return message
    }

    // MARK: - Parts

    private static func writeLimits(_ limits: ConfinementLimits, _ writer: inout WireWriter) {
        writer.optionalU64(limits.addressSpaceBytes)
        writer.optionalU64(limits.cpuSeconds)
        writer.optionalU64(limits.openFiles)
        writer.optionalU64(limits.fileSizeBytes)
        writer.optionalU64(limits.cgroupMemoryBytes)
        writer.optionalU64(limits.cgroupCPUPercent)
        writer.optionalU64(limits.threads)
        writer.bool(limits.noNewPrivileges)
        writer.bool(limits.seccomp)
        writer.bool(limits.landlock)
        writer.string(limits.requiredLayers.sorted().map(\.rawValue).joined(separator: ","))
    }

    private static func readLimits(_ reader: inout WireReader) throws(FrameError) -> ConfinementLimits {
        ConfinementLimits(
            addressSpaceBytes: try reader.optionalU64("addressSpaceBytes"), cpuSeconds: try reader.optionalU64("cpuSeconds"),
            openFiles: try reader.optionalU64("openFiles"), fileSizeBytes: try reader.optionalU64("fileSizeBytes"),
            cgroupMemoryBytes: try reader.optionalU64("cgroupMemoryBytes"), cgroupCPUPercent: try reader.optionalU64("cgroupCPUPercent"),
            threads: try reader.optionalU64("threads"), noNewPrivileges: try reader.bool("noNewPrivileges"),
            seccomp: try reader.bool("seccomp"), landlock: try reader.bool("landlock"), requiredLayers: try readLayers(&reader))
    }

    private static func readLayers(_ reader: inout WireReader) throws(FrameError) -> Set<ConfinementLayer> {
        let text = try reader.string("requiredLayers")
        var layers: Set<ConfinementLayer> = []
        for name in text.split(separator: ",") {
            guard let layer = ConfinementLayer(name: String(name)) else {
                throw .invalidField(message: reader.context, field: "requiredLayers", reason: "unknown layer \(name)")
            }
            layers.insert(layer)
        }
        return layers
    }

    private static func writeReport(_ report: ConfinementReport, _ writer: inout WireWriter) {
        writer.u32(UInt32(report.steps.count))
        for step in report.steps {
            writer.string(step.name)
            switch step.outcome {
            case .applied:
                writer.u8(0)
            case .unavailable(let reason):
                writer.u8(1)
                writer.string(reason)
            case .failed(let reason):
                writer.u8(2)
                writer.string(reason)
            }
            writer.string(step.detail)
        }
        writer.u32(UInt32(report.createdCgroups.count))
        for path in report.createdCgroups { writer.string(path) }
    }

    private static func readReport(_ reader: inout WireReader) throws(FrameError) -> ConfinementReport {
        var report = ConfinementReport()
        let count = try reader.u32("steps")
        // Each step takes at least 10 bytes: a count beyond that cannot be honest.
        guard Int(count) <= reader.remaining / 10 else { throw .truncatedPayload(message: reader.context, field: "steps") }
        for _ in 0..<count {
            let name = try reader.string("step.name")
            let outcome: ConfinementOutcome
            switch try reader.u8("step.outcome") {
            case 0: outcome = .applied
            case 1: outcome = .unavailable(reason: try reader.string("step.reason"))
            case 2: outcome = .failed(reason: try reader.string("step.reason"))
            case let other: throw .invalidField(message: reader.context, field: "step.outcome", reason: "unknown outcome \(other)")
            }
            report.steps.append(ConfinementStep(name, outcome, detail: try reader.string("step.detail")))
        }
        let cgroups = try reader.u32("createdCgroups")
        guard cgroups <= 3 else {
            throw .invalidField(message: reader.context, field: "createdCgroups", reason: "\(cgroups) folders, at most 3 (memory, cpu and pids)")
        }
        guard Int(cgroups) <= reader.remaining / 4 else { throw .truncatedPayload(message: reader.context, field: "createdCgroups") }
        for _ in 0..<cgroups { report.createdCgroups.append(try reader.string("createdCgroups")) }
        return report
    }
}

/// The arguments of a host call: `u32 count`, then each argument as `u32 length` + bytes.
///
/// Per function (names and order of `hypermesh_host_api`): `log` [level (i32 LE), message];
/// `storage_get`, `storage_delete` [key]; `storage_put` [key, value]; `storage_list` [prefix];
/// `storage_apply` [batch]; `register_asset_type` [type]; `emit_event` [topic, payload];
/// `file_read`, `file_list` [path]; `file_write` [path, data]; `http_request` [request];
/// `consensus_submit` [kind, payload]; `vm_execute` [module, method, input, budget (fuel u64 LE,
/// memory u64 LE; empty for NULL)], whose reply output is the fuel used (u64 LE) followed by the output.
public enum HostCallArguments {
    public static func encode(_ arguments: [[UInt8]]) -> [UInt8] {
        var writer = WireWriter()
        writer.u32(UInt32(arguments.count))
        for argument in arguments { writer.data(argument) }
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(FrameError) -> [[UInt8]] {
        var reader = WireReader(bytes[...], context: "hostCall arguments")
        let count = try reader.u32("count")
        guard Int(count) <= reader.remaining / 4 else { throw .truncatedPayload(message: reader.context, field: "count") }
        var arguments: [[UInt8]] = []
        for index in 0..<count { arguments.append(try reader.data("argument \(index)")) }
        try reader.finish()
        return arguments
    }
}
