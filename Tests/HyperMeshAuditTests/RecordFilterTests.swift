import Foundation
import HyperMeshAudit
import Testing

@Suite("Record filters")
struct RecordFilterTests {
    @Test func filtersByExtension() throws {
        try withTemporaryLog { log, _ in
            try log.append(AuditEntry(kind: .lifecycle, extensionID: "a", message: "a1"))
            try log.append(AuditEntry(kind: .lifecycle, extensionID: "b", message: "b1"))
            try log.append(AuditEntry(kind: .lifecycle, extensionID: nil, message: "host"))
            try log.append(AuditEntry(kind: .denial, extensionID: "a", message: "a2"))
            #expect(try log.records(extensionID: "a").map(\.message) == ["a1", "a2"])
            #expect(try log.records(extensionID: "b").map(\.message) == ["b1"])
            #expect(try log.records(extensionID: "missing").isEmpty)
            #expect(try log.records().count == 4)
        }
    }

    @Test func filtersByExtensionContainingNUL() throws {
        try withTemporaryLog { log, _ in
            try log.append(AuditEntry(kind: .lifecycle, extensionID: "x\u{0}y", message: "with nul"))
            try log.append(AuditEntry(kind: .lifecycle, extensionID: "x", message: "prefix only"))
            #expect(try log.records(extensionID: "x\u{0}y").map(\.message) == ["with nul"])
            #expect(try log.records(extensionID: "x").map(\.message) == ["prefix only"])
        }
    }

    @Test func filtersByTime() throws {
        try withTemporaryLog { log, _ in
            let early = try appendSamples(log, count: 3)
            var middle = try log.append(AuditEntry(kind: .policy, message: "middle"))
            while middle.time <= early[2].time {
                middle = try log.append(AuditEntry(kind: .policy, message: "middle"))
            }
            try appendSamples(log, count: 2)
            let all = try log.records()
            let expected = all.filter { $0.time >= middle.time }
            let since = try log.records(since: middle.time)
            #expect(since == expected)
            #expect(since.first == middle)
            #expect(since.count >= 3)
            #expect(try log.records(since: middle.time.addingTimeInterval(0.0004)).first?.time != middle.time)
            #expect(try log.records(since: middle.time.addingTimeInterval(3600)).isEmpty)
            #expect(try log.records(since: Date(timeIntervalSince1970: 0)) == all)
        }
    }

    @Test func filtersByKinds() throws {
        try withTemporaryLog { log, _ in
            for kind in [AuditKind.grant, .denial, .violation, .grant, .hostCalls] {
                try log.append(AuditEntry(kind: kind, extensionID: "a", message: kind.rawValue))
            }
            #expect(try log.records(kinds: [.grant]).map(\.sequence) == [1, 4])
            #expect(try log.records(kinds: [.denial, .hostCalls]).map(\.sequence) == [2, 5])
            #expect(try log.records(kinds: [.suspension]).isEmpty)
            #expect(try log.records(kinds: []).isEmpty)
        }
    }

    @Test func limitsAndCombinesFilters() throws {
        try withTemporaryLog { log, _ in
            for index in 1...10 {
                let extensionID = index.isMultiple(of: 2) ? "even" : "odd"
                let kind: AuditKind = index <= 5 ? .grant : .denial
                try log.append(AuditEntry(kind: kind, extensionID: extensionID, message: "\(index)"))
            }
            #expect(try log.records(limit: 3).map(\.sequence) == [1, 2, 3])
            #expect(try log.records(limit: 0).isEmpty)
            #expect(try log.records(limit: 100).count == 10)
            #expect(try log.records(extensionID: "even", kinds: [.denial]).map(\.sequence) == [6, 8, 10])
            #expect(try log.records(extensionID: "odd", kinds: [.denial], limit: 1).map(\.sequence) == [7])
        }
    }
}
