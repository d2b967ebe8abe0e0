import Crypto
import Foundation
import HyperMeshConsensus
import HyperMeshConsensusFunctions
import HyperMeshExtensions
import HyperMeshTrust
import Synchronization

/// The development node's consensus identity, kept in the state dir as `consensus-node.json`
/// (mode 0600): its Ed25519 stake key and its plot seed, made on first use. The node's ledger and
/// plot registry hold only itself (see ``ProvisionedNode``): fit for a development host, not for a
/// network of nodes.
enum ConsensusNodeFile {
    static let fileName = "consensus-node.json"

    struct Identity: Codable {
        var stakeKey: String
        var plotSeed: String
    }

    /// The node of `stateDirectory`, created if the file does not exist. The file is written with
    /// ``SecretFile`` (`O_CREAT|O_EXCL`, mode 0600): never world-readable, never overwritten.
    ///
    /// Throws `consensus.identity_damaged` for a file that is not the expected document, and the
    /// ``TrustError`` of ``SecretFile`` (`trust.write_failed`) when it cannot be created.
    static func node(stateDirectory: URL) throws -> ProvisionedNode {
        let file = stateDirectory.appendingPathComponent(fileName)
        func damaged(_ cause: String) -> ConsensusError {
            ConsensusError(.identityDamaged, "\(file.path) is damaged; remove it to make a new node identity", cause: cause)
        }
        let identity: Identity
        if let data = FileManager.default.contents(atPath: file.path) {
            do {
                identity = try JSONDecoder().decode(Identity.self, from: data)
            } catch {
                throw damaged("\(error)")
            }
        } else {
            identity = Identity(stakeKey: hex(Curve25519.Signing.PrivateKey().rawRepresentation),
                                plotSeed: hex(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }))
            try SecretFile.create(file, contents: try JSONEncoder().encode(identity))
        }
        guard let key = bytes(identity.stakeKey), let seed = bytes(identity.plotSeed) else {
            throw damaged("the stake key or the plot seed is not hexadecimal")
        }
        let stakeKey: Curve25519.Signing.PrivateKey
        do {
            stakeKey = try Curve25519.Signing.PrivateKey(rawRepresentation: key)
        } catch {
            throw damaged("the stake key is not an Ed25519 private key: \(error)")
        }
        return try ProvisionedNode.fresh(plotSeed: seed, stakeKey: stakeKey)
    }

    static func hex(_ data: some DataProtocol) -> String { data.map { String(format: "%02x", $0) }.joined() }

    static func bytes(_ hex: String) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}

/// The node's consensus service, built on the first operation submitted (growing the plot takes
/// a moment, and most commands never submit one). `progress` gets a line before the plot grows
/// and one when it is ready (the CLI prints them on stderr); later operations report nothing.
final class LazyNodeConsensus: ConsensusGateway {
    let stateDirectory: URL
    private let progress: @Sendable (String) -> Void
    private let node = Mutex<NodeConsensus?>(nil)

    init(stateDirectory: URL, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.stateDirectory = stateDirectory
        self.progress = progress
    }

    func decide(kind: String, submitter: String, payload: [UInt8]) -> ConsensusOutcome {
        let consensus: NodeConsensus
        do {
            consensus = try node.withLock { existing in
                if let existing { return existing }
                progress("consensus: growing this node's plot (first consensus operation of this process)…")
                let start = ContinuousClock.now
                let made = NodeConsensus(node: try ConsensusNodeFile.node(stateDirectory: stateDirectory))
                progress("consensus: plot ready in \(ContinuousClock.now - start)")
                existing = made
                return made
            }
        } catch {
            return ConsensusOutcome(accepted: false, verdicts: ["node": "rejected: the node's consensus identity is unusable: \(error)"])
        }
        return consensus.decide(kind: kind, submitter: submitter, payload: payload)
    }
}
