import Foundation
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTrust

// The three strict-JSON documents an operator or an author hands the host: each must parse or
// refuse, and what parses must survive its own encoder unchanged (what `hypermesh ext grant` or
// `ext stage` writes is read back as the same value).

/// `extension.json`: ``ManifestDecoder`` then ``ManifestEncoder`` and back.
public struct ManifestFuzzTarget: FuzzTarget {
    public init() {}
    public var name: String { "manifest" }
    public var summary: String { "extension.json: strict decoding, validation, and encode → decode round trip" }

    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        let manifest: Manifest
        do { manifest = try ManifestDecoder.decode(Data(input), source: "fuzz") } catch { return }
        let encoded = ManifestEncoder.encode(manifest)
        let again: Manifest
        do { again = try ManifestDecoder.decode(encoded, source: "fuzz (encoded)") } catch {
            throw FuzzFinding(name, "an accepted manifest does not decode after encoding", "\(error)")
        }
        guard again == manifest else {
            throw FuzzFinding(name, "a manifest changed through encode → decode", String(decoding: encoded, as: UTF8.self))
        }
    }

    public func seeds() throws -> [FuzzSeed] {
        [
            FuzzSeed("minimal", text: #"{"id":"org.example.minimal","name":"Minimal","version":"0.1.0","kind":"native","entry":"libminimal.so","abi":{"min":1,"max":1},"category":"tools"}"#),
            FuzzSeed("wasm", text: #"{"id":"org.example.guest","name":"Guest","version":"1.2.3-rc.1+b7","kind":"wasm","entry":"guest.wasm","abi":{"min":1,"max":2},"category":"tools","engine":"compiled","capabilities":["storage","events","networkAccess"],"networkHosts":["127.0.0.1:8080","*.example.org"],"dependencies":{"org.example.base":"^1.0.0 || >=2.1.0 <3.0.0"},"quotas":{"memoryBytes":1048576,"cpuMillisecondsPerCall":50,"operationsPerSecond":100,"maxConcurrentCalls":4},"files":{"guest.wasm":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}}"#),
        ]
    }
}

/// `policy.json`: ``PolicyFile/decode(_:)`` then ``PolicyFile/encode(_:)`` and back.
public struct PolicyFuzzTarget: FuzzTarget {
    public init() {}
    public var name: String { "policy" }
    public var summary: String { "policy.json: strict decoding of rules, quotas, anomaly and supervision settings, round trip" }

    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        let policy: SecurityPolicy
        do { policy = try PolicyFile.decode(Data(input)) } catch { return }
        let encoded = PolicyFile.encode(policy)
        let again: SecurityPolicy
        do { again = try PolicyFile.decode(encoded) } catch {
            throw FuzzFinding(name, "an accepted policy does not decode after encoding", "\(error)")
        }
        guard again == policy else {
            throw FuzzFinding(name, "a policy changed through encode → decode", String(decoding: encoded, as: UTF8.self))
        }
    }

    public func seeds() throws -> [FuzzSeed] {
        [
            FuzzSeed("empty", text: "{}"),
            FuzzSeed("documented", text: #"""
            {"defaults":{"allow":["events"],"anomaly":{"deviations":6,"warmupSamples":50,"growthSamples":8,"minimumCPUMicroseconds":1000,"minimumRelativeDeviation":0.1,"action":"alert","throttleRate":10},"violations":{"windowSeconds":60,"threshold":20,"thresholds":{"rate_limited":200}}},
             "signers":{"3f1c00aa":{"allow":["storage"]}},
             "extensions":{"org.hypermesh.catalog":{"allow":["storage","assetManagement","consensusAccess"],"deny":["networkAccess"],"quotas":{"storageBytes":1048576,"operationsPerSecond":2000},"isolation":"process","engine":"compiled"}},
             "supervision":{"restarts":true,"maxFailures":5,"windowSeconds":60,"initialDelayMilliseconds":1000,"delayFactor":2,"maxDelayMilliseconds":30000}}
            """#),
        ]
    }
}

/// `revocations.json`: ``RevocationList/init(decoding:source:)`` then ``RevocationList/encoded()`` and back.
public struct RevocationListFuzzTarget: FuzzTarget {
    public init() {}
    public var name: String { "revocation-list" }
    public var summary: String { "revocations.json: strict decoding of revoked certificates and packages, round trip" }

    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        let list: RevocationList
        do { list = try RevocationList(decoding: Data(input), source: "fuzz") } catch { return }
        let encoded = list.encoded()
        let again: RevocationList
        do { again = try RevocationList(decoding: encoded, source: "fuzz (encoded)") } catch {
            throw FuzzFinding(name, "an accepted revocation list does not decode after encoding", "\(error)")
        }
        guard again == list else {
            throw FuzzFinding(name, "a revocation list changed through encode → decode", String(decoding: encoded, as: UTF8.self))
        }
    }

    public func seeds() throws -> [FuzzSeed] {
        let list = RevocationList(issued: Date(timeIntervalSince1970: 1_800_000_000),
                                  certificates: [String(repeating: "ab", count: 32)], packages: [String(repeating: "0f", count: 32)])
        return [FuzzSeed("encoded", Array(list.encoded())), FuzzSeed("empty", Array(RevocationList(issued: Date(timeIntervalSince1970: 0)).encoded()))]
    }
}
