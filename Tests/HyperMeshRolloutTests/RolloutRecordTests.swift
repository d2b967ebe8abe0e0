import Foundation
import HyperMeshErrors
import Testing
@testable import HyperMeshRollout

@Suite("Rollout record")
struct RolloutRecordTests {
    @Test("a new record is prefetching, not paused, with one history event")
    func make() {
        let record = RolloutFixtures.record()
        #expect(record.phase == .prefetching)
        #expect(!record.paused)
        #expect(record.phaseSince == RolloutFixtures.start && record.createdAt == RolloutFixtures.start)
        #expect(record.history.count == 1)
        #expect(record.reason == nil)
    }

    @Test("the record encodes with sorted camelCase keys, dates in seconds since 1970, and decodes back equal")
    func roundTrip() throws {
        var record = RolloutFixtures.record(labels: ["zone": "eu"])
        record.phase = .wave(1)
        record.reason = "why"
        let data = record.encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix(#"{"createdAt":1800000000,"digest":"sha256:"#))
        #expect(text.contains(#""phase":{"name":"wave","wave":1}"#))
        #expect(text.contains(#""waves":[1,10,50,100]"#))
        #expect(text.contains(#""reference":"registry.example/echo@sha256:"#))
        #expect(text.contains(#""gate":{"maxErrorRate":0.05,"maxViolations":0,"minimumCalls":20,"windowSeconds":30}"#))
        #expect(try RolloutRecord.decode(data) == record)
        #expect(record.encoded() == data)
    }

    @Test("every phase round-trips through JSON and describes itself with the wave count")
    func phases() throws {
        for phase: RolloutPhase in [.prefetching, .wave(0), .wave(3), .complete, .rolledBack, .aborted] {
            let data = try JSONEncoder().encode(phase)
            #expect(try JSONDecoder().decode(RolloutPhase.self, from: data) == phase)
        }
        #expect(RolloutPhase.wave(1).describe(waveCount: 4) == "wave 2 of 4")
        #expect(RolloutPhase.rolledBack.describe(waveCount: 4) == "rolled back")
        #expect(RolloutPhase.complete.isFinal && RolloutPhase.aborted.isFinal && RolloutPhase.rolledBack.isFinal)
        #expect(!RolloutPhase.wave(0).isFinal && !RolloutPhase.prefetching.isFinal)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RolloutPhase.self, from: Data(#"{"name":"sideways"}"#.utf8)) }
    }

    @Test("records breaking a rule are refused with rollout.record_invalid", arguments: [
        ("digest", #""sha256:abc""#),
        ("reference", #""registry.example/echo:2.0.0""#),
        ("id", #""""#),
        ("version", #""""#),
        ("phase", #"{"name":"wave","wave":4}"#),
        ("waves", #"[10,5]"#),
        ("gate", #"{"maxErrorRate":2}"#),
    ])
    func refusesInvalid(field: String, json: String) throws {
        var object = try JSONSerialization.jsonObject(with: RolloutFixtures.record().encoded()) as! [String: Any]
        object[field] = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        let data = try JSONSerialization.data(withJSONObject: object)
        let error = #expect(throws: RolloutError.self) { try RolloutRecord.decode(data) }
        #expect(error?.code == .recordInvalid)
        #expect(error?.category.httpStatus == 400)
    }

    @Test("make refuses a reference that is not pinned by the digest")
    func makeValidates() {
        let error = #expect(throws: RolloutError.self) {
            try RolloutRecord.make(id: "r1", extensionID: "e", version: "2", reference: "registry.example/echo:2",
                                   digest: RolloutFixtures.digest, previousVersion: nil, now: RolloutFixtures.start)
        }
        #expect(error?.code == .recordInvalid)
        #expect(error?.subject == "r1")
    }

    @Test("a node is eligible when its labels contain every pair of the selector; an empty selector takes all")
    func eligibility() {
        #expect(RolloutFixtures.record().isEligible(labels: [:]))
        let record = RolloutFixtures.record(labels: ["zone": "eu", "tier": "edge"])
        #expect(record.isEligible(labels: ["zone": "eu", "tier": "edge", "extra": "x"]))
        #expect(!record.isEligible(labels: ["zone": "eu"]))
        #expect(!record.isEligible(labels: ["zone": "us", "tier": "edge"]))
    }

    @Test("the history keeps the last 64 events")
    func historyCap() {
        var record = RolloutFixtures.record()
        for i in 0..<100 { record = record.appending(RolloutEvent(at: RolloutFixtures.at(Double(i)), phase: .prefetching, note: "e\(i)")) }
        #expect(record.history.count == RolloutRecord.historyLimit)
        #expect(record.history.last?.note == "e99")
        #expect(record.history.first?.note == "e36")
    }

    @Test("node progress encodes dates in seconds since 1970 and computes its error rate")
    func progressCodable() throws {
        let progress = RolloutFixtures.progress("n1", .active, calls: 40, errors: 2, activeSince: 5)
        #expect(progress.errorRate == 0.05)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(progress), as: UTF8.self)
        #expect(text == #"{"activeSince":1800000005,"calls":40,"errors":2,"healthy":true,"nodeID":"n1","rolloutID":"r1","stage":"active","updatedAt":1800000005,"violations":0}"#)
        #expect(try JSONDecoder().decode(NodeRolloutProgress.self, from: Data(text.utf8)) == progress)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(NodeRolloutProgress.self, from: Data(text.replacingOccurrences(of: #""errors":2"#, with: #""errors":41"#).utf8))
        }
    }

    @Test("the error codes are unique, rollout.* and carry their categories")
    func codes() {
        let raw = RolloutError.knownCodes.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        #expect(raw.allSatisfy { $0.hasPrefix("rollout.") })
        #expect(HyperMeshErrorCode<RolloutError>(rawValue: "rollout.already_final")?.category == .conflict)
        #expect(RolloutError(.simulationInvalid, subject: nil, "x").description == "[rollout.simulation_invalid] x")
    }
}
