import Foundation
import HyperMeshExtensions

extension HostFunctionSet {
    /// The consensus function set: `consensus_submit(kind, payload)` answered by `gateway` (a node's
    /// ``NodeConsensus``). It replaces the built-in `consensus_submit` that answers UNAVAILABLE;
    /// give it to `ExtensionRegistry(hostFunctions:)`.
    ///
    /// The proving is the node's own work, left out of the caller's CPU accounting. Each decision
    /// is written to the audit log (kind `consensus`, with the kind and the verdicts), accepted or
    /// not. The answer is `{"accepted":true|false,"verdicts":{…}}`: OK means a decision was taken.
    public static func consensus(_ gateway: any ConsensusGateway) -> HostFunctionSet {
        HostFunctionSet(name: "consensus", functions: [
            HostFunctionSet.consensusSubmit { kind, payload, call in
                let outcome = call.asHostWork { gateway.decide(kind: kind, submitter: call.extensionID, payload: payload) }
                call.audit(.consensus, "operation '\(kind)' \(outcome.accepted ? "accepted" : "rejected") by consensus",
                           details: outcome.verdicts.merging(["kind": kind], uniquingKeysWith: { $1 }))
                let document: [String: Any] = ["accepted": outcome.accepted, "verdicts": outcome.verdicts]
                return Array(try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]))
            },
        ])
    }
}
