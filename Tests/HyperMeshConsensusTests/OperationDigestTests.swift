import Foundation
import HyperMeshConsensus
import Testing

@Suite("Operation digests")
struct OperationDigestTests {
    private func operation(_ kind: String, _ submitter: String, _ payload: String, milliseconds: Int64 = 0) -> ConsensusOperation {
        ConsensusOperation(kind: kind, submitter: submitter, payload: Array(payload.utf8), timestampMilliseconds: milliseconds)
    }

    @Test("moving a field boundary changes the digest")
    func fieldBoundaries() {
        let variants = [
            operation("ab", "c", "d"),
            operation("a", "bc", "d"),
            operation("a", "b", "cd"),
            operation("abc", "", "d"),
            operation("", "abc", "d"),
            operation("", "", "abcd"),
            operation("abcd", "", ""),
            operation("a", "", "bcd"),
        ]
        let digests = Set(variants.map { ConsensusFixture.hex($0.digest) })
        #expect(digests.count == variants.count)
        #expect(Set(variants).count == variants.count)
    }

    @Test("the canonical encoding is the documented length-prefixed layout")
    func canonicalEncoding() {
        func field(_ bytes: [UInt8]) -> [UInt8] {
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init) + bytes
        }
        let subject = operation("k", "s", "", milliseconds: -1)
        let expected = field(Array("hypermesh.consensus.operation.v1".utf8)) + field([0x6b]) + field([0x73]) + field([])
            + [UInt8](repeating: 0xff, count: 8)
        #expect(subject.canonicalEncoding == expected)
    }

    @Test("digests match independently computed SHA-256 values")
    func knownAnswers() {
        let install = ConsensusOperation(
            kind: "catalog.package.install", submitter: "org.hypermesh.catalog", payload: [1, 2, 3],
            timestampMilliseconds: 1_700_000_000_123)
        #expect(ConsensusFixture.hex(install.digest) == "9c00046b60f5f2b69f303c31b3d5541c43bcbabe12c796a66f4ca77b478c01ca")
        #expect(ConsensusFixture.hex(operation("k", "s", "", milliseconds: -1).digest)
            == "cc66236b441322dec17a209e4039e7dcb7375ecf41117393bd94b764b07f3c1e")
    }

    @Test("timestamps are kept to the millisecond")
    func millisecondPrecision() {
        let base = Date(timeIntervalSince1970: 1_700_000_000.123)
        let same = ConsensusFixture.operation(at: base.addingTimeInterval(0.0002))
        let later = ConsensusFixture.operation(at: base.addingTimeInterval(0.001))
        #expect(ConsensusFixture.operation(at: base) == same)
        #expect(ConsensusFixture.operation(at: base).digest == same.digest)
        #expect(same.timestampMilliseconds == 1_700_000_000_123)
        #expect(later.timestampMilliseconds == 1_700_000_000_124)
        #expect(later.digest != same.digest)
        #expect(later.timestamp.timeIntervalSince1970 == 1_700_000_000.124)
    }

    @Test("every field is covered by the digest")
    func everyFieldCounts() {
        let base = operation("kind", "submitter", "payload", milliseconds: 5)
        #expect(operation("kinD", "submitter", "payload", milliseconds: 5).digest != base.digest)
        #expect(operation("kind", "submitteR", "payload", milliseconds: 5).digest != base.digest)
        #expect(operation("kind", "submitter", "payloaD", milliseconds: 5).digest != base.digest)
        #expect(operation("kind", "submitter", "payload", milliseconds: 6).digest != base.digest)
        #expect(base.digest.count == 32)
    }
}
