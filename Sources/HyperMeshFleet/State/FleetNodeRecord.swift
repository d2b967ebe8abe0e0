import Foundation

/// What a node says about itself under `nodes/<id>` (kept alive by its lease): who it is, where its
/// peers reach its store, and what runs on it.
public struct FleetNodeRecord: Sendable, Hashable, Codable {
    public struct RunningExtension: Sendable, Hashable, Codable {
        public var id: String
        public var version: String
        /// The lifecycle state (`active`, `failed`, …).
        public var state: String
        /// The health status the node sees (`healthy`, `degraded`, `unhealthy`, `unknown`).
        public var health: String

        public init(id: String, version: String, state: String, health: String) {
            self.id = id
            self.version = version
            self.state = state
            self.health = health
        }
    }

    public var id: String
    public var labels: [String: String]
    /// The node's TCP endpoint (`http://host:port`), where its store is served to peers; nil when
    /// the node does not serve peers.
    public var endpoint: String?
    public var extensions: [RunningExtension]
    public var startedAt: Date
    public var updatedAt: Date

    public init(id: String, labels: [String: String], endpoint: String?, extensions: [RunningExtension], startedAt: Date, updatedAt: Date) {
        self.id = id
        self.labels = labels
        self.endpoint = endpoint
        self.extensions = extensions
        self.startedAt = startedAt
        self.updatedAt = updatedAt
    }
}

/// JSON for the values of the fleet's keys: sorted keys, dates as seconds since 1970.
public enum FleetJSON {
    public static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        // Every value here is plain data: encoding cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ data: Data, key: String) throws(FleetError) -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw FleetError(.configurationInvalid, subject: key, "the value in etcd is not a valid \(type)", cause: error)
        }
    }
}
