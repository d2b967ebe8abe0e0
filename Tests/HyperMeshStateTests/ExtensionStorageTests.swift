import Foundation
import Testing
@testable import HyperMeshState

@Suite struct ExtensionStorageTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hm-state-\(UUID().uuidString)")

    @Test func putGetDeleteRoundTrip() throws {
        let storage = try StateStore(directory: directory).storage(for: "org.example.a")
        try storage.put("k", Array("v".utf8))
        #expect(try storage.get("k") == Array("v".utf8))
        #expect(try storage.delete("k"))
        #expect(try storage.get("k") == nil)
        #expect(try !storage.delete("k"))
    }

    @Test func extensionsDoNotSeeEachOthersKeys() throws {
        let store = try StateStore(directory: directory)
        try store.storage(for: "org.example.a").put("shared", [1])
        #expect(try store.storage(for: "org.example.b").get("shared") == nil)
        #expect(try store.storage(for: "org.example.b").list() == [])
    }

    @Test func listFiltersByPrefixInOrder() throws {
        let storage = try StateStore(directory: directory).storage(for: "org.example.a")
        for key in ["asset/b", "asset/a", "package/x", "assets"] { try storage.put(key, []) }
        #expect(try storage.list(prefix: "asset/") == ["asset/a", "asset/b"])
        #expect(try storage.list() == ["asset/a", "asset/b", "assets", "package/x"])
    }

    @Test func valuesSurviveReopening() throws {
        try StateStore(directory: directory).storage(for: "org.example.a").put("k", [7, 8])
        #expect(try StateStore(directory: directory).storage(for: "org.example.a").get("k") == [7, 8])
    }

    @Test func batchIsAllOrNothing() throws {
        let storage = try StateStore(directory: directory).storage(for: "org.example.a")
        try storage.put("keep", [1])
        let tooLong = String(repeating: "x", count: ExtensionStorage.maximumKeyLength + 1)
        #expect(throws: StateError.self) {
            try storage.apply([.put(key: "new", value: [2]), .delete(key: "keep"), .put(key: tooLong, value: [])])
        }
        #expect(try storage.get("new") == nil)
        #expect(try storage.get("keep") == [1])
        try storage.apply([.put(key: "new", value: [2]), .delete(key: "keep")])
        #expect(try storage.list() == ["new"])
    }

    @Test func rejectsEmptyKey() throws {
        let storage = try StateStore(directory: directory).storage(for: "org.example.a")
        let error = #expect(throws: StateError.self) { try storage.put("", [1]) }
        #expect(error?.code == .invalidKey)
    }

    @Test func usedBytesCountsKeysAndValues() throws {
        let storage = try StateStore(directory: directory).storage(for: "org.example.a")
        try storage.put("ab", [1, 2, 3])
        #expect(try storage.usedBytes() == 5)
    }

    @Test func unwritableDirectoryIsATypedError() {
        let error = #expect(throws: StateError.self) {
            _ = try StateStore(directory: URL(fileURLWithPath: "/proc/hm-no-such-dir"))
        }
        #expect(error?.code == .unavailable)
    }
}

@Suite struct ExtensionStoragePrefixTests {
    @Test func prefixMatchesBytesNotCharacters() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hm-state-\(UUID().uuidString)")
        let storage = try StateStore(directory: directory).storage(for: "org.example.a")
        try storage.put("é/1", [])
        try storage.put("e/1", [])
        #expect(try storage.list(prefix: "é/") == ["é/1"])
    }
}
