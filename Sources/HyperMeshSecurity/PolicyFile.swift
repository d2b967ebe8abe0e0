import Foundation
import HyperMeshManifest

/// The operator's policy file, `policy.json` in the host's state folder by default. Strict: an
/// unknown key, a value of the wrong type or an unknown capability is an error with its path.
///
/// ```json
/// {
///   "defaults":   { "allow": ["events"], "anomaly": { "action": "throttle" } },
///   "signers":    { "<SHA-256 of the signer's certificate>": { "allow": ["storage"] } },
///   "extensions": { "org.hypermesh.catalog": { "allow": ["storage", "assetManagement"],
///                                               "deny": ["networkAccess"],
///                                               "quotas": { "storageBytes": 1048576 },
///                                               "violations": { "windowSeconds": 60, "threshold": 20,
///                                                               "thresholds": { "rate_limited": 200 } } } },
///   "supervision": { "maxFailures": 5, "windowSeconds": 60, "initialDelayMilliseconds": 1000 },
///   "isolatedWorkers": { "requiredLayers": ["landlock", "seccomp"], "memoryBytes": 536870912 },
///   "network": { "deniedAddresses": ["169.254.0.0/16", "fe80::/10", "10.0.0.0/8"] }
/// }
/// ```
///
/// A missing file is the deny-all policy (nothing granted). ``save(_:to:)`` writes sorted,
/// indented JSON through a temporary file and a rename, so a reader never sees half a file.
public enum PolicyFile {
    public static let fileName = "policy.json"

    /// The policy file of a state folder.
    public static func defaultLocation(stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent(fileName)
    }

    public static func load(from file: URL) throws(PolicyError) -> SecurityPolicy {
        guard FileManager.default.fileExists(atPath: file.path) else { return .denyAll }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw PolicyError(.unreadable, "cannot read the policy file \(file.path)", cause: "\(error)")
        }
        do throws(PolicyError) {
            return try decode(data)
        } catch {
            throw PolicyError(error.code, "\(file.path): \(error.message)", at: error.path, cause: error.cause)
        }
    }

    public static func decode(_ data: Data) throws(PolicyError) -> SecurityPolicy {
        let root = try PolicyJSON.parse(data).object(at: "$")
        try root.rejectUnknownKeys(["defaults", "signers", "extensions", "supervision", "isolatedWorkers", "network"], at: "")
        var policy = SecurityPolicy()
        if let defaults = root["defaults"] { policy.defaults = try PolicyRuleCoding.decode(defaults, at: "defaults") }
        if let supervision = root["supervision"] { policy.supervision = try SupervisionCoding.decode(supervision, at: "supervision") }
        if let workers = root["isolatedWorkers"] { policy.isolatedWorkers = try WorkerIsolationCoding.decode(workers, at: "isolatedWorkers") }
        if let network = root["network"] { policy.network = try NetworkSettingsCoding.decode(network, at: "network") }
        for (name, members) in [("signers", \SecurityPolicy.signers), ("extensions", \SecurityPolicy.extensions)] {
            guard let section = root[name] else { continue }
            for (key, value) in try section.object(at: name) {
                guard !key.isEmpty else { throw PolicyError(.badValue, "an empty key", at: name) }
                policy[keyPath: members][key] = try PolicyRuleCoding.decode(value, at: "\(name).\(key)")
            }
        }
        return policy
    }

    public static func encode(_ policy: SecurityPolicy) -> Data {
        var root: [String: Any] = [:]
        let defaults = PolicyRuleCoding.encode(policy.defaults)
        if !defaults.isEmpty { root["defaults"] = defaults }
        if !policy.signers.isEmpty { root["signers"] = policy.signers.mapValues(PolicyRuleCoding.encode) }
        if !policy.extensions.isEmpty { root["extensions"] = policy.extensions.mapValues(PolicyRuleCoding.encode) }
        if let supervision = policy.supervision { root["supervision"] = SupervisionCoding.encode(supervision) }
        if let workers = policy.isolatedWorkers { root["isolatedWorkers"] = WorkerIsolationCoding.encode(workers) }
        if let network = policy.network { root["network"] = NetworkSettingsCoding.encode(network) }
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
        return data + Data("\n".utf8)
    }

    public static func save(_ policy: SecurityPolicy, to file: URL) throws(PolicyError) {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encode(policy).write(to: temporary)
            if rename(temporary.path, file.path) != 0 {
                throw PolicyError(.unreadable, "cannot replace \(file.path)", cause: String(cString: strerror(errno)))
            }
        } catch let error as PolicyError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw PolicyError(.unreadable, "cannot write the policy file \(file.path)", cause: "\(error)")
        }
    }
}
