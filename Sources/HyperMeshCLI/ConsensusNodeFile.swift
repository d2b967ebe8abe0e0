import Crypto
import Foundation
import HyperMeshConsensus
import HyperMeshConsensusFunctions
import HyperMeshExtensions
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

    /// The node of `stateDirectory`, created if the file does not exist.
    static func node(stateDirectory: URL) throws -> ProvisionedNode {
        let file = stateDirectory.appendingPathComponent(fileName)
        let identity: Identity
        if let data = FileManager.default.contents(atPath: file.path) {
            identity = try JSONDecoder().decode(Identity.self, from: data)
        } else {
            identity = Identity(stakeKey: hex(Curve25519.Signing.PrivateKey().rawRepresentation),
                                plotSeed: hex(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }))
            let data = try JSONEncoder().encode(identity)
            FileManager.default.createFile(atPath: file.path, contents: data, attributes: [.posixPermissions: 0o600])
        }
        guard let key = bytes(identity.stakeKey), let seed = bytes(identity.plotSeed) else {
            throw ExtensionError(.policyInvalid, extensionID: nil, "\(file.path) is damaged; remove it to make a new node identity")
        }
        return try ProvisionedNode.fresh(plotSeed: seed, stakeKey: try Curve25519.Signing.PrivateKey(rawRepresentation: key))
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
/// a moment, and most commands never submit one).
final class LazyNodeConsensus: ConsensusGateway {
    let stateDirectory: URL
    private let node = Mutex<NodeConsensus?>(nil)

    init(stateDirectory: URL) {
        self.stateDirectory = stateDirectory
    }

    func decide(kind: String, submitter: String, payload: [UInt8]) -> ConsensusOutcome {
        let consensus: NodeConsensus
        do {
            consensus = try node.withLock { existing in
                if let existing { return existing }
                let made = NodeConsensus(node: try ConsensusNodeFile.node(stateDirectory: stateDirectory))
                existing = made
                return made
            }
        } catch {
            return ConsensusOutcome(accepted: false, verdicts: ["node": "rejected: the node's consensus identity is unusable: \(error)"])
        }
        return consensus.decide(kind: kind, submitter: submitter, payload: payload)
    }
}
