import Foundation

/// The JSON shapes of etcd 3.4's gRPC gateway (`/v3/...`), as far as the client uses them.
///
/// The gateway marshals protobuf with the original (snake_case) field names, omits fields that
/// hold their default value (0, false, empty), writes 64-bit integers as JSON strings and bytes as
/// base64. Requests may use the same names. Internal: the public types are built from these.
enum EtcdWire {
    /// A 64-bit integer the gateway writes as a string ("42"); a plain JSON number is accepted too.
    struct Number: Codable, Sendable {
        let text: String

        init(_ value: Int64) { text = String(value) }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else {
                text = String(try container.decode(Int64.self))
            }
            guard Int64(text) != nil || UInt64(text) != nil else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an integer: \(text)")
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(text)
        }

        var int64: Int64 { Int64(text) ?? Int64(bitPattern: UInt64(text) ?? 0) }
        var uint64: UInt64 { UInt64(text) ?? UInt64(bitPattern: Int64(text) ?? 0) }
    }

    struct Header: Decodable {
        let revision: Number?
        let member_id: Number?
        let raft_term: Number?
    }

    struct KeyValue: Decodable {
        let key: Data?
        let value: Data?
        let create_revision: Number?
        let mod_revision: Number?
        let version: Number?
        let lease: Number?

        var model: EtcdKeyValue {
            EtcdKeyValue(
                key: String(decoding: key ?? Data(), as: UTF8.self), value: value ?? Data(),
                createRevision: create_revision?.int64 ?? 0, modRevision: mod_revision?.int64 ?? 0,
                version: version?.int64 ?? 0, lease: lease?.int64 ?? 0)
        }
    }

    // MARK: Requests

    struct RangeRequest: Encodable {
        let key: Data
        let range_end: Data?
    }

    struct PutRequest: Encodable {
        let key: Data
        let value: Data
        let lease: Number?
    }

    struct DeleteRangeRequest: Encodable {
        let key: Data
        let range_end: Data?
    }

    struct Compare: Encodable {
        let result: String
        let target: String
        let key: Data
        var mod_revision: Number? = nil
        var create_revision: Number? = nil
        var version: Number? = nil
        var value: Data? = nil
    }

    struct RequestOp: Encodable {
        var request_range: RangeRequest? = nil
        var request_put: PutRequest? = nil
        var request_delete_range: DeleteRangeRequest? = nil
    }

    struct TxnRequest: Encodable {
        let compare: [Compare]
        let success: [RequestOp]
        let failure: [RequestOp]
    }

    struct CompactionRequest: Encodable {
        let revision: Number
        let physical: Bool
    }

    struct LeaseGrantRequest: Encodable {
        let TTL: Number
        let ID: Number
    }

    struct LeaseIDRequest: Encodable {
        let ID: Number
    }

    struct WatchCreateRequest: Encodable {
        let key: Data
        let range_end: Data?
        let start_revision: Number?
    }

    struct WatchRequest: Encodable {
        let create_request: WatchCreateRequest
    }

    struct Empty: Encodable {}

    // MARK: Responses

    /// A unary answer: etcd always sends the response header, so an answer without one is not etcd's.
    protocol Answer: Decodable, Sendable {
        var header: Header? { get }
    }

    struct RangeResponse: Answer {
        let header: Header?
        let kvs: [KeyValue]?
    }

    struct HeaderResponse: Answer {
        let header: Header?
    }

    struct DeleteRangeResponse: Answer {
        let header: Header?
        let deleted: Number?
    }

    struct ResponseOp: Decodable {
        let response_range: RangeResponse?
    }

    struct TxnResponse: Answer {
        let header: Header?
        let succeeded: Bool?
        let responses: [ResponseOp]?
    }

    struct LeaseGrantResponse: Answer {
        let header: Header?
        let ID: Number?
        let TTL: Number?
        let error: String?
    }

    struct LeaseKeepAliveResponse: Decodable {
        let ID: Number?
        let TTL: Number?
    }

    struct LeaseTimeToLiveResponse: Answer {
        let header: Header?
        let ID: Number?
        let TTL: Number?
        let grantedTTL: Number?
    }

    struct StatusResponse: Answer {
        let header: Header?
        let version: String?
        let dbSize: Number?
        let leader: Number?
        let raftTerm: Number?
    }

    struct Event: Decodable {
        let type: String?
        let kv: KeyValue?
    }

    struct WatchResponse: Decodable {
        let header: Header?
        let created: Bool?
        let canceled: Bool?
        let compact_revision: Number?
        let cancel_reason: String?
        let events: [Event]?
    }

    /// One message of a streamed answer (watch, keep-alive): `{"result": …}` or `{"error": …}`.
    struct StreamMessage<Result: Decodable>: Decodable {
        let result: Result?
        let error: StreamError?
    }

    /// The error object the gateway puts in a stream: `{"grpc_code":…, "http_code":…, "message":…}`.
    struct StreamError: Decodable {
        let grpc_code: Int?
        let message: String?
    }

    /// The body of a unary answer with a non-2xx status: `{"error":…, "message":…, "code": gRPC code}`.
    struct ErrorBody: Decodable {
        let error: String?
        let message: String?
        let code: Int?
    }

    static func encode(_ value: some Encodable) -> Data {
        // Only plain structs of strings, data and booleans: encoding cannot fail.
        (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
    }
}
