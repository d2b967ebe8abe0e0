import Foundation
import HyperMeshConsensus
import Testing

@Suite("Proof bundles as JSON")
struct ProofBundleJSONTests {
    @Test("a full bundle round-trips and is still accepted")
    func roundTrip() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let proofs = try node.prover.prove(operation)
        let decoded = try ProofBundle(json: try proofs.jsonData())
        #expect(decoded == proofs)
        #expect(node.engine().decide(operation, proofs: decoded, at: ConsensusFixture.now).isAccepted)
    }

    @Test("byte strings are lowercase hex and missing proofs are absent")
    func jsonShape() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        var proofs = try node.prover.prove(operation)
        proofs.work = nil
        let object = try #require(try JSONSerialization.jsonObject(with: try proofs.jsonData()) as? [String: Any])
        #expect(Set(object.keys) == ["space", "stake", "time"])
        let stake = try #require(object["stake"] as? [String: Any])
        #expect(stake["publicKey"] as? String == ConsensusFixture.hex(node.prover.publicKey))
        let time = try #require(object["time"] as? [String: Any])
        let output = try #require(time["output"] as? String)
        #expect(output == output.lowercased() && output.count == 64)
        #expect(try ProofBundle(json: try proofs.jsonData()) == proofs)
    }

    @Test("an empty bundle round-trips")
    func emptyBundle() throws {
        let data = try ProofBundle().jsonData()
        #expect(String(decoding: data, as: UTF8.self) == "{}")
        #expect(try ProofBundle(json: data) == ProofBundle())
    }

    @Test("text that is not a bundle is a typed error", arguments: [
        "not json",
        "{\"work\": {\"nonce\": -1}}",
        "{\"time\": {\"iterations\": 5, \"output\": \"ABCD\"}}",
        "{\"stake\": {\"publicKey\": \"abc\", \"signature\": \"00\"}}",
        "[1, 2, 3]",
    ])
    func undecodable(text: String) {
        let error = #expect(throws: ConsensusError.self) {
            try ProofBundle(json: Data(text.utf8))
        }
        #expect(error?.code == .undecodableJSON)
        #expect(error?.cause != nil)
    }

    @Test("an operation round-trips with its timestamp in milliseconds")
    func operationJSON() throws {
        let operation = ConsensusFixture.operation()
        let data = try JSONEncoder().encode(operation)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["timestamp"] as? NSNumber)?.int64Value == operation.timestampMilliseconds)
        #expect(object["payload"] as? String == ConsensusFixture.hex(operation.payload))
        let decoded = try JSONDecoder().decode(ConsensusOperation.self, from: data)
        #expect(decoded == operation)
        #expect(decoded.digest == operation.digest)
    }
}
