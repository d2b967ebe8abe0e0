import Testing
@testable import HyperMeshRollout

@Suite("Wave assignment")
struct WaveAssignmentTests {
    @Test("the stable hash is FNV-1a 64 with a splitmix64 finaliser, the same in every process")
    func stableHash() {
        // FNV-1a 64 reference values.
        #expect(StableHash.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.mix(0) == 0xe220_a839_7b1d_cdaf)
        let p = WaveAssignment.position(rolloutID: "r1", nodeID: "n1")
        #expect(p >= 0 && p < 1)
        #expect(p == StableHash.unitInterval(StableHash.mix(StableHash.fnv1a("r1/n1"))))
    }

    @Test("a 1% wave of 1,000 nodes has 10 nodes and the waves hold 10, 90, 400, 500")
    func thousandNodes() {
        let ids = (0..<1_000).map { "node-\($0)" }
        let waves = WaveAssignment.waves(rolloutID: "r1", eligible: ids, shares: .standard)
        let counts = (0..<4).map { wave in waves.values.filter { $0 == wave }.count }
        #expect(counts == [10, 90, 400, 500])
        #expect(waves.count == 1_000)
    }

    @Test("a small fleet always has a canary wave of one node")
    func smallFleetCanary() throws {
        for size in 1...30 {
            let ids = (0..<size).map { "n\($0)" }
            let waves = WaveAssignment.waves(rolloutID: "r9", eligible: ids, shares: .standard)
            #expect(waves.values.filter { $0 == 0 }.count == 1)
            #expect(waves.values.max() ?? 0 <= 3)
        }
    }

    @Test("the assignment is a function of the ids, not of their order; another rollout picks other canaries")
    func stableAndSeeded() {
        let ids = (0..<200).map { "n\($0)" }
        let a = WaveAssignment.waves(rolloutID: "r1", eligible: ids, shares: .standard)
        let b = WaveAssignment.waves(rolloutID: "r1", eligible: ids.reversed() + ["n0"], shares: .standard)
        #expect(a == b)
        let other = WaveAssignment.waves(rolloutID: "r2", eligible: ids, shares: .standard)
        #expect(a != other)
        // Nodes are ranked by position.
        let canaries = a.filter { $0.value == 0 }.map(\.key)
        let positions = ids.map { WaveAssignment.position(rolloutID: "r1", nodeID: $0) }.sorted()
        #expect(canaries.map { WaveAssignment.position(rolloutID: "r1", nodeID: $0) }.sorted() == Array(positions.prefix(2)))
    }
}
